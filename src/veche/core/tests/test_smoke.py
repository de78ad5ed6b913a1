"""The main pages render for anonymous visitors and signed-in people."""

import pytest


@pytest.mark.django_db
def test_home_lists_municipalities(client, municipality):
    response = client.get("/")
    assert response.status_code == 200
    assert "Тестоград" in response.content.decode()


@pytest.mark.django_db
def test_municipality_page_in_english(client, municipality):
    response = client.get("/m/testgrad/", headers={"accept-language": "en"})
    assert response.status_code == 200
    assert "Testgrad" in response.content.decode()
