"""The reports list's "Only mine": a signed-in person's own reports, those awaiting moderation too; for
anyone signed out it is not offered and is ignored."""

LIST = "/m/testgrad/reports/"


def test_only_mine_leaves_out_other_peoples_reports(client_for, routed, submit, resident, author):
    routed(resident, description="My street light is out")
    submit(resident, description="My bench awaits moderation")
    routed(author, description="Their street light is out")

    mine = client_for(resident).get(LIST, {"mine": "on"}).content.decode()
    everyone = client_for(resident).get(LIST).content.decode()

    assert "My street light is out" in mine and "My bench awaits moderation" in mine
    assert "Their street light is out" not in mine
    assert "Their street light is out" in everyone and "My bench awaits moderation" not in everyone
    assert "Только мои" in everyone


def test_only_mine_signed_out_is_ignored(client, routed, author):
    routed(author, description="Their street light is out")

    response = client.get(LIST, {"mine": "1"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Their street light is out" in html and "Только мои" not in html
