"""Verification providers are pluggable: the settings decide which ways of proving residence exist."""

import pytest
from django.test import override_settings

from veche.accounts import services
from veche.accounts.forms import CodeRequestForm
from veche.accounts.models import Verification
from veche.accounts.verification.backends import LocmemBackend
from veche.accounts.verification.providers import VerificationProvider
from veche.core.errors import DomainError, Forbidden

PROVIDERS = "veche.accounts.verification.providers"


class GosuslugiProvider(VerificationProvider):
    """A provider a city might add: a code sent through its own channel."""

    key = "gosuslugi"
    label = "Gosuslugi"
    channel = "gosuslugi"


ONLY_IN_PERSON = [f"{PROVIDERS}.InPersonProvider"]
WITH_CUSTOM = [f"{PROVIDERS}.InPersonProvider", "veche.accounts.tests.test_providers.GosuslugiProvider"]


@pytest.mark.django_db
@override_settings(VERIFICATION_PROVIDERS=ONLY_IN_PERSON)
def test_without_code_providers_no_code_is_sent(resident, municipality):
    assert CodeRequestForm(municipality=municipality).fields["channel"].choices == []
    with pytest.raises(DomainError) as error:
        services.verification_code_request(
            user=resident,
            municipality=municipality,
            district=municipality.districts.first(),
            channel="letter",
            destination="Lenina 1",
        )
    assert "channel" in error.value.fields
    assert LocmemBackend.outbox == []


@pytest.mark.django_db
@override_settings(VERIFICATION_PROVIDERS=WITH_CUSTOM)
def test_a_city_adds_its_own_provider(resident, municipality, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.verification_code_request(
            user=resident,
            municipality=municipality,
            district=municipality.districts.first(),
            channel="gosuslugi",
            destination="esia:12345",
        )
    [message] = LocmemBackend.outbox
    verification = services.verification_code_confirm(
        user=resident, municipality=municipality, code=message.code
    )
    assert verification.provider == "gosuslugi"
    assert verification.provider_label == "Gosuslugi"


@pytest.mark.django_db
@override_settings(VERIFICATION_PROVIDERS=[f"{PROVIDERS}.LetterCodeProvider"])
def test_in_person_verification_can_be_switched_off(official, resident, municipality):
    with pytest.raises(Forbidden):
        services.verification_in_person(
            official=official,
            resident=resident,
            municipality=municipality,
            district=municipality.districts.first(),
        )
    assert not Verification.objects.filter(user=resident).exists()
