"""The opinion map page: the picture (numbers unlocalised, in Russian too), the groups with their
representative statements, consensus, where the caller stands, k = 0, a map older than the votes,
who may see it, and a number of queries that does not grow with the participants."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from veche.core.testing import localised_numbers
from veche.deliberation.map_selectors import letter
from veche.deliberation.models import Deliberation, Participant, Statement
from veche.deliberation.services import deliberation_create, map_recompute, vote_cast
from veche.deliberation.tests.helpers import SEEDS, open_deliberation, shown
from veche.deliberation.tests.map_helpers import planted

pytestmark = pytest.mark.django_db


def _url(deliberation):
    return reverse("deliberation:map", args=[deliberation.municipality.slug, deliberation.pk])


@pytest.fixture
def deliberation(municipal_admin, municipality):
    return open_deliberation(municipal_admin, municipality)


@pytest.fixture
def mapped(deliberation, resident):
    """Three planted groups; the resident is the first participant in a group."""
    planted(deliberation, participants=90, statements=15, groups=3, seed=1)
    stored = map_recompute(deliberation=deliberation)
    assert stored.k == 3, stored.reason
    grouped = min(int(pid) for pid in stored.result["groups"])
    Participant.objects.filter(deliberation=deliberation, number=grouped).update(user=resident)
    deliberation.refresh_from_db()
    return deliberation


def _group_of(deliberation, user):
    number = Participant.objects.get(deliberation=deliberation, user=user).number
    return deliberation.map.result["groups"][str(number)]


def _svg(html):
    match = re.search(r"<svg viewBox=\"0 0 (\d+) (\d+)\".*?</svg>", html, re.S)
    assert match, "no picture"
    return match.group(0)


def test_the_map_draws_the_groups_with_numbers_a_browser_reads_in_russian(client_for, mapped):
    html = client_for().get(_url(mapped)).content.decode()
    picture = _svg(html)

    assert 'role="img"' in picture and "Карта мнений" in picture
    # Every coordinate parses as a float: no decimal commas or grouped digits from the locale.
    paths = re.findall(r' d="([^"]+)"', picture)
    assert len(paths) >= 3
    for path in paths:
        numbers = re.findall(r"[-\d.]+", path)
        assert numbers and all(float(n) == float(n) for n in numbers)
        assert "," not in path
    for name in ("cx", "cy", "x", "y"):
        for value in re.findall(rf' {name}="([^"]*)"', picture):
            float(value)
    assert localised_numbers(html) == []
    # Each group labelled with its letter, on the picture and in the tables.
    labels = re.findall(r'data-letter="([A-Z])"', picture)
    assert labels == ["A", "B", "C"]
    for group in ("A", "B", "C"):
        assert f"Группа {group}" in html
    # Participants' marks: one a participant while there are few.
    marks = int(re.search(r'data-marks="(\d+)"', picture).group(1))
    assert marks == mapped.map.n_participants


def test_the_tables_show_each_groups_representative_statements_and_consensus(client_for, mapped):
    response = client_for().get(_url(mapped))
    html = response.content.decode()
    result = mapped.map.result
    text_of = dict(Statement.objects.filter(deliberation=mapped).values_list("number", "text"))

    for group, rows in result["repness"].items():
        section = html.split(f'id="group-{letter(int(group))}"')[1].split("</section>")[0]
        for rep in rows:
            assert text_of[rep["statement"]] in section
            assert f'data-statement="{rep["statement"]}" data-direction="{rep["direction"]}"' in section
            assert f'data-share="{rep["p"]}"' in section or f'data-share="{float(rep["p"])}"' in section
    for consensus in result["consensus"]:
        assert text_of[consensus["statement"]] in html
    informed = sorted(result["group_informed_consensus"].items(), key=lambda kv: -kv[1])[:5]
    for number, value in informed:
        assert text_of[int(number)] in html
        assert f"{round(value * 100)}%" in html
    sizes = result["group_sizes"]
    for index, size in enumerate(sizes):
        assert f'data-group="{letter(index)}" data-size="{size}"' in html
    assert f'data-participants="{mapped.map.n_participants}"' in html
    assert f'data-votes="{mapped.map.n_votes}"' in html and 'data-statements="15"' in html
    for name in ("comments", "votes", "participants-votes"):
        assert reverse("deliberation:export", args=[mapped.municipality.slug, mapped.pk, name]) in html


def test_the_caller_sees_their_group_and_place(client_for, mapped, resident):
    group = _group_of(mapped, resident)

    html = client_for(resident).get(_url(mapped)).content.decode()

    assert f"Вы в группе {letter(group)}." in html
    assert 'class="map-you"' in _svg(html)
    anonymous = client_for().get(_url(mapped)).content.decode()
    assert "Вы в группе" not in anonymous and "map-you" not in anonymous


@pytest.mark.language("en")
def test_in_english_the_caller_reads_their_group(client_for, mapped, resident):
    group = _group_of(mapped, resident)

    html = client_for(resident, language="en").get(_url(mapped)).content.decode()

    assert f"You are in group {letter(group)}." in html
    assert "Group A" in html and "Opinion map" in html
    assert ">You</text>" in html


def test_a_small_deliberation_says_there_are_no_groups_yet_with_the_counts(
    client_for, municipal_admin, municipality, resident
):
    small = open_deliberation(municipal_admin, municipality, statements=SEEDS)
    vote_cast(user=resident, deliberation=small, statement=shown(small)[0], value=1)
    map_recompute(deliberation=small)

    html = client_for(resident).get(_url(small)).content.decode()

    assert "Пока недостаточно голосов, чтобы найти группы мнений." in html
    assert 'data-participants="' in html and 'data-votes="1"' in html and 'data-statements="5"' in html
    assert "<svg viewBox" not in html and "Вы в группе" not in html


@pytest.mark.language("en")
def test_in_english_the_small_map_says_so(client_for, municipal_admin, municipality, resident):
    small = open_deliberation(municipal_admin, municipality, statements=SEEDS)
    vote_cast(user=resident, deliberation=small, statement=shown(small)[0], value=1)
    map_recompute(deliberation=small)

    html = client_for(resident, language="en").get(_url(small)).content.decode()

    assert "Not enough votes yet to find opinion groups." in html


def test_without_a_map_the_page_says_it_comes_once_people_vote(client_for, deliberation):
    response = client_for().get(_url(deliberation))

    assert response.status_code == 200
    assert "<svg viewBox" not in response.content.decode()


def test_a_map_older_than_the_votes_says_when_it_was_computed(client_for, mapped):
    Deliberation.objects.filter(pk=mapped.pk).update(vote_serial=mapped.vote_serial + 5)
    stored = mapped.map
    stored.computed_at = timezone.now() - timedelta(hours=2)
    stored.save(update_fields=["computed_at"])

    html = client_for().get(_url(mapped)).content.decode()

    assert 'data-stale="true"' in html and "Рассчитана" in html


def test_a_statement_hidden_since_the_map_is_not_shown(client_for, mapped):
    result = mapped.map.result
    number = result["repness"]["0"][0]["statement"]
    statement = Statement.objects.get(deliberation=mapped, number=number)
    Statement.objects.filter(pk=statement.pk).update(hidden_at=timezone.now())

    html = client_for().get(_url(mapped)).content.decode()

    assert statement.text not in html


def test_the_number_of_queries_does_not_grow_with_the_participants(
    client_for, municipal_admin, municipality, resident, make_user
):
    counted = []
    for size, person in ((40, resident), (160, make_user("neighbour"))):
        made = open_deliberation(municipal_admin, municipality)
        planted(made, participants=size, statements=12, groups=2, seed=2)
        stored = map_recompute(deliberation=made)
        grouped = min(int(pid) for pid in stored.result["groups"])
        Participant.objects.filter(deliberation=made, number=grouped).update(user=person)
        client = client_for(person)
        client.get(_url(made))  # sessions and caches warmed
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_url(made)).status_code == 200
        counted.append(len(queries))

    assert counted[0] == counted[1], counted
    assert counted[0] <= 14, counted


def test_a_draft_deliberation_is_not_found_for_residents_and_shown_to_those_who_run_it(
    client_for, municipal_admin, municipality, resident
):
    draft = deliberation_create(actor=municipal_admin, municipality=municipality, title="Черновик")

    assert client_for(resident).get(_url(draft)).status_code == 404
    assert client_for().get(_url(draft)).status_code == 404
    assert client_for(municipal_admin).get(_url(draft)).status_code == 200


def test_an_unknown_deliberation_or_another_municipalitys_is_not_found(
    client_for, mapped, other_municipality
):
    assert (
        client_for().get(reverse("deliberation:map", args=[mapped.municipality.slug, 999999])).status_code
        == 404
    )
    assert (
        client_for().get(reverse("deliberation:map", args=[other_municipality.slug, mapped.pk])).status_code
        == 404
    )
