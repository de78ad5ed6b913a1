"""The map's stored cell counts: kept by every write, equal to grouping the reports themselves."""

import io
from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veche.core.geo import bounding_box
from veche.moderation.services import content_hide, content_restore
from veche.municipalities.zones import local_day
from veche.reports import mapcells, selectors, services
from veche.reports.models import MapCell, Report
from veche.reports.selectors import ReportFilters

pytestmark = pytest.mark.django_db

# At zoom 12 a cell is 360 / 2**12 / 4 degrees (0.02197): the cell of (55.75, 37.61) spans
# latitudes 55.7446-55.7666 and longitudes 37.6062-37.6282.
POINT = {"latitude": 55.75, "longitude": 37.61}


def stored_rows():
    return sorted(
        MapCell.objects.values_list("level", "category_key", "district_key", "x", "y", "status", "count")
    )


def clusters(client, municipality, query):
    response = client.get(f"/m/{municipality.slug}/reports/map.json", query)
    assert response.status_code == 200
    data = response.json()
    # A cell of one report comes as that report's pin; counted here as a cluster of one.
    pins = [(1, int(p["status"] in mapcells.OPEN_ON_MAP)) for p in data["pins"]]
    return sorted([(c["count"], c["open"]) for c in data["clusters"]] + pins)


def test_a_cell_the_box_touches_counts_whole(browser, municipality, resident, routed):
    routed(resident, **POINT)

    # The first box ends inside the report's cell, south of the report; the second, below the cell.
    assert clusters(browser(), municipality, {"bbox": "55.6,37.5,55.745,37.607", "zoom": "12"}) == [(1, 1)]
    assert clusters(browser(), municipality, {"bbox": "55.6,37.5,55.744,37.607", "zoom": "12"}) == []


def test_every_step_moves_the_counts_at_once(
    browser, municipality, resident, moderator, official, submit, photo
):
    client = browser()
    box = {"bbox": "55.6,37.4,55.9,37.8", "zoom": "11"}
    report = submit(resident, **POINT)
    assert clusters(client, municipality, box) == []  # not public before moderation

    report = services.report_moderate(moderator=moderator, report=report)
    assert clusters(client, municipality, box) == [(1, 1)]
    report = services.report_resolve(official=official, report=report, answer="Fixed", photos=[photo()])
    assert clusters(client, municipality, box) == [(1, 0)]
    assert clusters(client, municipality, {**box, "status": "open"}) == []
    assert clusters(client, municipality, {**box, "status": "resolved"}) == [(1, 0)]

    content_hide(moderator=moderator, content=report, reason="Insults")
    assert clusters(client, municipality, box) == []
    content_restore(moderator=moderator, content=report, reason="Checked")
    assert clusters(client, municipality, box) == [(1, 0)]
    assert mapcells.differences(municipality) == []


def test_a_step_that_fails_late_leaves_the_counts_as_they_were(
    municipality, resident, official, routed, monkeypatch
):
    report = routed(resident, **POINT)
    before = sorted(
        MapCell.objects.values_list("level", "category_key", "district_key", "x", "y", "status", "count")
    )

    def broken(*args, **kwargs):
        raise RuntimeError("mail server down")

    # The status (and with it the counts) has moved when the notification fails.
    monkeypatch.setattr(services, "_notify_change", broken)
    with pytest.raises(RuntimeError):
        services.report_start(official=official, report=report)

    assert Report.objects.get(pk=report.pk).status == "routed"
    assert (
        sorted(
            MapCell.objects.values_list("level", "category_key", "district_key", "x", "y", "status", "count")
        )
        == before
    )
    assert mapcells.differences(municipality) == []


def test_below_the_stored_levels_the_cells_are_summed(browser, municipality, resident, routed):
    routed(resident, **POINT)
    routed(resident, latitude=55.80, longitude=37.70)  # another cell at zoom 10, the same at zoom 6

    at_6 = clusters(browser(), municipality, {"bbox": "50,30,60,45", "zoom": "6"})
    at_10 = clusters(browser(), municipality, {"bbox": "55.6,37.4,55.9,37.8", "zoom": "10"})

    assert at_6 == [(2, 2)]
    assert at_10 == [(1, 1), (1, 1)]


def test_the_map_counts_in_one_query_whatever_the_zoom(browser, municipality, resident, routed):
    """The counts come from the cells; one bounded read of the reports behind them gives the pins
    and the clusters' boxes."""
    for i in range(5):
        routed(resident, latitude=55.70 + i * 0.02, longitude=37.55 + i * 0.03)
    client = browser()
    client.get(f"/m/{municipality.slug}/reports/map.json", {"bbox": "55.6,37.4,55.9,37.8", "zoom": "12"})

    for zoom, bbox in (
        ("3", "55.6,37.4,55.9,37.8"),
        ("10", "55.6,37.4,55.9,37.8"),
        ("13", "55.6,37.4,55.9,37.8"),
        ("15", "55.69,37.54,55.79,37.68"),
    ):
        with CaptureQueriesContext(connection) as queries:
            answer = clusters(client, municipality, {"bbox": bbox, "zoom": zoom})
        report_reads = [q for q in queries.captured_queries if "reports_" in q["sql"]]
        assert len(report_reads) == 2, zoom
        assert "reports_mapcell" in report_reads[0]["sql"]
        assert "reports_mapcell" not in report_reads[1]["sql"] and "LIMIT" in report_reads[1]["sql"]
        assert "GROUP BY" not in report_reads[1]["sql"]
        assert sum(n for n, _ in answer) == 5


@pytest.fixture
def spread(municipality, resident, moderator, official, submit, routed, photo):
    """Twenty-odd reports over a few kilometres, in both categories and districts, in every public
    status, one hidden, one unmoderated and one overdue."""
    d1, d2 = municipality.districts.order_by("slug")
    pothole = municipality.categories.get(slug="pothole")
    made = []
    for i in range(24):
        kwargs = {
            "latitude": 55.70 + (i * 7 % 24) * 0.004,
            "longitude": 37.55 + (i * 5 % 24) * 0.006,
            "district": d1 if i % 3 else d2,
        }
        if i % 4 == 0:
            kwargs.update(category=pothole, photos=[photo()])
        report = routed(resident, **kwargs)
        if i % 5 == 1:
            report = services.report_start(official=official, report=report)
        elif i % 5 == 2:
            report = services.report_resolve(
                official=official, report=report, answer="Done", photos=[photo()]
            )
        elif i % 5 == 3:
            report = services.report_reject(official=official, report=report, reason="Not ours")
        made.append(report)
    content_hide(moderator=moderator, content=made[7], reason="Insults")
    submit(resident, latitude=55.72, longitude=37.58)
    for i in range(3):
        late = routed(
            resident, latitude=55.73 + i * 0.03, longitude=37.60, now=timezone.now() - timedelta(days=40)
        )
    services.report_start(official=official, report=late)
    services.reports_map_advance()  # the overdue rows count as of today
    return municipality


def _live(municipality, filters, bbox, zoom):
    """The same clusters grouped from the reports (what the map did before the cells)."""
    reports = selectors.filter_reports(
        selectors.public_reports(municipality), filters, municipality=municipality
    )
    return sorted(tuple(sorted(c.items())) for c in selectors.map_clusters(reports, bbox=bbox, zoom=zoom))


# The stored cells count by one of category, district and overdue at a time (more at once are
# grouped from the reports, which would compare the grouping with itself).
narrowed = st.one_of(
    st.just({}),
    st.sampled_from(["light", "pothole", "nothing"]).map(lambda code: {"category": code}),
    st.sampled_from(["first", "second", "atlantis"]).map(lambda code: {"district": code}),
    st.just({"overdue": True}),
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    south=st.floats(55.60, 55.85),
    west=st.floats(37.45, 37.75),
    height=st.floats(0.0005, 0.4),
    width=st.floats(0.0005, 0.5),
    zoom=st.integers(0, 16),
    narrowing=narrowed,
    status=st.sampled_from(["", "open", "routed", "in_progress", "resolved", "rejected", "submitted"]),
)
def test_the_stored_cells_answer_as_grouping_the_reports_does(
    spread, south, west, height, width, zoom, narrowing, status
):
    municipality = spread
    first, second = municipality.districts.order_by("slug").values_list("slug", flat=True)
    if "district" in narrowing:
        narrowing = {"district": {"first": first, "second": second}.get(narrowing["district"], "atlantis")}
    filters = ReportFilters(status=status, **narrowing)
    bbox = (south, west, min(south + height, 90.0), min(west + width, 180.0))

    # Read from the stored cells only: grouping the reports here would fail the test.
    with mock.patch.object(selectors, "map_clusters", side_effect=AssertionError("grouped the reports")):
        stored = selectors.public_map(municipality, filters, bbox=bbox, zoom=zoom)

    assert sorted(tuple(sorted(c.items())) for c in stored) == _live(municipality, filters, bbox, zoom)


def test_the_overdue_filter_reads_the_cells_once_the_day_has_moved(
    browser, municipality, resident, official, routed, photo
):
    client = browser()
    box = {"bbox": "55.6,37.4,55.9,37.8", "zoom": "12", "overdue": "on"}
    late = routed(resident, **POINT, now=timezone.now() - timedelta(days=40))
    routed(resident, **POINT)  # open, not yet due

    def overdue_read() -> tuple[list[tuple[int, int]], list[str]]:
        with CaptureQueriesContext(connection) as queries:
            answer = clusters(client, municipality, box)
        return answer, [q["sql"] for q in queries.captured_queries if "reports_" in q["sql"]]

    before_tick, before_sql = overdue_read()
    moved = services.reports_map_advance()
    after_tick, after_sql = overdue_read()
    services.report_resolve(official=official, report=late, answer="Fixed", photos=[photo()])
    answered, _ = overdue_read()

    assert before_tick == after_tick == [(1, 1)]
    assert not any("reports_mapcell" in sql for sql in before_sql)  # grouped from the reports
    # Counted from the cells; the reports are read only for their pins, never grouped.
    assert any("reports_mapcell" in sql for sql in after_sql) and not any(
        "reports_report" in sql and "GROUP BY" in sql for sql in after_sql
    )
    assert moved == 1
    assert services.reports_map_advance() == 0  # the same day again changes nothing
    assert answered == []
    assert mapcells.differences(municipality) == []


def test_the_tick_command_escalates_and_moves_the_map_s_overdue_day(municipality, resident, routed):
    """`veche reports tick`, for installations without Celery beat, does what the hourly task does."""
    late = routed(resident, **POINT, now=timezone.now() - timedelta(days=40))
    out = io.StringIO()

    call_command("reports", "tick", stdout=out)

    assert "escalated 1 overdue reports" in out.getvalue()
    assert "1 newly overdue on the map" in out.getvalue()
    assert Report.objects.get(pk=late.pk).escalated_at is not None
    assert mapcells.counted_up_to(municipality) == local_day(municipality)
    assert mapcells.differences(municipality) == []
    again = io.StringIO()
    call_command("reports", "tick", stdout=again)
    assert "escalated 0 overdue reports" in again.getvalue()
    assert "0 newly overdue on the map" in again.getvalue()


def test_clusters_refuse_two_narrowing_filters_at_once_and_zooms_past_the_cells(municipality):
    with pytest.raises(ValueError, match="up to zoom 16"):
        mapcells.clusters(municipality, bbox=(55.75, 37.6, 55.76, 37.61), zoom=17)
    with pytest.raises(ValueError, match="one at a time"):
        mapcells.clusters(
            municipality,
            bbox=(55.6, 37.4, 55.9, 37.8),
            zoom=12,
            category="light",
            district="first",
            statuses=mapcells.ON_MAP,
            overdue=False,
        )


def test_a_dispute_gives_a_new_deadline_and_leaves_the_overdue_rows(
    browser, municipality, resident, official, routed, photo
):
    late = routed(resident, **POINT, now=timezone.now() - timedelta(days=40))
    late = services.report_resolve(official=official, report=late, answer="Fixed", photos=[photo()])
    services.reports_map_advance()

    services.report_dispute(author=resident, report=late, reason="Still dark")

    assert (
        clusters(browser(), municipality, {"bbox": "55.6,37.4,55.9,37.8", "zoom": "12", "overdue": "on"})
        == []
    )
    assert mapcells.differences(municipality) == []


def test_the_command_finds_and_mends_wrong_counts(spread, capsys):
    call_command("reports", "map", "check")
    MapCell.objects.filter(level=12).update(count=7)
    MapCell.objects.filter(level=14).delete()

    with pytest.raises(CommandError, match="differ"):
        call_command("reports", "map", "check", "--municipality", spread.slug)
    call_command("reports", "map", "rebuild", "--municipality", spread.slug)

    call_command("reports", "map", "check")
    assert mapcells.differences(spread) == []
    with pytest.raises(CommandError, match="no municipality"):
        call_command("reports", "map", "check", "--municipality", "atlantis")


def test_seeded_reports_are_counted(municipality):
    call_command("seed-reports", count=300, municipality=municipality.slug)

    assert Report.objects.filter(municipality=municipality).count() == 300
    assert MapCell.objects.filter(municipality=municipality).exists()
    assert mapcells.differences(municipality) == []


def test_a_deleted_districts_rows_go_unread_and_the_tick_removes_them(browser, spread):
    district = spread.districts.order_by("slug").first()
    before = clusters(browser(), spread, {"bbox": "55.6,37.4,55.9,37.8", "zoom": "12"})
    assert MapCell.objects.filter(district_key=district.pk).exists()

    district.delete()  # its reports keep their place on the map, without a district

    assert clusters(browser(), spread, {"bbox": "55.6,37.4,55.9,37.8", "zoom": "12"}) == before
    assert mapcells.differences(spread) == []
    services.reports_map_advance()  # the same day: nothing to move, but the rows go
    assert not MapCell.objects.filter(district_key=district.pk).exists()
    assert mapcells.differences(spread) == []


@pytest.mark.django_db(transaction=True)
def test_the_migration_counts_the_reports_already_there(municipality, resident):
    from django.db.migrations.executor import MigrationExecutor

    before, latest = (
        [("reports", "0005_report_read_indexes")],
        MigrationExecutor(connection).loader.graph.leaf_nodes(),
    )
    MigrationExecutor(connection).migrate(before)
    try:
        category = municipality.categories.get(slug="pothole")
        now = timezone.now()
        for i, status in enumerate(["routed", "in_progress", "closed", "submitted", "in_progress"]):
            Report.objects.create(
                municipality=municipality,
                category=category,
                author=resident,
                status=status,
                description="Old report",
                latitude=55.70 + i * 0.01,
                longitude=37.60,
                created_at=now,
                updated_at=now,
                moderation_due=now.date(),
                # The last one's answer was due a month ago: overdue.
                answer_due=now.date() - timedelta(days=30 if i == 4 else -10),
            )
    finally:
        MigrationExecutor(connection).migrate(latest)

    assert mapcells.differences(municipality) == []
    totals = MapCell.objects.filter(municipality=municipality, level=16, category_key=0, district_key=0)
    assert sum(totals.exclude(status__startswith="overdue:").values_list("count", flat=True)) == 4
    assert list(totals.filter(status__startswith="overdue:").values_list("status", "count")) == [
        ("overdue:in_progress", 1)
    ]


@pytest.mark.parametrize(
    ("bbox", "zoom", "status"),
    [
        ("-90,-180,90,180", "16", 400),  # the world in street-sized cells: billions
        ("55.0,37.0,56.5,38.5", "14", 400),  # a region at zoom 14: 55 x 35 tiles
        ("-90,-180,90,180", "3", 200),
        ("55.6,37.4,55.9,37.8", "13", 200),
        ("-90,-180,90,180", "18", 200),  # single reports, at most 2,000
    ],
)
def test_a_box_too_large_for_its_zoom_is_refused(browser, municipality, bbox, zoom, status):
    response = browser().get(f"/m/{municipality.slug}/reports/map.json", {"bbox": bbox, "zoom": zoom})

    assert response.status_code == status
    if status == 400:
        assert response.json()["error"]["code"] == "too_large"
        assert response.json()["error"]["fields"] == {"bbox": ["Too large for this zoom."]}


@pytest.mark.parametrize(
    ("centre", "radius_m"),
    [
        ((55.755, 37.61), 600),
        ((-33.8650, 151.2094), 600),
        ((-0.001, -78.5), 600),
        ((51.4779, -0.0003), 600),  # the prime meridian
        ((55.755, 37.61), 9000),  # more cells than MAX_CELLS: latitude bands only
    ],
)
def test_a_circle_finds_by_cells_what_a_plain_box_finds(municipality, resident, routed, centre, radius_m):
    """Cell edges (every 1/200 degree of latitude and of longitude), the southern hemisphere, the
    equator and the prime meridian: the circle's box with its cells holds exactly the reports the
    box alone holds."""
    lat, lon = centre
    step = radius_m / 600
    for i in range(-6, 7):
        routed(resident, latitude=lat + i * 0.0011 * step, longitude=lon + i * 0.0013 * step)
    public = selectors.public_reports(municipality)
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, radius_m)

    banded = selectors.reports_within(public, latitude=lat, longitude=lon, radius_m=radius_m)
    plain = public.filter(latitude__range=(min_lat, max_lat), longitude__range=(min_lon, max_lon))

    assert sorted(banded.values_list("pk", flat=True)) == sorted(plain.values_list("pk", flat=True))
    assert banded.count() >= 9
    sql = str(banded.query)
    assert '"longitude" * 200' in sql if radius_m < 1000 else '"longitude" * 200' not in sql
    assert '"latitude" * 200' in sql
