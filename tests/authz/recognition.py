"""Recognition's rows of the authorization matrix (`test_matrix.ROUTES`): badges and the public board
for everyone, of active municipalities; a person's own points and consent for those signed in; the
point rules for municipal and platform admins only (like every set-up page)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from veche.recognition.models import POINTED, BoardConsent, PointRule

if TYPE_CHECKING:
    from tests.authz.test_matrix import Case

# Anyone but a platform admin gets 404 for a deactivated municipality.
CLOSED = (404, 404, 404, 404, 404, 404, 404, 200)
SETUP = ("login", 404, 404, 404, 404, 200, 404, 200)
SETUP_POST = ("login", 404, 404, 404, 404, 302, 404, 302)
RULES = {
    **{f"{action}_points": "2" for action in POINTED},
    **{f"{action}_daily_limit": "5" for action in POINTED},
    **{f"{action}_active": "on" for action in POINTED},
}


def _vote_points(w: Any) -> Any:
    return (
        PointRule.objects.filter(municipality=w.municipality, action="vote_cast")
        .values_list("points", flat=True)
        .first()
    )


def recognition_routes(case: type[Case], every: Any, signed_in: Any, api_signed_in: Any) -> dict[str, Case]:
    return {
        "recognition:badges": case("/m/{slug}/badges/", every(200)),
        "recognition:badges#closed": case("/m/zakryt/badges/", CLOSED),
        "recognition:badge": case("/m/{slug}/badges/first-fix/", every(200)),
        "recognition:badge#unknown": case("/m/{slug}/badges/nonsense/", every(404)),
        "recognition:points": case("/m/{slug}/badges/points/", signed_in(200)),
        "recognition:consent": case(
            "/m/{slug}/badges/board/consent/",
            signed_in(302),
            "POST",
            data={"shown": "on"},
            state=lambda w: BoardConsent.objects.count(),
        ),
        "recognition:consent#closed": case(
            "/m/zakryt/badges/board/consent/",
            signed_in(404)[:-1] + (302,),
            "POST",
            data={"shown": "on"},
            state=lambda w: BoardConsent.objects.count(),
        ),
        "recognition_staff:rules": case("/m/{slug}/staff/recognition/", SETUP),
        "recognition_staff:rules#post": case(
            "/m/{slug}/staff/recognition/", SETUP_POST, "POST", data=RULES, state=_vote_points
        ),
        # Another municipality's rules: its own admin's.
        "recognition_staff:rules#other-municipality": case(
            "/m/{other_slug}/staff/recognition/", ("login", 404, 404, 404, 404, 404, 200, 200)
        ),
        "staff_list#badges": case("/m/{slug}/staff/badges/", SETUP),
        "api:municipality_badges": case("/api/v1/municipalities/{slug}/badges", every(200), api=True),
        "api:municipality_badges#closed": case("/api/v1/municipalities/zakryt/badges", CLOSED, api=True),
        "api:my_badges": case("/api/v1/me/badges", api_signed_in(200), api=True),
        "api:my_points": case("/api/v1/me/points", api_signed_in(200), api=True),
    }
