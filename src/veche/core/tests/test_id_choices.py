"""core.forms.ModelMultipleChoiceField: an id past 64 bits is an invalid choice, not a 500 on SQLite."""

import pytest
from django.core.exceptions import ValidationError

from veche.core.forms import ModelMultipleChoiceField
from veche.municipalities.models import District, Municipality

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("pk", [str(2**63), str(2**64), str(-(2**63) - 1)])
def test_an_id_past_64_bits_is_refused_before_the_query(municipality: Municipality, pk: str) -> None:
    field = ModelMultipleChoiceField(queryset=District.objects.all())
    with pytest.raises(ValidationError) as refused:
        field.clean([pk])
    assert refused.value.code == "invalid_pk_value"


def test_a_district_s_own_id_is_taken(municipality: Municipality) -> None:
    district = municipality.districts.first()
    assert district is not None
    field = ModelMultipleChoiceField(queryset=District.objects.all())
    assert list(field.clean([str(district.pk)])) == [district]
