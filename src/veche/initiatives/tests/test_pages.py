"""The initiative pages: the list, drafts, support (with and without htmx), the answer, the result,
milestones and the settings; what every petition's pages share is tested in petitions/tests/test_pages.py."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from veche.core.errors import Conflict
from veche.core.testing import HTMX, messages_of
from veche.initiatives.models import (
    DistrictResidents,
    Initiative,
    InitiativePolicy,
    InitiativeSupport,
    Status,
)
from veche.initiatives.services import initiative_decide, initiative_support
from veche.initiatives.tests.helpers import OPTIONS, cast

BASE = "/m/testgrad/initiatives/"


def url(initiative, action=""):
    return f"{BASE}{initiative.pk}/{action + '/' if action else ''}"


def jpeg() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 60)).save(out, format="JPEG")
    return SimpleUploadedFile("work.jpg", out.getvalue(), content_type="image/jpeg")


# The list.


def test_the_list_filters_and_its_queries_do_not_grow_with_its_length(
    client_for, make_initiative, supporters, central, author
):
    make_initiative("Lanes in Central", district=central)
    initiative_support(user=supporters[0], initiative=make_initiative("Benches everywhere"))
    make_initiative("My secret draft", publish=False)
    client = client_for(supporters[0])

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(BASE)
        assert response.status_code == 200
        return len(queries), response.content.decode()

    few, html = count_queries()
    assert "Lanes in Central" in html and "вы поддержали" in html and "My secret draft" not in html
    for i in range(10):
        make_initiative(f"More {i}", district=central)
    many, html = count_queries()
    assert many == few, f"{few} queries for 2 initiatives, {many} for 12"
    assert few <= 12

    html = client.get(BASE, {"district": central.pk}).content.decode()
    assert "Lanes in Central" in html and "Benches everywhere" not in html
    html = client.get(BASE, {"q": "bench", "status": "published", "order": "support"}).content.decode()
    assert "Benches everywhere" in html and "Lanes in Central" not in html
    assert client.get(BASE, {"status": "nonsense", "order": "nonsense", "district": "x"}).status_code == 200
    assert "My secret draft" in client_for(author).get(BASE).content.decode()  # under "Your drafts"


# Drafts.


def test_a_resident_drafts_edits_and_publishes(client_for, author, policy, central):
    client = client_for(author)
    response = client.post(
        f"{BASE}new/", {"title": "Trees on Main St", "body": "Plant *lindens*.", "district": ""}
    )

    draft = Initiative.objects.get()
    assert response.status_code == 302 and response["Location"] == url(draft)
    assert draft.status == Status.DRAFT
    assert client_for(None).get(url(draft)).status_code == 404  # a draft is its author's alone
    assert "Черновик: его видите только вы." in client.get(url(draft)).content.decode()
    editing = client.get(url(draft, "edit")).content.decode()
    assert "Редактировать черновик" in editing and 'value="Trees on Main St"' in editing

    response = client.post(
        url(draft, "edit"), {"title": "Lindens on Main St", "body": "Plant.", "district": central.pk}
    )
    assert response.status_code == 302
    response = client.post(url(draft, "publish"), follow=True)
    assert "Инициатива опубликована. Теперь попросите соседей её поддержать." in messages_of(response)
    draft.refresh_from_db()
    assert (draft.title, draft.district, draft.status) == ("Lindens on Main St", central, Status.PUBLISHED)
    html = client_for(None).get(url(draft)).content.decode()
    assert (
        "Lindens on Main St" in html
        and "0 сторонников" in html
        and "(для официального ответа нужно 3)" in html
    )
    assert client.get(url(draft, "edit")).status_code == 302  # published: nothing to edit


def test_an_unverified_author_is_told_why_the_draft_cannot_be_published(client_for, resident, policy):
    client = client_for(resident)
    client.post(f"{BASE}new/", {"title": "Trees", "body": "Plant."})
    draft = Initiative.objects.get()

    # A refusal of who the person is (403) is the error page with its reason, as for every button.
    response = client.post(url(draft, "publish"))
    assert response.status_code == 403
    assert "Это доступно только подтверждённым жителям этого города." in response.content.decode()
    assert Initiative.objects.get().status == Status.DRAFT


def test_a_district_of_another_municipality_is_refused_on_the_form(client_for, author, policy):
    response = client_for(author).post(
        f"{BASE}new/", {"title": "Title", "body": "Text", "district": "999999"}
    )

    assert response.status_code == 400
    assert "Выберите корректный вариант." in response.content.decode()
    assert not Initiative.objects.exists()


# Support.


def test_a_verified_resident_supports_without_javascript_and_sees_the_receipt(
    client_for, initiative, supporters
):
    response = client_for(supporters[0]).post(url(initiative, "support"), follow=True)

    assert response.redirect_chain == [(url(initiative), 302)]
    assert messages_of(response) == "Спасибо! Ваша поддержка учтена и записана в открытый реестр."
    support = InitiativeSupport.objects.get()
    html = response.content.decode()
    assert "1 сторонник" in html and "Вы поддержали эту инициативу" in html
    assert f'href="/ledger/?receipt={support.receipt}"' in html
    assert client_for(None).get(f"/ledger/?receipt={support.receipt}").status_code == 200


def test_supporting_through_htmx_swaps_the_box(client_for, initiative, supporters):
    client = client_for(supporters[0])
    response = client.post(url(initiative, "support"), headers=HTMX)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith('<div id="initiative-support"') and "<html" not in html
    assert "Ваша поддержка учтена" in html and InitiativeSupport.objects.get().receipt in html
    again = client.post(url(initiative, "support"), headers=HTMX).content.decode()
    assert "Вы уже поддержали эту инициативу." in again
    assert InitiativeSupport.objects.count() == 1


def test_a_resident_of_another_district_is_refused(
    client_for, make_initiative, central, resident_of, northern
):
    initiative = make_initiative(district=central)
    client = client_for(resident_of("outsider", northern))

    refusal = (
        "Поддержать эту инициативу могут только жители, подтвердившие проживание в районе «Центральный»."
    )
    assert refusal in client.get(url(initiative)).content.decode()
    assert client.post(url(initiative, "support")).status_code == 403
    assert not InitiativeSupport.objects.exists()


def test_an_english_reader_is_told_the_district_in_english(client_for, make_initiative, central, resident_of):
    initiative = make_initiative(district=central)
    client = client_for(resident_of("visitor", None), language="en")

    page = client.get(url(initiative)).content.decode()
    refused = client.post(url(initiative, "support"), headers=HTMX).content.decode()

    for html in (page, refused):
        assert "Only residents verified in the district Central can support this initiative." in html
    assert not InitiativeSupport.objects.exists()


# The answer, the vote and the result.


def test_an_official_rejects_with_reasons(client_for, awaiting, official, supporters):
    client = client_for(official)
    detail = client.get(url(awaiting)).content.decode()
    assert "Официальный ответ нужно дать не позднее" in detail and "Опубликовать официальный ответ" in detail

    response = client.post(url(awaiting, "answer"), {"decision": "reject", "answer": ""})
    assert response.status_code == 400
    response = client.post(
        url(awaiting, "answer"), {"decision": "reject", "answer": "The **land** is federal."}
    )
    assert response.status_code == 302
    html = client_for(supporters[0]).get(url(awaiting)).content.decode()
    assert "Отказано: официальный ответ" in html and "<strong>land</strong>" in html


def test_an_official_accepts_with_options_and_residents_find_the_vote(
    client_for, awaiting, official, supporters
):
    client = client_for(official)
    one = client.post(
        url(awaiting, "answer"), {"decision": "accept", "answer": "Yes.", "options": "Only this"}
    )
    assert one.status_code == 400 and "Укажите не меньше двух готовых вариантов" in one.content.decode()

    response = client.post(
        url(awaiting, "answer"),
        {
            "decision": "accept",
            "answer": "Yes, choose how.",
            "options": "\n".join(OPTIONS),
            "voting_days": "5",
        },
    )

    assert response.status_code == 302
    awaiting.refresh_from_db()
    assert awaiting.status == Status.VOTING and awaiting.poll.closes_at - awaiting.poll.opens_at == timedelta(
        days=5
    )
    html = client_for(supporters[0]).get(url(awaiting)).content.decode()
    assert f'href="/m/testgrad/polls/{awaiting.poll.pk}/"' in html and "Проголосовать" in html
    assert all(option in html for option in OPTIONS)
    assert client.get(url(awaiting, "answer")).status_code == 200  # shows that it is answered


def test_an_official_publishes_the_result_and_keeps_milestones(client_for, closed_vote, official, supporters):
    client = client_for(official)
    detail = client.get(url(closed_vote)).content.decode()
    assert "Опубликовать итог" in detail and "Wooden benches" in detail

    client.post(url(closed_vote, "decide"))
    closed_vote.refresh_from_db()
    assert closed_vote.status == Status.DECIDED

    assert client.get(url(closed_vote, "milestones")).status_code == 200
    bad = client.post(url(closed_vote, "milestones"), {"title": ""})
    assert bad.status_code == 400
    response = client.post(
        url(closed_vote, "milestones"),
        {"title": "Order the benches", "due": "2030-06-01", "photos": [jpeg()]},
    )
    assert response.status_code == 302
    milestone = closed_vote.milestones.get()
    response = client.post(url(closed_vote, f"milestones/{milestone.pk}/complete"), {"photos": [jpeg()]})
    assert response.status_code == 302
    closed_vote.refresh_from_db()
    assert closed_vote.status == Status.IMPLEMENTED and milestone.photos.count() == 2

    html = client_for(supporters[0]).get(url(closed_vote)).content.decode()
    assert "Выбор жителей" in html and "Order the benches" in html and "Реализована" in html
    assert html.count('<img src="') == 2
    assert client_for(supporters[0]).get(url(closed_vote, "milestones")).status_code == 404


def test_a_tie_is_decided_by_the_official_choosing_a_leader(client_for, closed_vote, official, supporters):
    # One more vote for the second option makes a tie: 2 against 2.
    poll = closed_vote.poll
    poll.closes_at += timedelta(days=30)
    poll.save(update_fields=["closes_at"])
    cast(closed_vote, [(supporters[3], 1)])
    poll.closes_at = timezone.now() - timedelta(minutes=1)
    poll.save(update_fields=["closes_at"])
    client = client_for(official)

    response = client.post(url(closed_vote, "decide"), follow=True)
    assert "Несколько вариантов набрали одинаково много голосов" in messages_of(response)
    second = poll.options.get(position=2)
    client.post(url(closed_vote, "decide"), {"option": second.pk})
    closed_vote.refresh_from_db()
    assert closed_vote.chosen_option == second
    with pytest.raises(Conflict, match="Итог этого голосования уже опубликован."):
        initiative_decide(official=official, initiative=closed_vote)


# Settings.


def test_the_municipal_admin_sets_a_share_per_district(
    client_for, municipal_admin, official, municipality, policy
):
    central, northern = municipality.districts.get(slug="d1"), municipality.districts.get(slug="d2")
    path = f"{BASE}policy/"
    data = {
        "support_days": "45",
        "threshold_kind": "share",
        "support_threshold": "100",
        "support_percent": "2.5",
        "scope": "district",
        "answer_days": "15",
        "voting_days": "10",
        f"residents_{central.pk}": "1000",
    }
    assert client_for(official).get(path).status_code == 404
    client = client_for(municipal_admin)
    missing = client.post(path, data)
    assert missing.status_code == 400 and "Укажите число жителей каждого района." in missing.content.decode()

    response = client.post(path, {**data, f"residents_{northern.pk}": "200"})

    assert response.status_code == 302
    saved = InitiativePolicy.objects.get()
    assert (saved.support_days, saved.threshold_kind, saved.scope, str(saved.support_percent)) == (
        45,
        "share",
        "district",
        "2.50",
    )
    assert dict(DistrictResidents.objects.values_list("district__slug", "residents")) == {
        "d1": 1000,
        "d2": 200,
    }
    html = client.get(path).content.decode()
    assert 'value="1000"' in html and 'value="200"' in html
    assert "Порог поддержки — 2,50% жителей." in client.get(BASE).content.decode()
