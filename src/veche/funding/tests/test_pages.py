"""The campaign page, pledging through it, the public report, the project's section and the staff's
pages, in Russian and in English."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from veche.core.testing import localised_numbers, messages_of, text_in
from veche.funding.models import Campaign, CampaignStatus, Pledge, PledgeStatus
from veche.funding.services import Organisation, campaigns_settle, pledge_confirm, pledge_make
from veche.funding.tests.helpers import open_campaign, past_deadline, taken_up_idea
from veche.municipalities.zones import time_left, zone_of

pytestmark = pytest.mark.django_db

LANGUAGES = ["ru", "en"]


def _url(campaign: Campaign, tail: str = "") -> str:
    return f"/m/{campaign.municipality.slug}/funding/{campaign.pk}/{tail}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_campaign_page_reads_as_text_with_the_pledge_form(campaign, resident, client_for, language):
    pledge_make(user=resident, campaign=campaign, amount=12_500)
    page = client_for(resident, language=language).get(_url(campaign))
    html = page.content.decode()
    assert page.status_code == 200
    pledged = "12\u00a0500" if language == "ru" else "12,500"
    assert pledged in html and ("87\u00a0500" if language == "ru" else "87,500") in html
    with translation.override(language):
        left = time_left(campaign.deadline, municipality=campaign.municipality, now=timezone.now())
    assert left and left in html
    assert 'data-pledged="12500"' in html and 'max="100000"' in html
    assert 'name="amount"' in html and "<details" in html and 'name="organisation_inn"' in html
    assert text_in(language, "Your pledges") in html and "instructions" not in html
    assert localised_numbers(html) == []


def test_anonymous_visitors_are_invited_to_log_in(campaign, client_for):
    html = client_for().get(_url(campaign)).content.decode()
    assert 'name="amount"' not in html and "/accounts/login/" in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_pledging_through_the_form(campaign, resident, client_for, language):
    client = client_for(resident, language=language)
    answer = client.post(
        _url(campaign, "pledge/"),
        {"amount": "3000", "organisation_name": "", "organisation_inn": ""},
        follow=True,
    )
    assert answer.redirect_chain[-1][0] == _url(campaign)
    assert ("3\u00a0000" if language == "ru" else "3,000") in messages_of(answer)
    pledge = Pledge.objects.get()
    assert pledge.amount == 3000 and pledge.organisation_inn == "" and pledge.user == resident
    org = client.post(
        _url(campaign, "pledge/"),
        {"amount": "2000", "organisation_name": "ООО «Ромашка»", "organisation_inn": "7707083893"},
    )
    assert org.status_code == 302
    assert Pledge.objects.filter(organisation_name="ООО «Ромашка»").exists()


@pytest.mark.parametrize(
    ("data", "status", "field"),
    [
        ({"amount": "-5"}, 400, "amount"),
        ({"amount": "0"}, 400, "amount"),
        ({"amount": "1.5"}, 400, "amount"),
        ({"amount": "<script>"}, 400, "amount"),
        ({}, 400, "amount"),
        ({"amount": "100000000000000"}, 400, "amount"),
        ({"amount": "100001"}, 409, "amount"),
        (
            {"amount": "10", "organisation_name": "X", "organisation_inn": "1234567890"},
            400,
            "organisation_inn",
        ),
        (
            {"amount": "10", "organisation_name": "<b>x</b>" * 50, "organisation_inn": "7707083893"},
            400,
            "organisation_name",
        ),
    ],
)
def test_a_refused_pledge_shows_the_form_with_its_message_and_changes_nothing(
    campaign, resident, client_for, data, status, field
):
    page = client_for(resident).post(_url(campaign, "pledge/"), data)
    assert page.status_code == status
    assert page.context["form"].errors.get(field), page.context["form"].errors
    assert not Pledge.objects.exists()


def test_over_the_remaining_amount_the_form_says_how_much_remains(campaign, resident, client_for):
    pledge_make(user=resident, campaign=campaign, amount=95_000)
    page = client_for(resident, language="en").post(_url(campaign, "pledge/"), {"amount": "6000"})
    assert page.status_code == 409
    assert "At most 5,000\u00a0₽" in page.content.decode()


def test_after_the_deadline_the_page_takes_no_pledges(campaign, resident, client_for):
    past_deadline(campaign)
    client = client_for(resident)
    assert 'name="amount"' not in client.get(_url(campaign)).content.decode()
    assert client.post(_url(campaign, "pledge/"), {"amount": "10"}).status_code == 409
    assert not Pledge.objects.exists()


def test_withdrawing_ones_pledge(campaign, resident, verified_resident, client_for):
    pledge = pledge_make(user=resident, campaign=campaign, amount=10)
    assert (
        client_for(verified_resident).post(_url(campaign, f"pledges/{pledge.pk}/withdraw/")).status_code
        == 404
    )
    assert client_for(resident).post(_url(campaign, f"pledges/{pledge.pk}/withdraw/")).status_code == 302
    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.CANCELLED


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_report_names_paying_organisations_without_inn_and_only_counts_residents(
    campaign, make_user, municipal_admin, client_for, language
):
    resident, verified_resident = make_user("zhitel-7f2a"), make_user("zhitelnitsa-9c1b")
    pledge_make(user=resident, campaign=campaign, amount=1_000)
    pledge_make(user=resident, campaign=campaign, amount=2_000)
    pledge_make(user=verified_resident, campaign=campaign, amount=4_000)
    company = pledge_make(
        user=verified_resident,
        campaign=campaign,
        amount=30_000,
        organisation=Organisation("ООО «Ромашка»", "7707083893"),
    )
    # Anyone may type any company, or a sole trader's INN (a private person's number).
    pledge_make(
        user=resident, campaign=campaign, amount=500, organisation=Organisation("ООО «Чужая»", "7736207543")
    )
    pledge_make(
        user=resident,
        campaign=campaign,
        amount=62_500,
        organisation=Organisation("ИП Петров", "500100732259"),
    )
    past_deadline(campaign)
    campaigns_settle()
    pledge_confirm(actor=municipal_admin, pledge=company, reference="Выписка 1")

    with CaptureQueriesContext(connection) as queries:
        page = client_for(language=language).get(_url(campaign, "report/"))
    html = page.content.decode()
    treasury = client_for(municipal_admin).get(f"/m/{campaign.municipality.slug}/funding/treasury/")

    assert page.status_code == 200 and len(queries) <= 9
    assert "ООО «Ромашка»" in html and "7707083893" not in html
    assert "Чужая" not in html and "Петров" not in html and "500100732259" not in html
    assert ("63 000" if language == "ru" else "63,000") in html  # two unconfirmed, counted
    for person in (resident, verified_resident):
        assert person.username not in html and person.email not in html
    assert ("7 000" if language == "ru" else "7,000") in html  # the residents' sum, 3 pledges by 2
    assert localised_numbers(html) == []
    assert "500100732259" in treasury.content.decode()  # the treasury matches payments by INN


def test_the_project_page_lists_its_campaigns_and_staff_may_open_one(
    campaign, project, author, municipal_admin, client_for
):
    other = taken_up_idea(project=project, author=author, title="Benches by the river")
    url = project.get_absolute_url()
    public = client_for().get(url).content.decode()
    assert campaign.get_absolute_url() in public and f"/funding/new/{project.pk}/" not in public
    staff = client_for(municipal_admin).get(url).content.decode()
    assert f"/funding/new/{project.pk}/{other.pk}/" in staff
    assert f"/funding/new/{project.pk}/{campaign.idea_id}/" not in staff  # it has an open campaign


def test_opening_a_campaign_through_the_staff_page(project, author, municipal_admin, client_for):
    idea = taken_up_idea(project=project, author=author)
    url = f"/m/{project.municipality.slug}/funding/new/{project.pk}/{idea.pk}/"
    client = client_for(municipal_admin)
    assert client.get(url).status_code == 200
    deadline = timezone.localtime(timezone.now() + timedelta(days=3), zone_of(project.municipality))
    wrong = client.post(url, {"target_amount": "-1", "deadline": deadline.strftime("%Y-%m-%dT%H:%M")})
    assert wrong.status_code == 400 and not Campaign.objects.exists()
    late = deadline + timedelta(days=60)
    outside = client.post(url, {"target_amount": "5000", "deadline": late.strftime("%Y-%m-%dT%H:%M")})
    assert outside.status_code == 400 and outside.context["form"].errors["deadline"]
    done = client.post(url, {"target_amount": "5000", "deadline": deadline.strftime("%Y-%m-%dT%H:%M")})
    campaign = Campaign.objects.get()
    assert done.status_code == 302 and done["Location"] == campaign.get_absolute_url()
    assert campaign.target_amount == 5000 and campaign.deadline == deadline.replace(second=0, microsecond=0)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_treasury_lists_pledges_to_mark_paid_and_marks_one(
    campaign, resident, verified_resident, municipal_admin, client_for, language
):
    for person, amount in ((resident, 60_000), (verified_resident, 40_000)):
        pledge_make(user=person, campaign=campaign, amount=amount)
    past_deadline(campaign)
    campaigns_settle()
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SUCCEEDED
    client = client_for(municipal_admin, language=language)
    url = f"/m/{campaign.municipality.slug}/funding/treasury/"
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url)
    assert page.status_code == 200 and len(queries) <= 12, [q["sql"] for q in queries.captured_queries]
    html = page.content.decode()
    assert ("60\u00a0000" if language == "ru" else "60,000") in html
    pledge = Pledge.objects.get(amount=60_000)
    assert client.post(f"{url}{pledge.pk}/", {"reference": ""}).status_code == 400
    answer = client.post(f"{url}{pledge.pk}/", {"reference": "Выписка 17"})
    assert answer.status_code == 302 and answer["Location"] == url
    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.CONFIRMED and pledge.provider_reference == "Выписка 17"
    assert str(pledge.pk) not in [
        line for line in client.get(url).content.decode().split() if line == str(pledge.pk)
    ]


def test_the_project_section_reads_campaigns_in_a_fixed_number_of_queries(
    campaign, project, author, municipal_admin, client_for
):
    client = client_for(municipal_admin)
    with CaptureQueriesContext(connection) as one:
        client.get(project.get_absolute_url())
    for title in ("Benches", "Lights", "Paths"):
        open_campaign(actor=municipal_admin, idea=taken_up_idea(project=project, author=author, title=title))
    with CaptureQueriesContext(connection) as four:
        page = client.get(project.get_absolute_url())
    assert page.content.decode().count("/funding/") >= 4
    assert len(four) == len(one), [q["sql"] for q in four.captured_queries]


def test_the_treasury_reads_its_pledges_in_a_fixed_number_of_queries(
    project, author, resident, municipal_admin, client_for
):
    url = f"/m/{project.municipality.slug}/funding/treasury/"
    client = client_for(municipal_admin)

    def succeeded(title: str, pledges: int) -> None:
        campaign = open_campaign(
            actor=municipal_admin,
            idea=taken_up_idea(project=project, author=author, title=title),
            target=pledges,
        )
        for _ in range(pledges):
            pledge_make(user=resident, campaign=campaign, amount=1)
        past_deadline(campaign)

    succeeded("Benches", 1)
    campaigns_settle()
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    succeeded("Lights", 3)
    succeeded("Paths", 2)
    campaigns_settle()
    with CaptureQueriesContext(connection) as six:
        page = client.get(url)
    assert page.content.decode().count("/funding/treasury/") >= 6
    assert len(six) == len(one), [q["sql"] for q in six.captured_queries]
