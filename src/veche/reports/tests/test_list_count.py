"""The public list counts its reports up to a cap, and past it says "more than"."""

import pytest

from veche.core import pagination

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("cap", "said"), [(3, "3 reports"), (2, "more than 2 reports")])
def test_the_list_states_its_count_up_to_the_cap(
    browser, municipality, resident, routed, monkeypatch, cap, said
):
    monkeypatch.setattr(pagination, "DEFAULT_CAP", cap)
    for _ in range(3):
        routed(resident)

    response = browser().get(f"/m/{municipality.slug}/reports/")

    assert response.status_code == 200
    assert f'<p class="muted">{said}</p>' in response.content.decode()
    assert len(response.context["page"].object_list) == min(cap, 3)
