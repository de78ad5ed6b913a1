"""The municipal admin's Open311 pages: keys shown once, revoked; service definitions edited."""

import pytest

from veche.core.models import AuditEntry
from veche.open311.models import ApiKey, ServiceAttribute
from veche.open311.tests.helpers import valid_fields

pytestmark = pytest.mark.django_db

HOME = "/m/testgrad/staff/open311/"


@pytest.fixture
def outsiders(make_user, municipality, other_municipality, moderator, official, resident, verified_resident):
    return {
        "resident": resident,
        "verified": verified_resident,
        "moderator": moderator,
        "official": official,
        "other-admin": make_user("otheradmin", role="admin", municipality=other_municipality),
    }


def test_an_admin_creates_a_key_that_is_shown_once(client_for, municipal_admin, post, definition):
    client = client_for(municipal_admin)
    assert client.get(HOME).status_code == 200
    response = client.post(HOME, {"name": "City app"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    secret = response.context["new_key"]
    assert secret in response.content.decode()
    api_key = ApiKey.objects.get()
    assert (api_key.name, api_key.created_by, api_key.municipality.slug) == (
        "City app",
        municipal_admin,
        "testgrad",
    )
    assert secret not in client.get(HOME).content.decode()  # never again
    assert AuditEntry.objects.get(action="open311.key.create").actor == municipal_admin
    assert post(valid_fields(secret)).status_code == 200

    response = client.post(f"{HOME}keys/{api_key.pk}/revoke/")
    assert response.status_code == 302
    api_key.refresh_from_db()
    assert api_key.revoked_at is not None
    assert post(valid_fields(secret)).status_code == 403


def test_a_key_needs_a_name(client_for, municipal_admin):
    response = client_for(municipal_admin).post(HOME, {"name": ""})
    assert response.status_code == 400
    assert not ApiKey.objects.exists()


def test_an_admin_edits_a_service_definition(client_for, municipal_admin, lights, client):
    admin = client_for(municipal_admin)
    page = f"{HOME}services/light/"
    assert admin.get(page).status_code == 200
    response = admin.post(
        page,
        {
            "code": "kind",
            "description": "What kind of lamp",
            "datatype": "singlevaluelist",
            "order": 1,
            "variable": "on",
            "required": "on",
            "values": "led = LED\nsodium = Sodium",
        },
    )
    assert response.status_code == 302
    attribute = ServiceAttribute.objects.get()
    assert attribute.values == [{"key": "led", "name": "LED"}, {"key": "sodium", "name": "Sodium"}]
    assert attribute.required
    definition = client.get("/open311/v2/services/light.json").json()
    assert definition["attributes"][0]["code"] == "kind"

    response = admin.post(
        f"{page}{attribute.pk}/",
        {
            "code": "kind",
            "description": "Which lamp",
            "datatype": "string",
            "order": 2,
            "variable": "on",
        },
    )
    assert response.status_code == 302
    attribute.refresh_from_db()
    assert (attribute.description, attribute.datatype, attribute.values, attribute.required) == (
        "Which lamp",
        "string",
        [],
        False,
    )
    assert admin.post(f"{page}{attribute.pk}/delete/").status_code == 302
    assert not ServiceAttribute.objects.exists()
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert actions == {"open311.attribute.create", "open311.attribute.update", "open311.attribute.delete"}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"code": "has space"}, "code"),
        ({"datatype": "singlevaluelist", "values": ""}, "values"),
        ({"datatype": "singlevaluelist", "values": "a = A\na = again"}, "values"),
        ({"datatype": "singlevaluelist", "values": "no equals sign"}, "values"),
    ],
)
def test_a_wrong_attribute_is_refused_on_the_form(client_for, municipal_admin, lights, fields, field):
    data = {
        "code": "kind",
        "description": "Kind",
        "datatype": "string",
        "order": 1,
        "variable": "on",
        **fields,
    }
    response = client_for(municipal_admin).post(f"{HOME}services/light/", data)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not ServiceAttribute.objects.exists()


def test_two_attributes_may_not_share_a_code(client_for, municipal_admin, definition):
    data = {"code": "height", "description": "Again", "datatype": "string", "order": 9, "variable": "on"}
    response = client_for(municipal_admin).post(f"{HOME}services/light/", data)
    assert response.status_code == 400
    assert ServiceAttribute.objects.filter(code="height").count() == 1


@pytest.mark.parametrize("who", ["resident", "verified", "moderator", "official", "other-admin"])
def test_everyone_else_gets_404(who, outsiders, client_for, municipality, lights, definition, key):
    client = client_for(outsiders[who])
    attribute = definition[0]
    assert client.get(HOME).status_code == 404
    assert client.post(HOME, {"name": "Mine"}).status_code == 404
    assert client.post(f"{HOME}keys/{key[0].pk}/revoke/").status_code == 404
    assert client.get(f"{HOME}services/light/").status_code == 404
    assert client.post(f"{HOME}services/light/{attribute.pk}/delete/").status_code == 404
    assert ApiKey.objects.count() == 1 and ApiKey.objects.get().revoked_at is None
    assert ServiceAttribute.objects.count() == len(definition)
    assert not AuditEntry.objects.exclude(action="open311.key.create").exists()


def test_anonymous_visitors_are_sent_to_log_in(client, municipality):
    response = client.get(HOME)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_platform_admin_may_use_them_and_the_staff_home_links_them(
    client_for, platform_admin, municipal_admin
):
    assert client_for(platform_admin).get(HOME).status_code == 200
    assert HOME.encode() in client_for(municipal_admin).get("/m/testgrad/staff/").content


def test_another_municipalitys_key_cannot_be_revoked_here(client_for, municipal_admin, other_municipality):
    from veche.open311.services import api_key_create

    foreign, _secret = api_key_create(actor=None, municipality=other_municipality, name="Theirs")
    assert client_for(municipal_admin).post(f"{HOME}keys/{foreign.pk}/revoke/").status_code == 404
    foreign.refresh_from_db()
    assert foreign.revoked_at is None
