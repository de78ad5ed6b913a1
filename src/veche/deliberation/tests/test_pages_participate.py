"""A resident's pages of opinion mapping: the list, a deliberation's page with its voting card (one
statement at a time), changing an answer, htmx, adding a statement and each way it is refused, and
who sees what (signed out, another district, closed, a project's deliberation outside its stage)."""

import re
from datetime import timedelta
from html import unescape
from urllib.parse import quote

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from veche.core.testing import HTMX, messages_of, text_in
from veche.crowdprojects.models import ProjectTier, StageKind
from veche.deliberation.models import Participant, Statement, StatementStatus, Vote
from veche.deliberation.services import statement_add, statement_moderate, vote_cast
from veche.deliberation.tests.helpers import SEEDS, open_deliberation, project_deliberation, shown
from veche.moderation.services import content_hide

pytestmark = pytest.mark.django_db


def ru(message):
    return text_in("ru", message)


def page_url(deliberation):
    return f"/m/{deliberation.municipality.slug}/deliberations/{deliberation.pk}/"


def vote_url(deliberation):
    return page_url(deliberation) + "vote/"


def add_url(deliberation):
    return page_url(deliberation) + "statements/new/"


def card_statement(html):
    """The id of the statement on the card, or None."""
    found = re.search(r'<section id="card".*?data-statement="(\d+)"', html, re.S)
    return int(found.group(1)) if found else None


def card(html):
    """The card's HTML, entities read (a message's apostrophe is escaped on the page)."""
    start = html.index('<section id="card"')
    return unescape(html[start : html.index("</section>", start)])


@pytest.fixture
def deliberation(municipal_admin, municipality):
    return open_deliberation(municipal_admin, municipality, statements=SEEDS)


# The list.


def test_the_list_shows_published_deliberations_open_first_with_counts(
    client_for, municipal_admin, municipality, resident, deliberation
):
    closed = open_deliberation(
        municipal_admin,
        municipality,
        title="Закрытый вопрос",
        opens_at=timezone.now() - timedelta(days=10),
        closes_at=timezone.now() - timedelta(days=2),
        now=timezone.now() - timedelta(days=9),
    )
    draft_title = "Черновик вопроса"
    from veche.deliberation.services import deliberation_create

    deliberation_create(actor=municipal_admin, municipality=municipality, title=draft_title)
    vote_cast(user=resident, deliberation=deliberation, statement=shown(deliberation)[0], value=1)

    page = client_for(resident).get(f"/m/{municipality.slug}/deliberations/").content.decode()

    assert page.index(deliberation.title) < page.index(closed.title)
    assert draft_title not in page
    assert 'data-participants="1"' in page and 'data-statements="5"' in page
    assert page.count('data-state="open"') == 1 and page.count('data-state="closed"') == 1


def test_the_list_reads_a_fixed_number_of_queries(
    client_for, municipal_admin, municipality, resident, django_assert_num_queries
):
    open_deliberation(municipal_admin, municipality, statements=SEEDS[:2])
    project_deliberation(municipal_admin, municipality)
    client = client_for(resident)
    url = f"/m/{municipality.slug}/deliberations/"
    client.get(url)
    ContentType.objects.clear_cache()
    # The session, the user, the municipality, the deliberations with their counts, the projects' stages,
    # and the verification of the visitor (the header).
    with django_assert_num_queries(6) as first:
        client.get(url)
    for i in range(3):
        open_deliberation(municipal_admin, municipality, title=f"Вопрос {i}", statements=SEEDS[:1])
        project_deliberation(municipal_admin, municipality, title=f"Проект {i}")
    with django_assert_num_queries(len(first.captured_queries)):
        page = client.get(url).content.decode()
    assert "Вопрос 2" in page and page.count('class="card"') == 8


# The page and its card.


def test_the_page_shows_the_question_its_phase_and_counts(client_for, deliberation, resident):
    page = client_for(resident).get(page_url(deliberation)).content.decode()
    assert deliberation.title in page
    assert ru("Open until") in page
    assert 'data-statements="5"' in page
    assert ru("See the opinion map") in page
    assert f'href="{page_url(deliberation)}map/"' in page


def test_the_page_reads_a_fixed_number_of_queries(
    client_for, deliberation, resident, django_assert_num_queries
):
    client = client_for(resident)
    vote_cast(user=resident, deliberation=deliberation, statement=shown(deliberation)[0], value=1)
    client.get(page_url(deliberation))
    # The session, the user, their roles (runs it?), unread notifications; the municipality, the
    # deliberation; who may take part (the verification with its district, the districts); the participant,
    # the map (their place), its priorities, the statements seen least and the one chosen; the answers;
    # the counts; the statements they wrote.
    with django_assert_num_queries(16) as first:
        client.get(page_url(deliberation))
    for statement in shown(deliberation)[1:4]:
        vote_cast(user=resident, deliberation=deliberation, statement=statement, value=-1)
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(page_url(deliberation))


def test_the_card_shows_an_accepted_statement_never_a_pending_rejected_or_hidden_one(
    client_for, deliberation, resident, author, moderator, municipal_admin
):
    accepted = shown(deliberation)[0]
    for statement in shown(deliberation)[1:]:
        Statement.objects.filter(pk=statement.pk).update(status=StatementStatus.REJECTED)
    pending = statement_add(author=author, deliberation=deliberation, text="Ждёт модерации")
    rejected = statement_add(author=author, deliberation=deliberation, text="Отклонено")
    statement_moderate(moderator=municipal_admin, statement=rejected, accept=False, reason="Не по теме")
    hidden = statement_add(author=author, deliberation=deliberation, text="Скрыто")
    statement_moderate(moderator=municipal_admin, statement=hidden, accept=True)
    content_hide(moderator=moderator, content=hidden, reason="spam")
    client = client_for(resident)
    for _ in range(8):
        html = client.get(page_url(deliberation)).content.decode()
        assert card_statement(html) == accepted.pk
        for text in (pending.text, rejected.text, hidden.text):
            assert text not in html


def test_voting_moves_the_card_to_the_next_statement(client_for, deliberation, resident):
    client = client_for(resident)
    seen = []
    for _ in SEEDS:
        statement = card_statement(client.get(page_url(deliberation)).content.decode())
        assert statement not in seen
        seen.append(statement)
        response = client.post(vote_url(deliberation), {"statement": statement, "vote": "1"})
        assert response.status_code == 302 and response["Location"].endswith("#card")
    assert sorted(seen) == sorted(s.pk for s in shown(deliberation))
    html = client.get(page_url(deliberation)).content.decode()
    assert card_statement(html) is None
    assert ru("You have answered every statement.") in html
    assert Vote.objects.filter(value=1).count() == len(SEEDS)


def test_changing_an_answer(client_for, deliberation, resident):
    statement = shown(deliberation)[0]
    client = client_for(resident)
    client.post(vote_url(deliberation), {"statement": statement.pk, "vote": "1"})
    html = client.get(page_url(deliberation)).content.decode()
    assert f'id="answer-{statement.pk}"' in html

    response = client.post(
        vote_url(deliberation), {"statement": statement.pk, "vote": "-1", "back": "answers"}, follow=True
    )

    assert response.redirect_chain[-1][0].endswith("#answers")
    assert ru("Your answer is changed.") in messages_of(response)
    assert list(Vote.objects.values_list("value", flat=True)) == [-1]
    assert 'data-vote="-1"' in response.content.decode()


def test_an_htmx_vote_answers_with_the_card_and_the_answers_out_of_band(client_for, deliberation, resident):
    client = client_for(resident)
    first = card_statement(client.get(page_url(deliberation)).content.decode())

    response = client.post(vote_url(deliberation), {"statement": first, "vote": "0"}, headers=HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith("<section") and "<html" not in html
    assert card_statement(html) not in (None, first)
    assert 'id="answers" hx-swap-oob="true"' in html and f'id="answer-{first}"' in html
    assert 'id="standing" class="standing" aria-labelledby="standing-h" hx-swap-oob="true"' in html


def test_an_htmx_vote_refused_comes_back_in_the_card(client_for, deliberation, resident):
    response = client_for(resident).post(
        vote_url(deliberation), {"statement": "999999", "vote": "1"}, headers=HTMX
    )
    assert response.status_code == 200
    assert ru("No such statement in this deliberation.") in card(response.content.decode())
    assert not Vote.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"statement": "999999", "vote": "1"}, "No such statement in this deliberation."),
        ({"statement": "abc", "vote": "1"}, "No such statement in this deliberation."),
        ({"statement": "{first}", "vote": "agree"}, "Choose agree, disagree or pass."),
        ({"statement": "{first}", "vote": "2"}, "Choose agree, disagree or pass."),
        ({"statement": "{first}", "vote": ""}, "Choose agree, disagree or pass."),
        ({"vote": "1"}, "This field is required."),
    ],
)
def test_a_bad_vote_is_a_clear_400_and_changes_nothing(client_for, deliberation, resident, data, message):
    first = shown(deliberation)[0].pk
    data = {k: v.format(first=first) for k, v in data.items()}
    response = client_for(resident).post(vote_url(deliberation), data)
    assert response.status_code == 400
    assert ru(message) in card(response.content.decode())
    assert not Vote.objects.exists() and not Participant.objects.exists()


def test_a_vote_on_a_pending_statement_is_refused(client_for, deliberation, resident, author):
    pending = statement_add(author=author, deliberation=deliberation, text="Ждёт модерации")
    response = client_for(resident).post(vote_url(deliberation), {"statement": pending.pk, "vote": "1"})
    assert response.status_code == 409
    assert ru("This statement is not open to votes.") in card(response.content.decode())
    assert not Vote.objects.filter(statement=pending).exists()


def test_a_statement_of_another_deliberation_is_unknown(
    client_for, deliberation, resident, municipal_admin, municipality
):
    other = open_deliberation(municipal_admin, municipality, title="Другой", statements=("Чужое",))
    response = client_for(resident).post(
        vote_url(deliberation), {"statement": shown(other)[0].pk, "vote": "1"}
    )
    assert response.status_code == 400
    assert not Vote.objects.exists()


def test_a_replayed_vote_is_the_same_answer(client_for, deliberation, resident):
    statement = shown(deliberation)[0]
    client = client_for(resident)
    for _ in range(3):
        assert (
            client.post(vote_url(deliberation), {"statement": statement.pk, "vote": "1"}).status_code == 302
        )
    assert Vote.objects.count() == 1


# Adding a statement.


def test_adding_a_statement_keeps_it_pending_and_thanks(client_for, deliberation, resident):
    response = client_for(resident).post(add_url(deliberation), {"text": "Нужны фонтаны"}, follow=True)
    assert ru("Thank you: your statement will be shown once a moderator accepts it.") in messages_of(response)
    added = Statement.objects.get(text="Нужны фонтаны")
    assert added.status == StatementStatus.PENDING and added.author == resident
    assert card_statement(response.content.decode()) != added.pk


def test_the_author_sees_what_became_of_their_statements_and_nobody_else_does(
    client_for, deliberation, resident, author, municipal_admin
):
    waiting = statement_add(author=resident, deliberation=deliberation, text="Нужны фонтаны")
    refused = statement_add(author=resident, deliberation=deliberation, text="Снести всё")
    statement_moderate(moderator=municipal_admin, statement=refused, accept=False, reason="Не по теме")
    html = client_for(resident).get(page_url(deliberation)).content.decode()
    mine = html[html.index('id="my-statements"') :]
    assert ru("Your statements") in mine and "Нужны фонтаны" in mine
    assert f'id="my-statement-{waiting.pk}"' in mine and ru("Waiting for a moderator") in mine
    assert "Отклонено: Не по теме" in unescape(mine)
    # Another resident sees neither: pending and rejected statements are their author's.
    other = client_for(author).get(page_url(deliberation)).content.decode()
    assert 'id="my-statements"' not in other and "Нужны фонтаны" not in other


def test_the_form_says_the_limit_without_javascript(client_for, resident, municipal_admin, municipality):
    short = open_deliberation(municipal_admin, municipality, statement_max_length=50)
    html = client_for(resident).get(page_url(short)).content.decode()
    assert 'maxlength="50"' in html
    assert text_in("ru", "At most %(n)d characters.") != ""  # the catalogue has the field's message
    assert "50" in html[html.index('id="statement-limit"') :][:200]
    assert ru("Add the statement") in html


@pytest.mark.parametrize(
    ("text", "message", "status"),
    [
        ("", "This field is required.", 400),
        ("Слово " * 30, None, 400),
        ("Нужны <b>фонтаны</b>", "Plain text only: no HTML, links in brackets or formatting marks.", 400),
        ("Нужны **фонтаны**", "Plain text only: no HTML, links in brackets or formatting marks.", 400),
        (SEEDS[0].upper(), "This statement is already here: vote on it instead.", 409),
    ],
)
def test_a_refused_statement_is_shown_at_the_field_and_nothing_is_stored(
    client_for, deliberation, resident, text, message, status
):
    before = Statement.objects.count()
    response = client_for(resident).post(add_url(deliberation), {"text": text})
    assert response.status_code == status
    html = response.content.decode()
    field = html[html.index('<div class="field has-error">') :][:1500]
    expected = ru(message) if message else ru("At most %(n)d characters.") % {"n": 140}
    assert expected in field
    assert Statement.objects.count() == before
    assert not Participant.objects.exists()


def test_organisers_only_is_shown_at_the_field(client_for, resident, municipal_admin, municipality):
    closed_to_residents = open_deliberation(municipal_admin, municipality, residents_add_statements=False)
    client = client_for(resident)
    page = client.get(page_url(closed_to_residents)).content.decode()
    assert 'id="statement-form"' not in page
    assert ru("Only the organisers add statements to this deliberation.") in page

    response = client.post(add_url(closed_to_residents), {"text": "Нужны фонтаны"})

    assert response.status_code == 403
    html = response.content.decode()
    assert ru("Only the organisers add statements to this deliberation.") in html[html.index("has-error") :]
    assert not Statement.objects.filter(deliberation=closed_to_residents).exists()


# Who sees what.


def test_a_signed_out_visitor_sees_the_card_read_only(client, deliberation):
    html = client.get(page_url(deliberation)).content.decode()
    assert card_statement(html) is not None
    assert 'name="vote"' not in html
    assert f"/accounts/login/?next={quote(page_url(deliberation), safe='')}" in card(html)
    assert ru("Sign in to answer") in html
    assert 'id="statement-form"' not in html
    response = client.post(vote_url(deliberation), {"statement": shown(deliberation)[0].pk, "vote": "1"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
    assert not Vote.objects.exists()


def test_a_resident_outside_the_districts_sees_why(
    client_for, municipal_admin, municipality, central, northern, resident_of
):
    limited = open_deliberation(
        municipal_admin, municipality, statements=SEEDS, tier=ProjectTier.VERIFIED, districts=[central]
    )
    outsider = resident_of("outsider", northern)
    client = client_for(outsider)
    html = client.get(page_url(limited)).content.decode()
    assert ru("Only residents verified in the deliberation's districts can take part.") in card(html)
    assert 'name="vote"' not in html and 'id="statement-form"' not in html
    response = client.post(vote_url(limited), {"statement": shown(limited)[0].pk, "vote": "1"})
    assert response.status_code == 403
    assert not Vote.objects.exists()
    insider = resident_of("insider", central)
    assert 'name="vote"' in client_for(insider).get(page_url(limited)).content.decode()


def test_a_registered_resident_below_the_tier_is_told_to_verify(
    client_for, municipal_admin, municipality, resident
):
    verified_only = open_deliberation(
        municipal_admin, municipality, statements=SEEDS, tier=ProjectTier.VERIFIED
    )
    html = client_for(resident).get(page_url(verified_only)).content.decode()
    assert ru("Only verified residents of this municipality can do this.") in card(html)
    assert ru("Verify residence") in card(html)


def test_a_closed_deliberation_says_why(client_for, municipal_admin, municipality, resident):
    now = timezone.now()
    closed = open_deliberation(
        municipal_admin,
        municipality,
        statements=SEEDS,
        opens_at=now - timedelta(days=10),
        closes_at=now - timedelta(days=1),
        now=now - timedelta(days=9),
    )
    client = client_for(resident)
    html = client.get(page_url(closed)).content.decode()
    assert 'id="card-closed"' in html and 'name="vote"' not in html
    assert ru("This deliberation closed on %(when)s.").split("%")[0] in card(html)
    response = client.post(vote_url(closed), {"statement": shown(closed)[0].pk, "vote": "1"})
    assert response.status_code == 409
    assert not Vote.objects.exists()


def test_a_draft_is_not_found(client_for, municipal_admin, municipality, resident):
    from veche.deliberation.services import deliberation_create

    draft = deliberation_create(actor=municipal_admin, municipality=municipality, title="Черновик")
    assert client_for(resident).get(page_url(draft)).status_code == 404
    assert client_for(resident).post(vote_url(draft), {"statement": "1", "vote": "1"}).status_code == 404
    assert client_for(municipal_admin).get(page_url(draft)).status_code == 200


def test_a_projects_deliberation_is_open_only_in_its_stage(
    client_for, municipal_admin, municipality, resident
):
    running = project_deliberation(municipal_admin, municipality)
    statement_add(author=municipal_admin, deliberation=running, text="Нужны скамейки")
    later = project_deliberation(municipal_admin, municipality, kind=StageKind.IDEAS, title="Ещё проект")
    statement_add(author=municipal_admin, deliberation=later, text="Нужны скамейки")
    client = client_for(resident)

    open_page = client.get(page_url(running)).content.decode()
    assert 'name="vote"' in open_page and running.project.title in open_page
    closed_page = client.get(page_url(later)).content.decode()
    assert 'name="vote"' not in closed_page
    reason = ru("Statements are answered only while the project's opinion-mapping stage runs.")
    assert reason in card(closed_page)
    response = client.post(vote_url(later), {"statement": shown(later)[0].pk, "vote": "1"})
    assert response.status_code == 409 and not Vote.objects.exists()


def test_the_project_page_has_the_deliberations_section(client_for, municipal_admin, municipality, resident):
    running = project_deliberation(municipal_admin, municipality)
    page = client_for(resident).get(f"/m/{municipality.slug}/projects/{running.project.pk}/").content.decode()
    section = page[page.index('id="deliberation"') :]
    section = section[: section.index("</section>")]
    assert running.title in section
    assert ru("Take part") in section and ru("See the opinion map") in section
    assert page_url(running) in section


def test_the_home_page_links_to_the_list(client, municipality):
    page = client.get(f"/m/{municipality.slug}/").content.decode()
    assert f'href="/m/{municipality.slug}/deliberations/"' in page


def test_where_the_caller_stands(client_for, deliberation, make_user, settings):
    from veche.deliberation.services import map_recompute

    people = [make_user(f"v{i}") for i in range(8)]
    statements = shown(deliberation)
    for i, person in enumerate(people):
        for j, statement in enumerate(statements):
            vote_cast(
                user=person,
                deliberation=deliberation,
                statement=statement,
                value=1 if (i < 4) == (j % 2 == 0) else -1,
            )
    result = map_recompute(deliberation=deliberation)
    html = client_for(people[0]).get(page_url(deliberation)).content.decode()
    standing = html[html.index('id="standing"') :][:600]
    if result.k:
        group = result.result["groups"].get(str(1))
        assert ru("You are in group %(group)s.") % {"group": "AB"[group]} in standing
    assert ru("See the opinion map") in standing


@pytest.mark.language("en")
def test_in_english_the_card_and_form_read_as_the_vocabulary_says(client_for, deliberation, resident):
    html = client_for(resident).get(page_url(deliberation)).content.decode()
    for words in (
        "Agree",
        "Disagree",
        "Pass",
        "Add the statement",
        "See the opinion map",
        "At most 140 characters.",
    ):
        assert words in html
    response = client_for(resident).post(add_url(deliberation), {"text": "More fountains"}, follow=True)
    assert "Thank you: your statement will be shown once a moderator accepts it." in messages_of(response)


def test_answers_are_rate_limited_as_every_write(client_for, deliberation, resident, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "write": "2/60"}
    client = client_for(resident)
    statements = shown(deliberation)
    for statement in statements[:2]:
        assert (
            client.post(vote_url(deliberation), {"statement": statement.pk, "vote": "1"}).status_code == 302
        )
    refused = client.post(vote_url(deliberation), {"statement": statements[2].pk, "vote": "1"})
    assert refused.status_code == 429 and refused.has_header("Retry-After")
    assert Vote.objects.count() == 2
    refused = client.post(add_url(deliberation), {"text": "Нужны фонтаны"})
    assert refused.status_code == 429
    assert not Statement.objects.filter(text="Нужны фонтаны").exists()
