"""The staff pages of deliberations: the list of those one runs or moderates, a new one (standalone, a
project's, a Polis import), its settings, publishing it, its statements (accept, reject with a reason,
the organisers' own), recomputing its map; refusals at their fields, with nothing stored."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from veche.core.testing import HTMX, messages_of, text_in
from veche.crowdprojects.models import ProjectTier, StageKind
from veche.crowdprojects.tests.helpers import project_in_stage
from veche.deliberation.models import Deliberation, Map, Participant, Statement, StatementStatus, Vote
from veche.deliberation.services import deliberation_create, statement_add, vote_cast
from veche.deliberation.tests.helpers import SEEDS, open_deliberation, project_deliberation
from veche.municipalities.models import Department

pytestmark = pytest.mark.django_db

POLIS = Path(__file__).resolve().parents[1] / "engine" / "tests" / "data" / "polis" / "london.youth.policing"


def staff_url(municipality, *parts):
    return "/".join([f"/m/{municipality.slug}/staff/deliberations", *map(str, parts)]) + "/"


def settings_form(**changes):
    form = {
        "title": "Как сделать набережную лучше?",
        "description": "Короткие утверждения, согласие и несогласие.",
        "department": "",
        "tier": str(ProjectTier.REGISTERED),
        "opens_at": "",
        "closes_at": "",
        "statement_max_length": "140",
        "residents_add_statements": "on",
    }
    return {**form, **changes}


@pytest.fixture
def roads(municipality):
    return municipality.departments.get(name_en="Roads")


@pytest.fixture
def parks_department(municipality):
    return Department.objects.create(municipality=municipality, name_ru="Парки", name_en="Parks")


@pytest.fixture
def of_roads(municipal_admin, municipality, roads):
    """A published standalone deliberation of the roads department (the official's), open now."""
    return open_deliberation(municipal_admin, municipality, department=roads, statements=SEEDS[:3])


@pytest.fixture
def pending(of_roads, verified_resident):
    return statement_add(author=verified_resident, deliberation=of_roads, text="Нужны фонтаны у воды")


# The pages, role by role.


@pytest.mark.parametrize("who", ["municipal_admin", "official"])
def test_those_who_run_it_reach_every_page(request, who, client_for, municipality, of_roads, pending):
    client = client_for(request.getfixturevalue(who))
    for url in (
        staff_url(municipality),
        staff_url(municipality, "new"),
        staff_url(municipality, of_roads.pk),
        staff_url(municipality, of_roads.pk, "statements"),
    ):
        assert client.get(url).status_code == 200, url
    page = client.get(staff_url(municipality)).content.decode()
    assert of_roads.title in page
    assert "1 ожидает модерации" in page


def test_an_official_does_not_run_another_departments(
    client_for, official, municipality, municipal_admin, parks_department
):
    theirs = open_deliberation(municipal_admin, municipality, department=parks_department, title="Чужой")
    client = client_for(official)
    assert theirs.title not in client.get(staff_url(municipality)).content.decode()
    assert client.get(staff_url(municipality, theirs.pk)).status_code == 404
    assert client.get(staff_url(municipality, theirs.pk, "statements")).status_code == 404


def test_a_moderator_reaches_the_statements_only(client_for, moderator, municipality, of_roads, pending):
    client = client_for(moderator)
    page = client.get(staff_url(municipality, of_roads.pk, "statements"))
    assert page.status_code == 200
    assert pending.text in page.content.decode()
    assert 'id="seed-form"' not in page.content.decode()  # seeds are the organisers'
    listing = client.get(staff_url(municipality)).content.decode()
    assert staff_url(municipality, of_roads.pk, "statements") in listing
    assert f'href="{staff_url(municipality, of_roads.pk)}"' not in listing
    assert client.get(staff_url(municipality, of_roads.pk)).status_code == 404
    assert client.post(staff_url(municipality, of_roads.pk, "map")).status_code == 404
    assert (
        client.post(staff_url(municipality, of_roads.pk, "statements", "new"), {"text": "Ещё"}).status_code
        == 404
    )
    assert client.get(staff_url(municipality, "import")).status_code == 404


def test_a_resident_finds_nothing(client_for, resident, municipality, of_roads, pending):
    client = client_for(resident)
    for url in (
        staff_url(municipality),
        staff_url(municipality, "new"),
        staff_url(municipality, "import"),
        staff_url(municipality, of_roads.pk),
        staff_url(municipality, of_roads.pk, "statements"),
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(
        staff_url(municipality, of_roads.pk, "statements", pending.pk), {"decision": "accept"}
    )
    assert response.status_code == 404
    pending.refresh_from_db()
    assert pending.status == StatementStatus.PENDING


def test_the_staff_home_links_the_workspace(client_for, municipal_admin, moderator, municipality):
    for user in (municipal_admin, moderator):
        page = client_for(user).get(f"/m/{municipality.slug}/staff/").content.decode()
        assert staff_url(municipality) in page


# Creating, editing, publishing.


def test_an_admin_creates_a_draft_and_publishes_it(client_for, municipal_admin, municipality, central):
    client = client_for(municipal_admin)
    response = client.post(
        staff_url(municipality, "new"),
        settings_form(
            tier=str(ProjectTier.VERIFIED), districts=[str(central.pk)], statement_max_length="200"
        ),
    )
    made = Deliberation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == staff_url(municipality, made.pk)
    assert (made.published_at, made.statement_max_length, made.tier) == (None, 200, ProjectTier.VERIFIED)
    assert list(made.districts.all()) == [central]
    response = client.post(staff_url(municipality, made.pk, "publish"))
    made.refresh_from_db()
    assert response.status_code == 302
    assert made.published_at is not None and made.opens_at is not None


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "Обязательное поле."),
        ({"statement_max_length": "10"}, "statement_max_length", "Выберите от 20 до 500 символов."),
        ({"statement_max_length": "900"}, "statement_max_length", "Выберите от 20 до 500 символов."),
        ({"statement_max_length": "много"}, "statement_max_length", "Введите целое число."),
        ({"opens_at": "2031-03-02T09:00", "closes_at": "2031-03-01T09:00"}, "closes_at", "закрываться позже"),
        ({"districts": ["{central}"]}, "tier", "только жителям, подтвердившим"),
        ({"opens_at": "завтра"}, "opens_at", "Введите правильную дату"),
    ],
)
def test_a_wrong_field_is_shown_at_it_and_nothing_is_stored(
    client_for, municipal_admin, municipality, central, changes, field, message
):
    changes = {k: [central.pk] if v == ["{central}"] else v for k, v in changes.items()}
    response = client_for(municipal_admin).post(staff_url(municipality, "new"), settings_form(**changes))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert not Deliberation.objects.exists()


def test_an_official_opens_one_for_their_department_only(
    client_for, official, municipality, roads, parks_department
):
    client = client_for(official)
    page = client.get(staff_url(municipality, "new")).content.decode()
    assert "Парки" not in page
    response = client.post(staff_url(municipality, "new"), settings_form(department=str(parks_department.pk)))
    assert response.status_code == 400
    assert "department" in response.context["form"].errors
    response = client.post(staff_url(municipality, "new"), settings_form(department=str(roads.pk)))
    assert response.status_code == 302
    assert Deliberation.objects.get().department == roads


def test_edit_keeps_who_takes_part_once_published(client_for, municipal_admin, municipality, of_roads, roads):
    client = client_for(municipal_admin)
    page = client.get(staff_url(municipality, of_roads.pk))
    assert page.context["form"].initial["title"] == of_roads.title
    response = client.post(
        staff_url(municipality, of_roads.pk),
        settings_form(title="Новый вопрос", department=str(roads.pk), tier=str(ProjectTier.VERIFIED)),
    )
    assert response.status_code == 409
    assert "нельзя изменить, кто участвует" in response.content.decode()
    of_roads.refresh_from_db()
    assert (of_roads.title, of_roads.tier) != ("Новый вопрос", ProjectTier.VERIFIED)
    opens = timezone.localtime(of_roads.opens_at).strftime("%Y-%m-%dT%H:%M")
    closes = timezone.localtime(of_roads.closes_at).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        staff_url(municipality, of_roads.pk),
        settings_form(title="Новый вопрос", department=str(roads.pk), opens_at=opens, closes_at=closes),
    )
    assert response.status_code == 302
    of_roads.refresh_from_db()
    assert of_roads.title == "Новый вопрос"


def test_publishing_a_draft_that_closed_already_is_refused(client_for, municipal_admin, municipality):
    now = timezone.now()
    draft = deliberation_create(
        actor=municipal_admin,
        municipality=municipality,
        title="Поздно",
        closes_at=now + timedelta(minutes=1),
    )
    Deliberation.objects.filter(pk=draft.pk).update(closes_at=now - timedelta(days=1))
    client = client_for(municipal_admin)
    response = client.post(staff_url(municipality, draft.pk, "publish"), follow=True)
    assert response.redirect_chain == [(staff_url(municipality, draft.pk), 302)]
    assert "закрываться позже" in messages_of(response)
    draft.refresh_from_db()
    assert draft.published_at is None


# A project's deliberation.


def test_the_project_page_opens_its_deliberation(client_for, municipal_admin, municipality):
    project = project_in_stage(
        actor=municipal_admin, municipality=municipality, kind=StageKind.IDEAS, template="deliberation"
    )
    client = client_for(municipal_admin)
    project_page = f"/m/{municipality.slug}/staff/projects/{project.pk}/"
    create = staff_url(municipality, "projects", project.pk, "new")
    assert create in client.get(project_page).content.decode()
    form = client.get(create)
    assert form.status_code == 200
    assert "tier" not in form.context["form"].fields and "opens_at" not in form.context["form"].fields
    response = client.post(create, {"title": "", "statement_max_length": "140"})
    assert response.status_code == 400
    assert "title" in response.context["form"].errors
    assert not Deliberation.objects.exists()
    response = client.post(create, {"title": "Где мы согласны?", "statement_max_length": "140"})
    made = Deliberation.objects.get()
    assert made.project == project and made.tier == project.tier and made.opens_at is None
    assert made.residents_add_statements is False  # the box was left unticked
    assert response["Location"] == staff_url(municipality, made.pk)
    page = client.get(project_page).content.decode()
    assert staff_url(municipality, made.pk) in page
    assert client.get(create)["Location"] == staff_url(municipality, made.pk)  # one per project


def test_a_project_without_the_stage_has_no_entry(client_for, municipal_admin, municipality):
    project = project_in_stage(actor=municipal_admin, municipality=municipality, kind=StageKind.IDEAS)
    client = client_for(municipal_admin)
    page = client.get(f"/m/{municipality.slug}/staff/projects/{project.pk}/").content.decode()
    assert 'id="opinion-mapping"' not in page
    assert client.get(staff_url(municipality, "projects", project.pk, "new")).status_code == 404


# Statements.


@pytest.mark.parametrize("who", ["official", "moderator"])
def test_accepting_a_statement(request, who, client_for, municipality, of_roads, pending):
    client = client_for(request.getfixturevalue(who))
    response = client.post(
        staff_url(municipality, of_roads.pk, "statements", pending.pk), {"decision": "accept"}
    )
    assert response.status_code == 302
    assert response["Location"] == staff_url(municipality, of_roads.pk, "statements")
    pending.refresh_from_db()
    assert pending.status == StatementStatus.ACCEPTED


def test_rejecting_needs_a_reason(client_for, official, municipality, of_roads, pending):
    client = client_for(official)
    url = staff_url(municipality, of_roads.pk, "statements", pending.pk)
    response = client.post(url, {"decision": "reject", "reason": "  "})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Обязательное поле." in page.split(f'id="statement-{pending.pk}"')[1].split("</article>")[0]
    pending.refresh_from_db()
    assert pending.status == StatementStatus.PENDING
    response = client.post(url, {"decision": "reject", "reason": "Это уже сказано"})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert (pending.status, pending.moderation_reason) == (StatementStatus.REJECTED, "Это уже сказано")
    rejected = client.get(staff_url(municipality, of_roads.pk, "statements") + "?status=rejected")
    assert "Это уже сказано" in rejected.content.decode()
    assert rejected.context["counts"] == {"pending": 0, "accepted": 3, "rejected": 1}


def test_htmx_answers_with_the_row_and_the_counts(client_for, moderator, municipality, of_roads, pending):
    client = client_for(moderator)
    url = staff_url(municipality, of_roads.pk, "statements", pending.pk)
    refused = client.post(url, {"decision": "reject"}, headers=HTMX)
    assert refused.status_code == 400
    body = refused.content.decode()
    assert body.lstrip().startswith(f'<article class="card statement-row" id="statement-{pending.pk}"')
    assert "Обязательное поле." in body
    done = client.post(url, {"decision": "accept"}, headers=HTMX)
    assert done.status_code == 200
    body = done.content.decode()
    assert f'id="statement-{pending.pk}"' in body and 'hx-swap-oob="true"' in body
    assert '<span data-count="accepted">4</span>' in body
    assert '<span data-count="pending">0</span>' in body


def test_the_organisers_seed_statements(client_for, official, municipality, of_roads):
    client = client_for(official)
    url = staff_url(municipality, of_roads.pk, "statements", "new")
    response = client.post(url, {"text": "x" * (of_roads.statement_max_length + 1)})
    assert response.status_code == 400
    assert "text" in response.context["seed_form"].errors
    response = client.post(url, {"text": "<b>Жирно</b>"})
    assert response.status_code == 400
    assert "text" in response.context["seed_form"].errors
    response = client.post(url, {"text": SEEDS[0]})
    assert response.status_code == 409
    assert "уже" in response.content.decode()
    assert Statement.objects.filter(deliberation=of_roads).count() == 3
    response = client.post(url, {"text": "Нужны питьевые фонтанчики"})
    assert response.status_code == 302
    seed = Statement.objects.get(deliberation=of_roads, text="Нужны питьевые фонтанчики")
    assert seed.is_seed and seed.status == StatementStatus.ACCEPTED


# The map.


def test_recompute_the_map_now(client_for, municipal_admin, municipality, of_roads, verified_resident):
    for statement in Statement.objects.filter(deliberation=of_roads):
        vote_cast(user=verified_resident, deliberation=of_roads, statement=statement, value=1)
    client = client_for(municipal_admin)
    assert "Карты ещё нет" in client.get(staff_url(municipality, of_roads.pk)).content.decode()
    response = client.post(staff_url(municipality, of_roads.pk, "map"))
    assert response.status_code == 302
    made = Map.objects.get(deliberation=of_roads)
    assert made.k == 0 and made.n_votes == 3
    page = client.get(staff_url(municipality, of_roads.pk)).content.decode()
    assert 'data-k="0"' in page
    assert text_in("ru", "Not enough votes yet to find opinion groups.") in page


# Polis import.


def upload(name, data):
    return SimpleUploadedFile(name, data, content_type="text/csv")


def import_form(comments, votes, **changes):
    return {
        "title": "London: youth policing",
        "description": "",
        "comments": comments,
        "votes": votes,
        **changes,
    }


def test_import_of_a_polis_export(client_for, municipal_admin, municipality):
    client = client_for(municipal_admin)
    comments = (POLIS / "comments.csv").read_bytes()
    votes = (POLIS / "votes.csv").read_bytes()
    response = client.post(
        staff_url(municipality, "import"),
        import_form(upload("comments.csv", comments), upload("votes.csv", votes), publish="on"),
    )
    made = Deliberation.objects.get()
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == staff_url(municipality, made.pk)
    assert made.title == "London: youth policing" and made.published_at is not None
    assert Statement.objects.filter(deliberation=made).count() == comments.decode().count("\n") - 1
    assert Vote.objects.filter(deliberation=made).exists()
    assert Participant.objects.filter(deliberation=made).exists()


@pytest.mark.parametrize(
    ("broken", "field", "message"),
    [
        ("votes", "votes", "votes.csv, line 3:"),
        ("comments", "comments", "comments.csv, line 2:"),
        ("latin1", "comments", "comments.csv, строка 2: текст не в UTF-8"),
    ],
)
def test_a_broken_file_is_named_with_its_line_and_nothing_is_stored(
    client_for, municipal_admin, municipality, broken, field, message
):
    comments = (POLIS / "comments.csv").read_bytes()
    votes = (POLIS / "votes.csv").read_bytes()
    if broken == "votes":
        lines = votes.split(b"\n")
        cells = lines[2].split(b",")
        cells[-1] = b"7"
        lines[2] = b",".join(cells)
        votes = b"\n".join(lines)
    elif broken == "comments":
        lines = comments.split(b"\n")
        lines[1] = b"not,a,comment"
        comments = b"\n".join(lines)
    else:
        lines = comments.split(b"\n")
        lines[1] = lines[1] + "é".encode("latin-1")
        comments = b"\n".join(lines)
    response = client_for(municipal_admin).post(
        staff_url(municipality, "import"),
        import_form(upload("comments.csv", comments), upload("votes.csv", votes)),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors, errors
    assert " ".join(errors[field]).startswith(message), errors
    assert message in response.content.decode()
    assert not Deliberation.objects.exists()
    assert not Statement.objects.exists()


def test_an_upload_too_large_is_refused(client_for, municipal_admin, municipality, monkeypatch):
    monkeypatch.setattr("veche.deliberation.staff_forms.UPLOAD_MAX_BYTES", 1000)
    comments = (POLIS / "comments.csv").read_bytes()
    response = client_for(municipal_admin).post(
        staff_url(municipality, "import"),
        import_form(upload("comments.csv", comments), upload("votes.csv", b"")),
    )
    assert response.status_code == 400
    assert "comments" in response.context["form"].errors
    assert not Deliberation.objects.exists()


# Query counts of the lists.


@pytest.mark.parametrize("who", ["municipal_admin", "official", "moderator"])
def test_the_list_makes_a_fixed_number_of_queries(
    request, who, client_for, municipal_admin, municipality, roads
):
    client = client_for(request.getfixturevalue(who))
    open_deliberation(municipal_admin, municipality, department=roads, statements=SEEDS[:2])
    with CaptureQueriesContext(connection) as few:
        assert client.get(staff_url(municipality)).status_code == 200
    for n in range(4):
        open_deliberation(
            municipal_admin, municipality, title=f"Вопрос {n}", department=roads, statements=SEEDS[:3]
        )
        project_deliberation(municipal_admin, municipality, title=f"Проект {n}", department=roads)
    with CaptureQueriesContext(connection) as many:
        assert client.get(staff_url(municipality)).status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    assert len(client.get(staff_url(municipality)).context["rows"]) == 9


def test_the_statements_page_makes_a_fixed_number_of_queries(
    client_for, official, municipality, of_roads, make_user, municipal_admin
):
    client = client_for(official)
    url = staff_url(municipality, of_roads.pk, "statements")
    author = make_user("writer", verified_in=municipality)
    statement_add(author=author, deliberation=of_roads, text="Первое утверждение жителя")
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(5):
        other = make_user(f"writer{n}", verified_in=municipality)
        statement_add(author=other, deliberation=of_roads, text=f"Утверждение жителя номер {n}")
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(url).context["rows"]) == 6
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


# English.


@pytest.mark.language("en")
def test_the_pages_in_english(client_for, municipal_admin, municipality, of_roads, pending):
    client = client_for(municipal_admin)
    listing = client.get(staff_url(municipality)).content.decode()
    assert "Opinion mapping" in listing and "1 awaits moderation" in listing
    edit = client.get(staff_url(municipality, of_roads.pk)).content.decode()
    assert "Recompute the map now" in edit
    statements = client.get(staff_url(municipality, of_roads.pk, "statements")).content.decode()
    assert "Awaiting moderation" in statements and "Reason (the author sees it)" in statements
    response = client.post(
        staff_url(municipality, of_roads.pk, "statements", pending.pk), {"decision": "reject"}
    )
    assert "This field is required." in response.content.decode()


@pytest.mark.language("en")
def test_a_broken_file_in_english(client_for, municipal_admin, municipality):
    comments = (POLIS / "comments.csv").read_bytes()
    response = client_for(municipal_admin).post(
        staff_url(municipality, "import"),
        import_form(upload("comments.csv", comments), upload("votes.csv", b"timestamp,datetime\n1,2\n")),
    )
    assert response.status_code == 400
    assert "votes.csv" in " ".join(response.context["form"].errors["votes"])
    assert not Deliberation.objects.exists()


# Rate limits: every write is counted as the other staff writes are.


def test_every_write_is_rate_limited(client_for, municipal_admin, municipality, of_roads, pending, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "write": "0/3600"}
    client = client_for(municipal_admin)
    base = staff_url(municipality, of_roads.pk)
    assert client.post(staff_url(municipality, "new"), settings_form()).status_code == 429
    assert client.post(base, settings_form(title="Другой")).status_code == 429
    assert client.post(f"{base}statements/new/", {"text": "Нужны урны"}).status_code == 429
    refused = client.post(f"{base}statements/{pending.pk}/", {"decision": "accept"})
    assert refused.status_code == 429 and refused["Retry-After"]
    assert (
        client.post(f"{base}statements/{pending.pk}/", {"decision": "accept"}, headers=HTMX).status_code
        == 429
    )
    assert client.post(f"{base}map/").status_code == 302  # back with the message, and no map
    comments = (POLIS / "comments.csv").read_bytes()
    votes = (POLIS / "votes.csv").read_bytes()
    response = client.post(
        staff_url(municipality, "import"),
        import_form(upload("comments.csv", comments), upload("votes.csv", votes)),
    )
    assert response.status_code == 429
    of_roads.refresh_from_db()
    pending.refresh_from_db()
    assert Deliberation.objects.count() == 1 and of_roads.title != "Другой"
    assert pending.status == StatementStatus.PENDING
    assert Statement.objects.filter(deliberation=of_roads).count() == 4
    assert not Map.objects.exists()


def test_a_projects_deliberation_is_edited_without_dates(client_for, municipal_admin, municipality):
    made = project_deliberation(municipal_admin, municipality)
    client = client_for(municipal_admin)
    page = client.get(staff_url(municipality, made.pk))
    assert page.status_code == 200
    assert set(page.context["form"].fields) == {
        "title",
        "description",
        "statement_max_length",
        "residents_add_statements",
    }
    response = client.post(
        staff_url(municipality, made.pk), {"title": "Где мы согласны?", "statement_max_length": "200"}
    )
    assert response.status_code == 302
    made.refresh_from_db()
    assert (made.title, made.statement_max_length, made.opens_at) == ("Где мы согласны?", 200, None)
