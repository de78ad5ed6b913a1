"""The voting pages: the ballot without JavaScript, the receipt, "you have voted", the results, the
project page's section; in Russian and in English."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from veche.core.testing import localised_numbers, messages_of
from veche.crowdprojects.models import CrowdBallot, ProjectTier, VotingMethod
from veche.crowdprojects.services.voting import ballot_cast
from veche.crowdprojects.tests.voting_helpers import end_voting, voting_project
from veche.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db


def url(project, action=""):
    return f"/m/testgrad/projects/{project.pk}/{action + '/' if action else ''}"


@pytest.fixture
def approval(municipality, municipal_admin, author):
    return voting_project(actor=municipal_admin, municipality=municipality, author=author, approval_limit=2)


@pytest.fixture
def rating(municipality, municipal_admin, author):
    return voting_project(
        actor=municipal_admin, municipality=municipality, author=author, voting_method=VotingMethod.RATING
    )


def test_an_approval_ballot_states_its_limit_and_shows_the_receipt_once(client_for, voter, approval):
    project, ideas = approval
    client = client_for(voter)

    page = client.get(url(project, "vote")).content.decode()
    assert "Выберите не более 2 идей" in page and 'type="checkbox"' in page
    assert all(idea.title in page for idea in ideas)

    answer = client.post(url(project, "vote"), {"ideas": [str(ideas[0].pk), str(ideas[1].pk)]})

    assert answer.status_code == 200
    text = answer.content.decode()
    ballot = CrowdBallot.objects.get()
    assert "Ваш бюллетень учтён" in text and ballot.receipt in text
    assert answer.context["receipt"].nonce in text  # the secret code is shown this once
    again = client.get(url(project, "vote")).content.decode()
    assert "Вы проголосовали" in again and ideas[0].title in again
    assert f'data-receipt="{ballot.receipt}"' in again and answer.context["receipt"].nonce not in again
    assert 'type="checkbox"' not in again


def test_a_second_ballot_goes_back_to_the_one_that_stands(client_for, voter, approval):
    project, ideas = approval
    client = client_for(voter)
    client.post(url(project, "vote"), {"ideas": [str(ideas[0].pk)]})

    answer = client.post(url(project, "vote"), {"ideas": [str(ideas[1].pk)]}, follow=True)

    assert answer.redirect_chain == [(url(project, "vote"), 302)]
    assert "Вы уже проголосовали" in messages_of(answer)
    assert CrowdBallot.objects.get().choices.get().idea == ideas[0]
    assert LedgerEntry.objects.count() == 1


def test_a_bad_approval_ballot_shows_its_message_and_stores_nothing(client_for, voter, approval):
    project, ideas = approval
    client = client_for(voter)

    too_many = client.post(url(project, "vote"), {"ideas": [str(i.pk) for i in ideas[:3]]})
    none = client.post(url(project, "vote"), {})
    unknown = client.post(url(project, "vote"), {"ideas": ["999999"]})

    assert too_many.status_code == 400 and "Выберите от 1 до 2 идей." in too_many.content.decode()
    assert none.status_code == 400 and unknown.status_code == 400
    assert not CrowdBallot.objects.exists() and not LedgerEntry.objects.exists()


@pytest.mark.language("en")
def test_a_rating_ballot_has_five_buttons_and_no_rating_by_default_in_english(client_for, resident, rating):
    project, ideas = rating
    client = client_for(resident, language="en")

    page = client.get(url(project, "vote")).content.decode()

    assert page.count('type="radio"') == 6 * len(ideas) and "no rating" in page
    assert page.count(" checked") == len(ideas) and page.count('value=""') == len(ideas)
    answer = client.post(
        url(project, "vote"),
        {f"rating_{ideas[0].pk}": "5", f"rating_{ideas[1].pk}": "2", f"rating_{ideas[2].pk}": ""},
    )
    assert answer.status_code == 200 and "Your ballot is counted" in answer.content.decode()
    assert dict(CrowdBallot.objects.get().choices.values_list("idea_id", "rating")) == {
        ideas[0].pk: 5,
        ideas[1].pk: 2,
    }
    assert "5 of 5" in client.get(url(project, "vote")).content.decode()


def test_an_empty_or_out_of_range_rating_ballot_is_refused(client_for, resident, rating):
    project, ideas = rating
    client = client_for(resident)

    empty = client.post(url(project, "vote"), {f"rating_{ideas[0].pk}": ""})
    six = client.post(url(project, "vote"), {f"rating_{ideas[0].pk}": "6"})

    assert empty.status_code == 400 and "Оцените хотя бы одну идею." in empty.content.decode()
    assert six.status_code == 400
    assert not CrowdBallot.objects.exists() and not LedgerEntry.objects.exists()


def test_the_ballot_says_why_one_cannot_vote(client_for, resident, municipality, municipal_admin, author):
    project, ideas = voting_project(
        actor=municipal_admin, municipality=municipality, author=author, tier=ProjectTier.VERIFIED
    )
    client = client_for(resident)

    page = client.get(url(project, "vote")).content.decode()
    refused = client.post(url(project, "vote"), {"ideas": [str(ideas[0].pk)]})
    anonymous = client_for().post(url(project, "vote"), {"ideas": [str(ideas[0].pk)]})

    assert 'type="checkbox"' not in page and "Подтвердить" in page
    assert refused.status_code == 403 and anonymous.status_code == 302
    assert not CrowdBallot.objects.exists()


def test_after_the_stage_the_ballot_is_closed(client_for, voter, approval):
    project, ideas = approval
    end_voting(project)
    client = client_for(voter)

    page = client.get(url(project, "vote")).content.decode()
    refused = client.post(url(project, "vote"), {"ideas": [str(ideas[0].pk)]})

    assert "Сейчас голосование не идёт." in page and refused.status_code == 409
    assert not CrowdBallot.objects.exists()


def test_results_are_for_organisers_until_voting_ends_then_public(
    client_for, voter, resident, municipal_admin, approval
):
    project, ideas = approval
    ballot_cast(user=voter, project=project, ideas=[ideas[0].pk])

    assert client_for(resident).get(url(project, "results")).status_code == 403
    early = client_for(municipal_admin).get(url(project, "results"))
    assert early.status_code == 200 and "Пока не опубликовано" in early.content.decode()

    end_voting(project)
    public = client_for().get(url(project, "results"))

    text = public.content.decode()
    assert public.status_code == 200 and "Пока не опубликовано" not in text
    assert f'data-idea="{ideas[0].pk}" data-votes="1"' in text and "Явка по районам" in text
    assert localised_numbers(text) == []


def test_the_final_report_keeps_running_votes_secret_until_voting_ends(
    client_for, voter, municipal_admin, approval
):
    """The report lists every part's figures; the votes are among them only once voting has ended,
    as the results page is (an organiser sees them at any time)."""
    project, ideas = approval
    ballot_cast(user=voter, project=project, ideas=[ideas[0].pk])

    answer = client_for().get(url(project, "report"))
    during = answer.content.decode()
    organiser = client_for(municipal_admin).get(url(project, "report")).content.decode()
    # The report itself is public and lists the idea; only the votes' column is missing.
    assert answer.status_code == 200 and ideas[0].title in during
    assert "Голоса" not in during and "Голоса" in organiser
    end_voting(project)
    after = client_for().get(url(project, "report")).content.decode()
    assert "Голоса" in after


@pytest.mark.language("en")
def test_rating_results_in_english(client_for, voter, resident, rating):
    project, ideas = rating
    ballot_cast(user=voter, project=project, ratings={ideas[0].pk: 4})
    ballot_cast(user=resident, project=project, ratings={ideas[0].pk: 5, ideas[1].pk: 1})
    end_voting(project)

    page = client_for(language="en").get(url(project, "results")).content.decode()

    assert "Mean rating" in page and "4.50" in page and 'data-mean="4.5"' in page
    assert "2 people voted." in page and "Turnout by tier" in page
    assert localised_numbers(page) == []


def test_the_results_page_costs_the_same_queries_for_2_and_10_voters(
    client_for, resident_of, central, approval
):
    project, ideas = approval
    client = client_for(municipal_admin := project.created_by)

    def results_queries():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url(project, "results"))
        assert response.status_code == 200
        return len(queries)

    for i in range(2):
        ballot_cast(user=resident_of(f"v{i}", central), project=project, ideas=[ideas[i % 4].pk])
    few = results_queries()
    for i in range(2, 10):
        ballot_cast(
            user=resident_of(f"v{i}", None), project=project, ideas=[ideas[i % 4].pk, ideas[(i + 1) % 4].pk]
        )
    assert results_queries() == few and municipal_admin is not None


def test_the_project_page_invites_to_vote_then_says_you_voted(client_for, voter, approval):
    project, ideas = approval
    client = client_for(voter)

    before = client.get(url(project)).content.decode()
    assert "Проголосовать" in before and url(project, "vote") in before

    ballot_cast(user=voter, project=project, ideas=[ideas[0].pk])
    after = client.get(url(project)).content.decode()
    assert "Вы проголосовали" in after and "Проголосовать" not in after
    assert url(project, "results") not in after  # not public while voting runs

    end_voting(project)
    over = client_for().get(url(project)).content.decode()
    assert url(project, "results") in over and "Итоги голосования" in over


@pytest.mark.language("en")
def test_the_project_page_section_in_english(client_for, voter, approval):
    project, _ideas = approval

    page = client_for(voter, language="en").get(url(project)).content.decode()

    assert "Vote now" in page and "Each resident chooses up to 2 ideas." in page
