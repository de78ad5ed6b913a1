"""Discovery, the service list and service definitions, in XML and JSON; jurisdictions."""

import pytest

from veche.municipalities.models import Category
from veche.open311.tests.helpers import BASE, as_json, errors, parse

pytestmark = pytest.mark.django_db


def test_discovery_names_the_endpoint_and_both_formats(client):
    root = parse(client.get(f"{BASE}/discovery.xml"))
    assert root.tag == "discovery"
    assert [child.tag for child in root] == ["changeset", "contact", "key_service", "endpoints"]
    endpoint = root.find("endpoints/endpoint")
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint.findtext("url").endswith("/open311/v2")
    assert endpoint.findtext("type") == "production"
    assert [f.text for f in endpoint.findall("formats/format")] == ["text/xml", "application/json"]

    document = as_json(client.get(f"{BASE}/discovery.json"))
    assert document["endpoints"][0]["formats"] == ["text/xml", "application/json"]
    assert document["changeset"] == root.findtext("changeset")


def test_services_list_each_active_category(client, municipality, lights, definition):
    Category.objects.create(
        municipality=municipality,
        department=municipality.departments.first(),
        slug="gone",
        name="Старое",
        is_active=False,
    )
    root = parse(client.get(f"{BASE}/services.xml"))
    assert root.tag == "services"
    services = {s.findtext("service_code"): s for s in root.findall("service")}
    assert set(services) == {"pothole", "light"}
    light = services["light"]
    assert [child.tag for child in light] == [
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    ]
    assert light.findtext("metadata") == "true"
    assert services["pothole"].findtext("metadata") == "false"
    assert light.findtext("type") == "realtime"
    assert light.findtext("group") == "Дороги"
    assert "Street light" in light.findtext("keywords")

    document = as_json(client.get(f"{BASE}/services.json", HTTP_ACCEPT_LANGUAGE="en"))
    assert isinstance(document, list)
    light_json = next(s for s in document if s["service_code"] == "light")
    assert light_json["metadata"] is True and light_json["service_name"] == "Street light"
    assert light_json["group"] == "Roads"


def test_a_service_definition_in_both_formats(client, definition):
    root = parse(client.get(f"{BASE}/services/light.xml"))
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "light"
    attributes = root.findall("attributes/attribute")
    assert [a.findtext("code") for a in attributes] == ["height", "place", "issues", "notice"]
    height = attributes[0]
    assert [child.tag for child in height] == [
        "variable",
        "code",
        "datatype",
        "required",
        "datatype_description",
        "order",
        "description",
        "values",
    ]
    assert (height.findtext("datatype"), height.findtext("required"), height.findtext("order")) == (
        "number",
        "true",
        "1",
    )
    assert [(v.findtext("key"), v.findtext("name")) for v in attributes[1].findall("values/value")] == [
        ("road", "Road"),
        ("yard", "Yard"),
    ]
    assert attributes[3].findtext("variable") == "false"

    document = as_json(client.get(f"{BASE}/services/light.json"))
    assert document["service_code"] == "light"
    place = document["attributes"][1]
    assert place["datatype"] == "singlevaluelist" and place["required"] is False and place["order"] == 2
    assert place["values"] == [{"key": "road", "name": "Road"}, {"key": "yard", "name": "Yard"}]
    assert document["attributes"][0]["datatype_description"] is None


def test_an_unknown_service_is_404_in_open311_form(client, municipality):
    response = client.get(f"{BASE}/services/unicorns.xml")
    assert response.status_code == 404
    assert errors(response) == [("404", "service_code 'unicorns' was not found.")]
    response = client.get(f"{BASE}/services/unicorns.json")
    assert response.status_code == 404
    assert as_json(response) == [{"code": 404, "description": "service_code 'unicorns' was not found."}]


def test_jurisdiction_is_needed_once_there_are_two(client, municipality, other_municipality):
    response = client.get(f"{BASE}/services.xml")
    assert response.status_code == 400
    assert "jurisdiction_id was not provided" in errors(response)[0][1]
    assert client.get(f"{BASE}/services.xml?jurisdiction_id=testgrad").status_code == 200
    root = parse(client.get(f"{BASE}/services.xml?jurisdiction_id=drugograd"))
    assert [s.findtext("service_code") for s in root.findall("service")] == ["pothole"]
    response = client.get(f"{BASE}/services.json?jurisdiction_id=atlantis")
    assert response.status_code == 404
    assert as_json(response)[0]["description"] == "jurisdiction_id 'atlantis' was not found."


def test_an_empty_jurisdiction_is_the_same_as_none(client, municipality):
    assert client.get(f"{BASE}/services.xml?jurisdiction_id=").status_code == 200
    municipality.is_active = False
    municipality.save()
    assert client.get(f"{BASE}/services.xml?jurisdiction_id=testgrad").status_code == 404


def test_unknown_resources_and_formats_answer_in_open311_form(client, municipality):
    response = client.get(f"{BASE}/services.html")
    assert response.status_code == 404
    assert errors(response)[0][0] == "404"
    response = client.get(f"{BASE}/nothing.json")
    assert response.status_code == 404 and as_json(response)[0]["code"] == 404
    # A newline in the path (found by the fuzzer: a service code with %0A and %2F in it).
    response = client.get(f"{BASE}/services/%5B%0A%2Fx.json")
    assert response.status_code == 404 and response["Content-Type"].startswith("application/json")
    response = client.post(f"{BASE}/services.xml")
    assert response.status_code == 400
    assert errors(response)[0][1] == "POST is not supported here; use GET."


def test_the_changeset_moves_when_a_definition_changes(client, lights):
    from veche.open311.services import service_attribute_save

    before = as_json(client.get(f"{BASE}/discovery.json"))["changeset"]
    service_attribute_save(actor=None, category=lights, code="x", datatype="string", order=1, description="X")
    after = as_json(client.get(f"{BASE}/discovery.json"))["changeset"]
    assert after > before
