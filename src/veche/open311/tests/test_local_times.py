"""LocalTimes writes every moment exactly as w3c() does, in zones with daylight saving, half-hour
and quarter-hour offsets, and across their changes."""

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from veche.open311.formats import LocalTimes, w3c

ZONES = [
    "Europe/Moscow",
    "Asia/Vladivostok",
    "Europe/London",  # daylight saving: an hour's offset changes at 01:00 UTC
    "America/St_Johns",  # -03:30 / -02:30
    "Asia/Kathmandu",  # +05:45
    "Australia/Lord_Howe",  # a half-hour change of offset
    "Africa/Monrovia",  # -00:44:30 until 1972: an offset of seconds
    "UTC",
]
# Around the changes of 2025 and the years reports are kept for, and before the epoch.
moments = st.datetimes(
    min_value=datetime(1965, 1, 1),  # noqa: DTZ001 - hypothesis bounds are naive; the zone is given
    max_value=datetime(2040, 12, 31),  # noqa: DTZ001
    timezones=st.just(UTC),
) | st.sampled_from(
    [
        datetime(2025, 3, 30, 0, 59, 59, tzinfo=UTC),
        datetime(2025, 3, 30, 1, 0, tzinfo=UTC),
        datetime(1971, 6, 1, 12, 0, 7, tzinfo=UTC),
        datetime(1969, 12, 31, 23, 59, 59, 1, tzinfo=UTC),  # a second before the epoch, nearly
    ]
)


@given(st.sampled_from(ZONES), st.lists(moments, min_size=1, max_size=40))
def test_local_times_write_what_w3c_writes(zone, batch):
    tz = ZoneInfo(zone)
    times = LocalTimes(tz)
    # Neighbours of each moment too: the same hour and day, so that the cache is used.
    everything = [m + timedelta(seconds=s) for m in batch for s in (0, 1, 59, 3599, -3600, 86399)]
    assert [times(m) for m in everything] == [w3c(m, tz) for m in everything]


def test_moments_in_other_zones_and_none():
    tz = ZoneInfo("Europe/Moscow")
    times = LocalTimes(tz)
    elsewhere = datetime(2025, 6, 1, 12, 30, 15, 999999, tzinfo=timezone(timedelta(hours=-7)))
    assert times(elsewhere) == w3c(elsewhere, tz) == "2025-06-01T22:30:15+03:00"
    assert times(None) is None
    london = LocalTimes(ZoneInfo("Europe/London"))
    assert london(datetime(2025, 3, 30, 0, 59, 59, tzinfo=UTC)) == "2025-03-30T00:59:59+00:00"
    assert london(datetime(2025, 3, 30, 1, 0, 0, tzinfo=UTC)) == "2025-03-30T02:00:00+01:00"
