"""Numbers the map scripts, the forms and the browser read are written unlocalised in every language.

Django writes a float for the reader's locale: in Russian 59.9386 becomes "59,9386", which
parseFloat reads as 59. The pages write such numbers with the `unlocalize` filter.
"""

from collections.abc import Callable

import pytest
from django.test import Client, override_settings

from veche.accounts.models import User
from veche.core.testing import localised_numbers
from veche.municipalities.models import Municipality
from veche.reports.models import Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def petersburg(municipality: Municipality) -> Municipality:
    """The test municipality, centred elsewhere than the model's default centre."""
    municipality.latitude, municipality.longitude = 59.9386, 30.3141
    municipality.save(update_fields=["latitude", "longitude"])
    return municipality


@pytest.mark.parametrize("language", ["ru", "en"])
def test_the_map_page_gives_its_script_the_city_centre_unlocalised(
    client_for: Callable[..., Client], petersburg: Municipality, language: str
) -> None:
    response = client_for(None, language=language).get(f"/m/{petersburg.slug}/reports/map/")

    assert response["Content-Language"] == language
    assert 'data-lat="59.9386" data-lon="30.3141"' in response.content.decode()


@pytest.mark.parametrize("language", ["ru", "en"])
def test_the_report_form_starts_at_the_city_centre_unlocalised(
    client_for: Callable[..., Client], petersburg: Municipality, resident: User, lights: object, language: str
) -> None:
    client = client_for(resident, language=language)
    html = client.get(f"/m/{petersburg.slug}/reports/new/").content.decode()
    # The picking map starts there, but no place is filled in for the resident.
    assert 'id="pick-map"' in html and 'data-lat="59.9386" data-lon="30.3141"' in html
    assert 'name="latitude" step="any"' in html and 'name="latitude" value=' not in html

    # A refused filing gives the place back as a number input takes it.
    refused = client.post(
        f"/m/{petersburg.slug}/reports/new/",
        {
            "category": petersburg.categories.get(slug="light").pk,
            "latitude": "59.9401",
            "longitude": "30.3152",
            "description": "Темно",
        },
    )
    html = refused.content.decode()
    assert refused.status_code == 400
    assert 'name="latitude" value="59.9401"' in html and 'name="longitude" value="30.3152"' in html


def test_a_russian_report_form_files_the_place_its_number_inputs_send(
    client_for: Callable[..., Client], petersburg: Municipality, resident: User, lights: object
) -> None:
    # A browser sends a number input's value as "59.94" whatever the language it shows it in.
    response = client_for(resident).post(
        f"/m/{petersburg.slug}/reports/new/",
        {
            "category": petersburg.categories.get(slug="light").pk,
            "latitude": "59.9401",
            "longitude": "30.3152",
            "description": "Не горит фонарь",
        },
    )

    assert response.status_code == 302
    report = Report.objects.get()
    assert (report.latitude, report.longitude) == (59.9401, 30.3152)


@override_settings(USE_THOUSAND_SEPARATOR=True)
def test_no_page_of_reports_gives_a_script_a_number_written_for_people(
    client_for: Callable[..., Client],
    petersburg: Municipality,
    resident: User,
    official: User,
    routed: Callable[..., Report],
) -> None:
    # Grouped thousands are on too, so that a number written for people shows in either form.
    report = routed(resident, latitude=59.9401, longitude=30.3152, address="Невский проспект, 1")
    base = f"/m/{petersburg.slug}"
    pages = {
        f"{base}/reports/map/": client_for(None),
        f"{base}/reports/?category=light": client_for(None),
        f"{base}/reports/{report.pk}/": client_for(resident),
        f"{base}/reports/new/": client_for(resident),
        f"{base}/staff/reports/": client_for(official),
    }

    for url, client in pages.items():
        response = client.get(url)
        assert (response.status_code, response["Content-Language"]) == (200, "ru"), url
        assert localised_numbers(response.content.decode()) == [], url
