"""A municipality's time zone: only real zone names are stored; a bad one already stored falls back."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from veche.municipalities.models import Municipality
from veche.municipalities.zones import local_day, zone_of

pytestmark = pytest.mark.django_db

# 23:00 on 10 March in Moscow, already 06:00 on 11 March in Vladivostok.
EVENING_IN_MOSCOW = datetime(2026, 3, 10, 20, 0, tzinfo=UTC)


@pytest.mark.parametrize("name", ["Europe/Moskva", "", "UTC+3", "../etc/passwd", "<script>"])
def test_a_name_that_is_no_zone_is_refused_with_its_field(municipality, name):
    municipality.timezone = name

    with pytest.raises(ValidationError) as refused:
        municipality.full_clean()

    assert list(refused.value.message_dict) == ["timezone"]


def test_a_zone_name_is_accepted_and_counts_the_day_there(municipality):
    municipality.timezone = "Asia/Vladivostok"
    municipality.full_clean()
    municipality.save()

    assert zone_of(municipality) == ZoneInfo("Asia/Vladivostok")
    assert local_day(municipality, EVENING_IN_MOSCOW) == date(2026, 3, 11)


def test_a_bad_name_stored_before_the_check_falls_back_to_the_servers_zone(municipality):
    """Written past the form (an old row, a shell): its pages and deadlines still work."""
    Municipality.objects.filter(pk=municipality.pk).update(timezone="Europe/Moskva")
    municipality.refresh_from_db()

    assert zone_of(municipality) == ZoneInfo(settings.TIME_ZONE)
    assert (
        local_day(municipality, EVENING_IN_MOSCOW)
        == EVENING_IN_MOSCOW.astimezone(ZoneInfo(settings.TIME_ZONE)).date()
    )


def test_the_admin_form_says_what_is_wrong(client_for, platform_admin, municipality):
    response = client_for(platform_admin).get(f"/admin/municipalities/municipality/{municipality.pk}/change/")
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data.update({k: ("" if v is None else v) for k, v in data.items()}, timezone="Europe/Moskva")

    refused = client_for(platform_admin).post(
        f"/admin/municipalities/municipality/{municipality.pk}/change/", data
    )

    assert refused.status_code == 200
    # The admin speaks Russian here, the site's language.
    assert "Europe/Moskva — не название часового пояса" in refused.content.decode()
    municipality.refresh_from_db()
    assert municipality.timezone != "Europe/Moskva"
