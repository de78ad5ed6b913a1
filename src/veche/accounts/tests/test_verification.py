"""Verifying residence: by a one-time code, or in person by an official."""

from collections.abc import Callable

import pytest
from django.conf import settings
from django.test import Client

from veche.access.roles import Tier, tier_of
from veche.accounts import services
from veche.accounts.models import User, Verification, VerificationCode
from veche.accounts.tests.helpers import wait_for_fresh_window
from veche.accounts.verification.backends import LocmemBackend
from veche.core.errors import DomainError
from veche.core.models import AuditEntry
from veche.core.ratelimit import limit_for
from veche.municipalities.models import District, Municipality

VERIFY = "/accounts/verify/testgrad/"
STAFF_VERIFY = "/m/testgrad/staff/verify/"


def fresh_tier(user: User, municipality: Municipality) -> Tier:
    return tier_of(User.objects.get(pk=user.pk), municipality)


@pytest.fixture
def browser(
    client_for: Callable[[User | None], Client], resident: User, municipality: Municipality
) -> Client:
    return client_for(resident)


@pytest.fixture
def district(municipality: Municipality) -> District:
    return municipality.districts.get(slug="d2")


@pytest.fixture
def request_code(browser: Client, district: District, django_capture_on_commit_callbacks):
    """Ask for a code through the page; return the page's answer."""

    def ask(channel: str = "letter", district_pk: int | None = None):
        data = {
            "district": district_pk or district.pk,
            "channel": channel,
            "destination": "ул. Ленина, 1, кв. 2",
        }
        with django_capture_on_commit_callbacks(execute=True):
            return browser.post(VERIFY, data)

    return ask


def enter_code(browser: Client, code: str):
    return browser.post(VERIFY, {"code": code})


def test_a_code_requested_on_the_page_is_sent_and_only_its_hash_kept(
    request_code, resident: User, district: District
) -> None:
    response = request_code()

    assert response.status_code == 302
    assert response["Location"] == VERIFY
    [message] = LocmemBackend.outbox
    assert (message.recipient_id, message.municipality, message.channel) == (
        resident.pk,
        "testgrad",
        "letter",
    )
    assert message.destination == "ул. Ленина, 1, кв. 2"
    assert len(message.code) == 8 and message.code.isdigit()
    record = VerificationCode.objects.get(user=resident)
    assert record.district == district
    assert message.code not in record.code_hash
    assert fresh_tier(resident, district.municipality) == Tier.REGISTERED


@pytest.mark.parametrize(("channel", "provider"), [("letter", "code_letter"), ("sms", "code_sms")])
def test_the_right_code_makes_a_verified_resident(
    request_code, browser: Client, resident: User, district: District, channel: str, provider: str
) -> None:
    request_code(channel)

    response = enter_code(browser, LocmemBackend.outbox[-1].code)

    assert response.status_code == 302
    assert response["Location"] == "/m/testgrad/"
    verification = Verification.objects.get(user=resident)
    assert (verification.municipality, verification.district, verification.provider) == (
        district.municipality,
        district,
        provider,
    )
    assert verification.verified_by is None
    assert fresh_tier(resident, district.municipality) == Tier.VERIFIED
    assert "Вы — подтверждённый житель этого города." in browser.get(VERIFY).content.decode()


@pytest.mark.parametrize(
    ("wrong_tries", "verified"),
    [(settings.VERIFICATION_CODE_ATTEMPTS - 1, True), (settings.VERIFICATION_CODE_ATTEMPTS, False)],
)
def test_wrong_codes_are_counted_and_too_many_burn_the_code(
    request_code,
    browser: Client,
    resident: User,
    municipality: Municipality,
    wrong_tries: int,
    verified: bool,
) -> None:
    assert settings.VERIFICATION_CODE_ATTEMPTS == 5
    request_code()
    code = LocmemBackend.outbox[-1].code
    wrong = f"{(int(code) + 1) % 10**8:08d}"

    for attempt in range(1, wrong_tries + 1):
        response = enter_code(browser, wrong)
        assert response.status_code == 400
        assert "Неверный код." in response.content.decode()
        assert VerificationCode.objects.get(user=resident).attempts == attempt
    response = enter_code(browser, code)

    if verified:
        assert response.status_code == 302
        assert fresh_tier(resident, municipality) == Tier.VERIFIED
    else:
        assert response.status_code == 400
        assert "Действующего кода нет. Запросите новый." in response.content.decode()
        assert fresh_tier(resident, municipality) == Tier.REGISTERED
        assert not Verification.objects.filter(user=resident).exists()


def test_a_code_for_one_municipality_does_not_verify_in_another(
    request_code, resident: User, other_municipality: Municipality, client_for
) -> None:
    request_code()
    code = LocmemBackend.outbox[-1].code

    response = client_for(resident).post("/accounts/verify/drugograd/", {"code": code})

    assert response.status_code == 400
    assert fresh_tier(resident, other_municipality) == Tier.REGISTERED


def test_a_district_of_another_municipality_is_refused_on_the_page(
    request_code, resident: User, other_municipality: Municipality
) -> None:
    response = request_code(district_pk=other_municipality.districts.first().pk)

    assert response.status_code == 400
    assert "district" in response.context["request_form"].errors
    assert LocmemBackend.outbox == []
    assert not VerificationCode.objects.filter(user=resident).exists()


def test_a_district_of_another_municipality_is_refused_by_the_service(
    resident: User, municipality: Municipality, other_municipality: Municipality
) -> None:
    with pytest.raises(DomainError) as caught:
        services.verification_code_request(
            user=resident,
            municipality=municipality,
            district=other_municipality.districts.first(),
            channel="letter",
            destination="somewhere",
        )

    assert set(caught.value.fields) == {"district"}
    assert not VerificationCode.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"channel": "pigeon"}, "channel"),
        ({"destination": ""}, "destination"),
        ({"destination": "x" * 301}, "destination"),
    ],
)
def test_a_code_request_needs_a_channel_and_a_destination(
    browser: Client, district: District, resident: User, overrides: dict[str, str], field: str
) -> None:
    data = {"district": district.pk, "channel": "letter", "destination": "ул. Ленина, 1", **overrides}

    response = browser.post(VERIFY, data)

    assert response.status_code == 400
    assert field in response.context["request_form"].errors
    assert not VerificationCode.objects.filter(user=resident).exists()


@pytest.fixture
def in_person_data(district: District) -> dict[str, str]:
    return {"username": "resident", "district": str(district.pk), "documents_seen": "on"}


def test_an_official_verifies_a_resident_in_person_and_it_is_audited(
    client_for, official: User, resident: User, district: District, in_person_data: dict[str, str]
) -> None:
    response = client_for(official).post(STAFF_VERIFY, in_person_data)

    assert response.status_code == 302
    verification = Verification.objects.get(user=resident)
    assert (verification.provider, verification.verified_by, verification.district) == (
        "in_person",
        official,
        district,
    )
    assert fresh_tier(resident, district.municipality) == Tier.VERIFIED
    [entry] = AuditEntry.objects.all()
    assert (entry.actor, entry.municipality, entry.action) == (
        official,
        district.municipality,
        "resident.verify",
    )
    assert (entry.target_type, entry.target_id) == ("accounts.user", str(resident.pk))
    assert entry.details == {"district": "d2"}


@pytest.mark.parametrize("who", ["resident", "verified_resident", "moderator"])
def test_only_officials_reach_the_in_person_verification(
    request: pytest.FixtureRequest, client_for, who: str, resident: User, in_person_data: dict[str, str]
) -> None:
    client = client_for(request.getfixturevalue(who))

    assert client.get(STAFF_VERIFY).status_code == 404
    assert client.post(STAFF_VERIFY, in_person_data).status_code == 404
    assert not Verification.objects.filter(user=resident).exists()
    assert not AuditEntry.objects.exists()


def test_an_official_of_another_municipality_gets_404(
    make_user, other_municipality: Municipality, client_for, resident: User, in_person_data: dict[str, str]
) -> None:
    stranger = make_user("stranger", role="official", municipality=other_municipality)

    response = client_for(stranger).post(STAFF_VERIFY, in_person_data)

    assert response.status_code == 404
    assert not Verification.objects.filter(user=resident).exists()


def test_verifying_twice_is_a_form_error_not_a_crash(
    client_for, official: User, verified_resident: User, district: District, in_person_data: dict[str, str]
) -> None:
    response = client_for(official).post(STAFF_VERIFY, {**in_person_data, "username": "verified"})

    assert response.status_code == 400
    assert "Этот человек уже подтверждён как житель этого города." in response.content.decode()
    assert Verification.objects.filter(user=verified_resident).count() == 1
    assert not AuditEntry.objects.exists()


def test_the_in_person_service_refuses_a_district_of_another_municipality(
    official: User, resident: User, municipality: Municipality, other_municipality: Municipality
) -> None:
    with pytest.raises(DomainError) as caught:
        services.verification_in_person(
            official=official,
            resident=resident,
            municipality=municipality,
            district=other_municipality.districts.first(),
        )

    assert set(caught.value.fields) == {"district"}
    assert not Verification.objects.exists()


def test_too_many_code_requests_answer_429(request_code, resident: User) -> None:
    limit = limit_for("verification_code")
    wait_for_fresh_window(limit.seconds)

    for _ in range(limit.count):
        assert request_code().status_code == 302
    response = request_code()

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= limit.seconds
    assert len(LocmemBackend.outbox) == limit.count
    assert VerificationCode.objects.filter(user=resident).count() == limit.count
