"""The open-data portal: every dataset from real rows, public items only, no personal data."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from veche.accounts.models import User
from veche.analytics.opendata.datasets import DATASETS
from veche.budgeting.engine import parse_pb, validate_pb
from veche.budgeting.models import Process, ProcessPhase
from veche.budgeting.services.ballots import ballot_cast as budget_ballot_cast
from veche.budgeting.services.counting import budget_count
from veche.budgeting.services.setup import process_move
from veche.budgeting.tests.helpers import approve, city_budget, options
from veche.crowdprojects.models import CrowdBallot, CrowdBallotChoice, Project, ProjectTier
from veche.crowdprojects.tests.helpers import project_in_stage
from veche.crowdprojects.tests.selection_helpers import idea_in, implementing
from veche.deliberation.engine.polis import COMMENT_COLUMNS, PARTICIPANT_COLUMNS, VOTE_COLUMNS
from veche.deliberation.services import deliberation_create
from veche.deliberation.tests.helpers import SEEDS, open_deliberation, project_deliberation
from veche.initiatives.services import initiative_create, initiative_publish
from veche.moderation.services import content_hide
from veche.municipalities.models import Municipality
from veche.petitions.tests.kinds import policy_fixture
from veche.polls.models import Kind
from veche.polls.services import poll_close, poll_vote
from veche.polls.tests.helpers import option_ids
from veche.reports.models import Report

policy = policy_fixture("initiative")

# Personal data planted in the municipality's rows; none may appear in any open file.
SECRETS = (
    "Secretname Reporterova",
    "reporter.secret@example.net",
    "+7 999 123-45-67",
    "device-7c1f9e",
    "attr-secret-value",
    "pd_author_login",
    "pd_author_login@example.org",
    "Authorina Displaynamova",
)
HIDDEN = "A hidden report 4e2a"
PENDING = "A report awaiting moderation 8b3c"
HIDDEN_INITIATIVE = "A hidden initiative 1d9f"
DRAFT_INITIATIVE = "A draft initiative 6a0e"
FORMULA = '=HYPERLINK("http://evil.example","click")'


@dataclass
class City:
    municipality: Municipality
    report: Report
    formula_report: Report
    hidden_report: Report
    pending_report: Report
    closed_poll: Any
    open_poll: Any
    budget: Any
    voting_budget: Any
    deliberation: Any
    draft_deliberation: Any
    project: Project
    draft_project: Project
    taken_up: Any
    declined: Any
    hidden_idea: Any


def _content_hide(moderator: User, content: Any) -> None:
    content_hide(moderator=moderator, content=content, reason="Spam")


@pytest.fixture
def city(
    db: None,
    municipality: Municipality,
    submit: Callable[..., Report],
    routed: Callable[..., Report],
    resolved: Callable[..., Report],
    make_user: Callable[..., User],
    moderator: User,
    official: User,
    municipal_admin: User,
    make_poll: Callable[..., Any],
    make_process: Callable[..., Process],
    resident_of: Callable[..., User],
    central: Any,
    policy: Any,
) -> City:
    author = make_user("pd_author_login", display_name="Authorina Displaynamova", verified_in=municipality)
    report = resolved(
        author,
        reporter_name="Secretname Reporterova",
        reporter_email="reporter.secret@example.net",
        reporter_phone="+7 999 123-45-67",
        device_id="device-7c1f9e",
        attributes={"note": "attr-secret-value"},
        latitude=55.751234,
        longitude=37.618765,
    )
    formula_report = routed(author, description=FORMULA)
    hidden_report = routed(author, description=HIDDEN)
    _content_hide(moderator, hidden_report)
    pending_report = submit(author, description=PENDING)

    initiative = initiative_create(
        author=author, municipality=municipality, title="Trees on the square", body="Plant lime trees."
    )
    initiative_publish(author=author, initiative=initiative)
    hidden = initiative_create(
        author=author, municipality=municipality, title=HIDDEN_INITIATIVE, body="Spam."
    )
    hidden = initiative_publish(author=author, initiative=hidden)
    _content_hide(moderator, hidden)
    initiative_create(author=author, municipality=municipality, title=DRAFT_INITIATIVE, body="Not yet.")

    voters = [resident_of(f"voter{i}", central) for i in range(3)]
    closed_poll = make_poll("Where should the playground go?", kind=Kind.RANKED, max_choices=3)
    ids = option_ids(closed_poll)
    for voter, ranking in zip(voters, ([ids[0], ids[1]], [ids[0]], [ids[2], ids[0], ids[1]]), strict=True):
        poll_vote(user=voter, poll=closed_poll, options=ranking)
    closed_poll = poll_close(actor=municipal_admin, poll=closed_poll)
    open_poll = make_poll("Which day should the market open?", options=["Saturday", "Sunday"])
    poll_vote(user=voters[0], poll=open_poll, options=[option_ids(open_poll)[0]])

    process = make_process()
    budget = city_budget(process)
    projects = options(budget)
    for voter, chosen in zip(voters, ([0, 2], [1], [0]), strict=True):
        budget_ballot_cast(user=voter, budget=budget, choices=approve(*(projects[c] for c in chosen)))
    budget.process = process_move(actor=municipal_admin, process=process, to=ProcessPhase.COUNTING)
    budget_count(actor=official, budget=budget)
    budget.process = process_move(actor=municipal_admin, process=budget.process, to=ProcessPhase.RESULTS)
    voting_budget = city_budget(make_process())

    deliberation = open_deliberation(
        municipal_admin, municipality, statements=(*SEEDS[:3], "=1+1 is the formula")
    )
    draft_deliberation = deliberation_create(
        actor=municipal_admin, municipality=municipality, title="A draft deliberation 3f7a"
    )

    done = implementing(actor=municipal_admin, municipality=municipality, author=author)
    hidden_idea = idea_in(done.project, author, "A hidden idea 2c8d")
    _content_hide(moderator, hidden_idea)
    for voter, ideas in zip(
        voters, ([done.taken_up], [done.taken_up, done.declined], [hidden_idea]), strict=True
    ):
        ballot = CrowdBallot.objects.create(
            project=done.project,
            user=voter,
            tier=ProjectTier.VERIFIED,
            created_at=timezone.now() - timedelta(days=30),
        )
        CrowdBallotChoice.objects.bulk_create([CrowdBallotChoice(ballot=ballot, idea=idea) for idea in ideas])
    draft_project = project_in_stage(
        actor=municipal_admin,
        municipality=municipality,
        kind="ideas",
        title="A draft project 9e1b",
        publish=False,
    )
    return City(
        municipality=municipality,
        report=report,
        formula_report=formula_report,
        hidden_report=hidden_report,
        pending_report=pending_report,
        closed_poll=closed_poll,
        open_poll=open_poll,
        budget=budget,
        voting_budget=voting_budget,
        deliberation=deliberation,
        draft_deliberation=draft_deliberation,
        project=done.project,
        draft_project=draft_project,
        taken_up=done.taken_up,
        declined=done.declined,
        hidden_idea=hidden_idea,
    )


def _get(path: str, client: Client | None = None) -> Any:
    response = (client or Client()).get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response


def _text(response: Any) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode("utf-8")


def _csv(path: str) -> list[dict[str, str]]:
    response = _get(path)
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(_text(response))))


def _files(city: City) -> list[str]:
    base = f"/open-data/{city.municipality.slug}/"
    paths = [f"{base}{dataset.name}.{extension}" for dataset in DATASETS for extension in dataset.formats]
    paths.append(f"{base}budgets/{city.budget.pk}.pb")
    paths += [
        f"{base}deliberations/{city.deliberation.pk}/{name}.csv"
        for name in ("comments", "votes", "participants-votes")
    ]
    return paths


def test_every_csv_has_its_dictionary_columns_as_header(city: City) -> None:
    for dataset in DATASETS:
        response = _get(f"/open-data/{city.municipality.slug}/{dataset.name}.csv")
        header = _text(response).split("\n", 1)[0]
        assert header == ",".join(column.name for column in dataset.columns), dataset.name


def test_reports_csv_holds_public_reports_only_with_rounded_coordinates(city: City) -> None:
    rows = _csv(f"/open-data/{city.municipality.slug}/reports.csv")

    by_id = {int(row["id"]): row for row in rows}
    assert set(by_id) == {city.report.pk, city.formula_report.pk}
    row = by_id[city.report.pk]
    assert row["status"] == "resolved"
    assert row["category"] == "light"
    assert row["category_name"] == "Свет"
    assert row["department"] == "Дороги"
    assert row["latitude"] == "55.751" and row["longitude"] == "37.619"
    assert row["answered_in_time"] == "true"
    assert row["created_at"].endswith("Z") and row["answered_at"].endswith("Z")
    assert row["answer_due"] == city.report.answer_due.isoformat()
    assert row["description"] == "The street light is out"
    assert by_id[city.formula_report.pk]["answered_in_time"] == ""


def test_text_that_starts_a_formula_is_neutralised(city: City) -> None:
    slug = city.municipality.slug
    reports = {int(row["id"]): row for row in _csv(f"/open-data/{slug}/reports.csv")}
    comments = _csv(f"/open-data/{slug}/deliberations/{city.deliberation.pk}/comments.csv")

    assert reports[city.formula_report.pk]["description"] == "'" + FORMULA
    assert "'=1+1 is the formula" in [row["comment-body"] for row in comments]


def test_reports_geojson_is_a_feature_collection_of_lon_lat_points(city: City) -> None:
    response = _get(f"/open-data/{city.municipality.slug}/reports.geojson")
    assert response.streaming
    assert response["Content-Type"] == "application/geo+json; charset=utf-8"

    data = json.loads(_text(response))

    assert data["type"] == "FeatureCollection"
    assert set(data) == {"type", "features"}
    features = {feature["id"]: feature for feature in data["features"]}
    assert set(features) == {city.report.pk, city.formula_report.pk}
    for feature in data["features"]:
        assert feature["type"] == "Feature"
        assert feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
    feature = features[city.report.pk]
    assert feature["geometry"]["coordinates"] == [37.619, 55.751]  # longitude first (RFC 7946)
    assert feature["properties"]["status"] == "resolved"
    assert feature["properties"]["district"] is None
    assert feature["properties"]["description"] == "The street light is out"
    # Formulas are a spreadsheet's problem: JSON keeps the text as written.
    assert features[city.formula_report.pk]["properties"]["description"] == FORMULA


def test_an_empty_geojson_is_still_valid(municipality: Municipality) -> None:
    data = json.loads(_text(_get(f"/open-data/{municipality.slug}/reports.geojson")))

    assert data == {"type": "FeatureCollection", "features": []}


def test_initiatives_are_the_published_visible_ones(city: City) -> None:
    rows = _csv(f"/open-data/{city.municipality.slug}/initiatives.csv")

    assert [row["title"] for row in rows] == ["Trees on the square"]
    assert rows[0]["status"] == "published"
    assert rows[0]["supporters"] == "0"
    assert rows[0]["threshold"] == "3"


def test_polls_and_results_only_once_public(city: City) -> None:
    slug = city.municipality.slug
    polls = {int(row["id"]): row for row in _csv(f"/open-data/{slug}/polls.csv")}
    results = _csv(f"/open-data/{slug}/poll-results.csv")

    assert set(polls) == {city.closed_poll.pk, city.open_poll.pk}
    assert polls[city.closed_poll.pk]["results_public"] == "true"
    assert polls[city.closed_poll.pk]["voters"] == "3"
    assert polls[city.closed_poll.pk]["status"] == "closed"
    assert polls[city.open_poll.pk]["results_public"] == "false"
    assert polls[city.open_poll.pk]["voters"] == ""
    assert {int(row["poll"]) for row in results} == {city.closed_poll.pk}
    # Ballots: [A, B], [A], [C, A, B]; 3 options, so a first place earns 2 points.
    counts = {row["text"]: (row["votes"], row["first_choices"], row["borda"]) for row in results}
    assert counts == {
        "By the school": ("3", "2", "5"),
        "In the park": ("2", "0", "1"),
        "On Garden Street": ("1", "1", "2"),
    }


def test_budget_pb_is_the_budgeting_export_and_validates(city: City) -> None:
    response = _get(f"/open-data/{city.municipality.slug}/budgets/{city.budget.pk}.pb")
    assert response.streaming
    text = _text(response)

    assert validate_pb(text) == []
    election = parse_pb(text)
    assert len(election.voters) == 3
    assert {project.name for project in election.projects.values()} >= {"Bike lane", "Benches"}
    assert any(project.selected for project in election.projects.values())
    assert all(voter.voter_id.startswith("web-") for voter in election.voters)


def test_budget_pb_passes_the_pb_validate_command(city: City, tmp_path: Any) -> None:
    from django.core.management import call_command

    path = tmp_path / "budget.pb"
    path.write_text(_text(_get(f"/open-data/{city.municipality.slug}/budgets/{city.budget.pk}.pb")), "utf-8")
    out = io.StringIO()

    call_command("pb", "validate", str(path), stdout=out)


def test_deliberation_files_are_polis_csv(city: City) -> None:
    base = f"/open-data/{city.municipality.slug}/deliberations/{city.deliberation.pk}/"
    comments = _text(_get(base + "comments.csv"))
    votes = _text(_get(base + "votes.csv"))
    participants = _text(_get(base + "participants-votes.csv"))

    assert comments.split("\n", 1)[0] == ",".join(COMMENT_COLUMNS)
    assert votes.split("\n", 1)[0] == ",".join(VOTE_COLUMNS)
    assert participants.split("\n", 1)[0].startswith(",".join(PARTICIPANT_COLUMNS))
    assert SEEDS[0] in comments


def test_crowd_projects_ideas_votes_and_decisions(city: City) -> None:
    slug = city.municipality.slug
    projects = _csv(f"/open-data/{slug}/projects.csv")
    ideas = {int(row["id"]): row for row in _csv(f"/open-data/{slug}/ideas.csv")}
    votes = _csv(f"/open-data/{slug}/project-votes.csv")
    decisions = {int(row["idea"]): row for row in _csv(f"/open-data/{slug}/decisions.csv")}

    assert [int(row["id"]) for row in projects] == [city.project.pk]
    assert set(ideas) == {city.taken_up.pk, city.declined.pk}
    assert ideas[city.taken_up.pk]["status"] == "selected"
    assert ideas[city.declined.pk]["status"] == "not_selected"
    assert {(int(row["idea"]), row["ballots"]) for row in votes} == {
        (city.taken_up.pk, "2"),
        (city.declined.pk, "1"),
    }
    assert set(votes[0]) == {"project", "idea", "ballots", "ratings", "average_rating"}
    assert decisions[city.taken_up.pk]["selected"] == "true"
    assert decisions[city.declined.pk]["selected"] == "false"
    assert decisions[city.taken_up.pk]["planned_by"] != ""


def test_no_personal_data_and_no_hidden_item_in_any_file(city: City) -> None:
    texts = {path: _text(_get(path)) for path in _files(city)}
    texts["/open-data/catalog.jsonld"] = _text(_get("/open-data/catalog.jsonld"))
    texts["page"] = _text(_get(f"/open-data/{city.municipality.slug}/"))

    never = (
        *SECRETS,
        HIDDEN,
        PENDING,
        HIDDEN_INITIATIVE,
        DRAFT_INITIATIVE,
        "A hidden idea 2c8d",
        "A draft project 9e1b",
        "A draft deliberation 3f7a",
        "Tverskaya",  # addresses are left out: coordinates are rounded instead
    )
    for path, text in texts.items():
        for secret in never:
            assert secret not in text, (path, secret)
    # The report that carries the reporter's details is published, so their absence is the rule's.
    base = f"/open-data/{city.municipality.slug}/"
    assert str(city.report.pk) in {row["id"] for row in _csv(f"{base}reports.csv")}
    features = json.loads(texts[f"{base}reports.geojson"])["features"]
    assert str(city.report.pk) in {str(feature["id"]) for feature in features}


def test_the_portal_lists_active_municipalities_and_each_ones_datasets(
    city: City, other_municipality: Municipality, django_assert_max_num_queries: Any
) -> None:
    Municipality.objects.filter(pk=other_municipality.pk).update(is_active=False)
    index = _text(_get("/open-data/"))
    with django_assert_max_num_queries(8):
        page = _text(_get(f"/open-data/{city.municipality.slug}/"))

    assert city.municipality.name in index and other_municipality.name not in index
    for dataset in DATASETS:
        for extension in dataset.formats:
            assert f"/open-data/{city.municipality.slug}/{dataset.name}.{extension}" in page
    assert f"budgets/{city.budget.pk}.pb" in page
    assert f"budgets/{city.voting_budget.pk}.pb" not in page
    assert f"deliberations/{city.deliberation.pk}/votes.csv" in page
    assert "<code>answered_in_time</code>" in page
    assert "Словарь данных" in page and "Лицензия" in page


def test_the_pages_in_english(city: City, client_for: Callable[..., Client]) -> None:
    client = client_for(None, language="en")
    page = _text(_get(f"/open-data/{city.municipality.slug}/", client))
    index = _text(_get("/open-data/", client))

    assert "Data dictionary" in page and "Licence" in page
    assert "Whether that answer came on or before the last day" in page
    assert "Open data" in index


def test_the_site_footer_links_to_the_portal(municipality: Municipality) -> None:
    assert 'href="/open-data/"' in _text(_get(f"/m/{municipality.slug}/"))


def test_a_token_or_a_session_changes_nothing(
    city: City, client_for: Callable[..., Client], official: User
) -> None:
    path = f"/open-data/{city.municipality.slug}/reports.csv"
    anonymous = _text(_get(path))
    wrong_token = _text(_get(path, Client(headers={"authorization": "Bearer not-a-token"})))
    staff = _text(_get(path, client_for(official)))

    assert anonymous == wrong_token == staff
    assert _get("/open-data/catalog.jsonld", Client(headers={"authorization": "Bearer nope"}))


@pytest.mark.parametrize(
    "path",
    [
        "/open-data/nowhere/",
        "/open-data/nowhere/reports.csv",
        "/open-data/{slug}/unknown.csv",
        "/open-data/{slug}/polls.geojson",
        "/open-data/{slug}/budgets/999999.pb",
        "/open-data/{slug}/budgets/abc.pb",
        "/open-data/{slug}/budgets/{voting_budget}.pb",
        "/open-data/{slug}/deliberations/999999/votes.csv",
        "/open-data/{slug}/deliberations/{draft_deliberation}/votes.csv",
        "/open-data/{slug}/deliberations/{deliberation}/summary.csv",
        "/open-data/{other}/budgets/{budget}.pb",
        "/open-data/{other}/deliberations/{deliberation}/votes.csv",
    ],
)
def test_unknown_or_private_files_are_not_found(
    city: City, other_municipality: Municipality, path: str
) -> None:
    url = path.format(
        slug=city.municipality.slug,
        other=other_municipality.slug,
        voting_budget=city.voting_budget.pk,
        budget=city.budget.pk,
        draft_deliberation=city.draft_deliberation.pk,
        deliberation=city.deliberation.pk,
    )
    assert Client().get(url).status_code == 404


def test_an_inactive_municipality_is_not_found_even_for_a_platform_admin(
    municipality: Municipality, client_for: Callable[..., Client], platform_admin: User
) -> None:
    Municipality.objects.filter(pk=municipality.pk).update(is_active=False)

    for path in (f"/open-data/{municipality.slug}/", f"/open-data/{municipality.slug}/reports.csv"):
        assert client_for(platform_admin).get(path).status_code == 404
    assert municipality.slug not in _text(_get("/open-data/catalog.jsonld"))


def test_catalog_is_dcat_json_ld(city: City) -> None:
    response = _get("/open-data/catalog.jsonld")
    assert response["Content-Type"] == "application/ld+json; charset=utf-8"
    data = json.loads(_text(response))

    assert data["@context"]["dcat"] == "http://www.w3.org/ns/dcat#"
    assert data["@context"]["dct"] == "http://purl.org/dc/terms/"
    assert data["@type"] == "dcat:Catalog"
    datasets = {item["dct:identifier"]: item for item in data["dcat:dataset"]}
    slug = city.municipality.slug
    for dataset in DATASETS:
        assert f"{slug}/{dataset.name}" in datasets
    assert f"{slug}/budget-{city.budget.pk}" in datasets
    assert f"{slug}/budget-{city.voting_budget.pk}" not in datasets
    assert f"{slug}/deliberation-{city.deliberation.pk}" in datasets
    assert f"{slug}/deliberation-{city.draft_deliberation.pk}" not in datasets
    reports = datasets[f"{slug}/reports"]
    assert reports["@type"] == "dcat:Dataset"
    assert {"@value": "Обращения о проблемах", "@language": "ru"} in reports["dct:title"]
    assert {"@value": "Reports of problems", "@language": "en"} in reports["dct:title"]
    assert reports["dct:publisher"]["foaf:name"][0] == {
        "@value": city.municipality.name_ru,
        "@language": "ru",
    }
    assert reports["dct:license"] == {"@id": "https://creativecommons.org/licenses/by/4.0/"}
    urls = {item["dcat:downloadURL"]["@id"]: item for item in reports["dcat:distribution"]}
    assert set(urls) == {
        f"http://testserver/open-data/{slug}/reports.csv",
        f"http://testserver/open-data/{slug}/reports.geojson",
    }
    assert urls[f"http://testserver/open-data/{slug}/reports.geojson"]["dcat:mediaType"] == {
        "@id": "https://www.iana.org/assignments/media-types/application/geo+json"
    }
    # Every download address in the catalogue answers.
    for item in data["dcat:dataset"]:
        for distribution in item["dcat:distribution"]:
            url = distribution["dcat:downloadURL"]["@id"].removeprefix("http://testserver")
            assert Client().get(url).status_code == 200, url


def test_large_files_stream_in_pieces_of_chunk_rows(
    municipality: Municipality,
    routed: Callable[..., Report],
    author: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("veche.analytics.opendata.datasets.CHUNK", 2)
    made = [routed(author, description=f"Light {i} is out") for i in range(5)]

    csv_pieces = list(_get(f"/open-data/{municipality.slug}/reports.csv").streaming_content)
    geo_pieces = list(_get(f"/open-data/{municipality.slug}/reports.geojson").streaming_content)

    # The header and two rows, two rows, the last row: each piece written as it is read.
    assert len(csv_pieces) == 3
    assert [len(piece.decode().splitlines()) for piece in csv_pieces] == [3, 2, 1]
    rows = list(csv.DictReader(io.StringIO(b"".join(csv_pieces).decode())))
    assert [int(row["id"]) for row in rows] == [report.pk for report in made]
    data = json.loads(b"".join(geo_pieces))
    assert [feature["id"] for feature in data["features"]] == [report.pk for report in made]
    assert len(geo_pieces) == 5  # the opening, three pieces of features, the closing


def test_the_catalogue_reads_a_fixed_number_of_queries(
    city: City, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(3):
        _get("/open-data/catalog.jsonld")


def test_a_projects_deliberation_is_open_data_with_its_published_project(
    municipality: Municipality, municipal_admin: User
) -> None:
    deliberation = project_deliberation(municipal_admin, municipality)
    path = f"/open-data/{municipality.slug}/deliberations/{deliberation.pk}/comments.csv"

    assert path in _text(_get(f"/open-data/{municipality.slug}/"))
    assert _text(_get(path)).startswith(",".join(COMMENT_COLUMNS))
    Project.objects.filter(pk=deliberation.project_id).update(published_at=None)
    assert Client().get(path).status_code == 404
    assert path not in _text(_get(f"/open-data/{municipality.slug}/"))
