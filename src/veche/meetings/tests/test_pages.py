"""The meeting pages in Russian and English, at the municipality's clock, and the organisers' pages."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from veche.core.testing import localised_numbers, messages_of
from veche.crowdprojects.models import Idea, IdeaStatus
from veche.meetings.models import Kind, Meeting, Registration, RegistrationStatus
from veche.meetings.services import minutes_publish, registration_make
from veche.meetings.tests.helpers import announce, held, running_project

pytestmark = pytest.mark.django_db

STARTS = datetime(2030, 6, 1, 15, 0, tzinfo=UTC)  # 22:00 in Novosibirsk


@pytest.fixture
def project(municipality, municipal_admin):
    municipality.timezone = "Asia/Novosibirsk"
    municipality.save(update_fields=["timezone"])
    return running_project(municipal_admin, municipality)


def _base(project):
    return f"/m/{project.municipality.slug}/projects/{project.pk}/meetings/"


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("ru", ["1 июня 2030, 22:00", "Осталось 4 места из 5", "Зарегистрироваться"]),
        ("en", ["1 June 2030, 22:00", "4 places left of 5", "Register"]),
    ],
)
def test_a_meeting_page_in_the_municipality_zone(
    project, municipal_admin, client_for, resident, make_user, language, words
):
    meeting = announce(municipal_admin, project, starts_at=STARTS)
    registration_make(user=make_user("first"), meeting=meeting)

    page = client_for(resident, language=language).get(meeting.get_absolute_url())

    html = page.content.decode()
    assert page.status_code == 200
    for word in words:
        assert word in html, word
    assert 'data-lat="55.75"' in html and "data-spot-map" in html
    assert not localised_numbers(html)
    assert "first" not in html  # nobody's name on the public page


def test_registering_then_cancelling_through_the_page(
    project, municipal_admin, client_for, resident, make_user
):
    meeting = announce(municipal_admin, project, capacity=1)
    registration_make(user=make_user("first"), meeting=meeting)
    client = client_for(resident, language="en")

    answer = client.post(_base(project) + f"{meeting.pk}/register/", follow=True)
    assert "number 1 on the waiting list" in messages_of(answer)
    assert "you are number 1 on the waiting list" in answer.content.decode()

    again = client.post(_base(project) + f"{meeting.pk}/register/", follow=True)
    assert "already registered" in messages_of(again)

    gone = client.post(_base(project) + f"{meeting.pk}/unregister/", follow=True)
    assert "cancelled" in messages_of(gone)
    assert Registration.objects.get(user=resident).status == RegistrationStatus.CANCELLED


def test_the_online_link_is_for_those_with_a_place(project, municipal_admin, client_for, resident, make_user):
    link = "https://meet.example.org/park"
    meeting = announce(municipal_admin, project, kind=Kind.ONLINE, online_url=link, capacity=1)
    waiting = make_user("waiting")
    registration_make(user=resident, meeting=meeting)
    registration_make(user=waiting, meeting=meeting)

    assert link not in client_for().get(meeting.get_absolute_url()).content.decode()
    assert link not in client_for(waiting).get(meeting.get_absolute_url()).content.decode()
    assert link in client_for(resident).get(meeting.get_absolute_url()).content.decode()
    assert link in client_for(municipal_admin).get(meeting.get_absolute_url()).content.decode()


def test_the_list_has_upcoming_first_and_past_with_minutes(
    project, municipal_admin, client_for, author, django_assert_max_num_queries
):
    past = held(announce(municipal_admin, project, title="Held"))
    idea = Idea.objects.create(
        municipality=project.municipality,
        project=project,
        author=author,
        title="Fountain",
        body="By the pond",
        created_at=timezone.now(),
    )
    minutes_publish(actor=municipal_admin, meeting=past, minutes="**We met.**", ideas=[idea.pk])
    for i in range(4):
        announce(
            municipal_admin, project, title=f"Coming {i}", starts_at=timezone.now() + timedelta(days=i + 1)
        )
    client = client_for(author)

    with django_assert_max_num_queries(14):
        page = client.get(_base(project))

    html = page.content.decode()
    assert html.index("Coming 0") < html.index("Coming 3") < html.index("Held")
    detail = client.get(past.get_absolute_url()).content.decode()
    assert "<strong>We met.</strong>" in detail and "Fountain" in detail


def test_the_project_page_shows_the_next_meetings(project, municipal_admin, client_for):
    announce(municipal_admin, project, title="Next one")
    page = client_for(language="en").get(f"/m/{project.municipality.slug}/projects/{project.pk}/")
    assert "Next one" in page.content.decode() and 'id="meetings"' in page.content.decode()


def test_an_organiser_announces_a_meeting_at_the_municipality_clock(project, municipal_admin, client_for):
    client = client_for(municipal_admin, language="en")
    data = {
        "title": "Park walk",
        "description": "",
        "stage": "",
        "kind": Kind.IN_PERSON,
        "address": "Lenin st, 1",
        "latitude": "55.75",
        "longitude": "37.61",
        "online_url": "",
        "starts_at": "2030-06-01T22:00",
        "ends_at": "2030-06-01T21:00",
        "capacity": "10",
        "registration_opens": "",
    }
    refused = client.post(_base(project) + "new/", data)
    assert refused.status_code == 400 and "end after it starts" in refused.content.decode()
    assert not Meeting.objects.exists()

    refused = client.post(
        _base(project) + "new/",
        {**data, "ends_at": "2030-06-01T23:00", "latitude": "59.9", "longitude": "30.3"},
    )
    assert refused.status_code == 400 and "outside" in refused.content.decode()

    done = client.post(_base(project) + "new/", {**data, "ends_at": "2030-06-01T23:30"})
    meeting = Meeting.objects.get()
    assert done.status_code == 302 and meeting.starts_at == STARTS
    assert meeting.ends_at == STARTS + timedelta(hours=1, minutes=30)


def test_the_organisers_list_shows_display_names_only(project, municipal_admin, client_for, make_user):
    meeting = announce(municipal_admin, project, capacity=1)
    first = make_user("first")
    first.display_name = "Анна"
    first.save()
    registration_make(user=first, meeting=meeting)
    registration_make(user=make_user("second"), meeting=meeting)

    html = client_for(municipal_admin).get(_base(project) + f"{meeting.pk}/registrations/").content.decode()

    assert "Анна" in html and "second" in html
    assert "@" not in html.split("<main", 1)[-1]  # no e-mail addresses
    assert client_for(first).get(_base(project) + f"{meeting.pk}/registrations/").status_code == 404


def test_the_minutes_page_refuses_another_projects_idea(
    project, municipality, municipal_admin, client_for, author
):
    meeting = held(announce(municipal_admin, project))
    other = running_project(municipal_admin, municipality, title="Other")
    foreign = Idea.objects.create(
        municipality=municipality,
        project=other,
        author=author,
        title="Elsewhere",
        body="x",
        created_at=timezone.now(),
    )
    client = client_for(municipal_admin, language="en")

    refused = client.post(
        _base(project) + f"{meeting.pk}/minutes/", {"minutes": "We met", "ideas": [str(foreign.pk)]}
    )
    assert refused.status_code == 400
    meeting.refresh_from_db()
    assert meeting.minutes_published_at is None

    done = client.post(_base(project) + f"{meeting.pk}/minutes/", {"minutes": "We met", "ideas": []})
    assert done.status_code == 302


@pytest.mark.parametrize("path", ["999999/", "999999/meeting.ics", "abc/"])
def test_unknown_meetings_are_not_found(project, client_for, path):
    assert client_for().get(_base(project) + path).status_code == 404


def test_a_meeting_of_another_project_is_not_found_under_this_one(
    project, municipality, municipal_admin, client_for
):
    other = running_project(municipal_admin, municipality, title="Other")
    meeting = announce(municipal_admin, other)
    assert client_for().get(_base(project) + f"{meeting.pk}/").status_code == 404


def test_ideas_hidden_or_merged_after_the_minutes_leave_the_page_and_the_api(
    project, municipal_admin, client_for, author
):
    meeting = held(announce(municipal_admin, project, title="Held"))
    kept, hidden, merged = (
        Idea.objects.create(
            municipality=project.municipality,
            project=project,
            author=author,
            title=title,
            body="By the pond",
            created_at=timezone.now(),
        )
        for title in ("Kept-idea-1a", "Hidden-idea-2b", "Merged-idea-3c")
    )
    minutes_publish(
        actor=municipal_admin, meeting=meeting, minutes="We met.", ideas=[kept.pk, hidden.pk, merged.pk]
    )
    Idea.objects.filter(pk=hidden.pk).update(hidden_at=timezone.now())
    Idea.objects.filter(pk=merged.pk).update(status=IdeaStatus.MERGED, merged_into=kept)
    client = client_for(author)

    page = client.get(meeting.get_absolute_url()).content.decode()
    one = client.get(f"/api/v1/meetings/{meeting.pk}").json()
    (listed,) = client.get(f"/api/v1/projects/{project.pk}/meetings").json()["items"]

    assert "Kept-idea-1a" in page and "Hidden-idea-2b" not in page and "Merged-idea-3c" not in page
    assert [idea["id"] for idea in one["ideas"]] == [kept.pk]
    assert [idea["id"] for idea in listed["ideas"]] == [kept.pk]
