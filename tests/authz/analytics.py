"""The analytics pages' and API's rows of the authorization matrix (`test_matrix.ROUTES`): public
reads for everyone, of active municipalities; a deactivated one (the world's "zakryt") is seen only by
platform admins, as everywhere."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.authz.test_matrix import Case

# Anyone but a platform admin gets 404 for a deactivated municipality.
CLOSED = (404, 404, 404, 404, 404, 404, 404, 200)


def analytics_routes(case: type[Case], every: Any) -> dict[str, Case]:
    api = "/api/v1/analytics"
    return {
        "analytics:comparison": case("/analytics/", every(200)),
        "analytics:comparison#bad-period": case("/analytics/?period=2025-13", every(400)),
        "analytics:dashboard": case("/analytics/{slug}/", every(200)),
        "analytics:dashboard#closed": case("/analytics/zakryt/", CLOSED),
        "analytics:dashboard#bad-period": case("/analytics/{slug}/?period=soon", every(400)),
        "analytics:network": case("/analytics/{slug}/network/", every(200)),
        "analytics:network#closed": case("/analytics/zakryt/network/", CLOSED),
        "analytics:chart_csv": case("/analytics/{slug}/votes.csv?period=2025", every(200)),
        "analytics:chart_csv#network": case("/analytics/{slug}/network.csv", every(200)),
        "analytics:chart_csv#closed": case("/analytics/zakryt/votes.csv", CLOSED),
        "analytics:chart_csv#unknown-chart": case("/analytics/{slug}/nothing.csv", every(404)),
        "api:analytics_classification": case(f"{api}/classification", every(200), api=True),
        "api:analytics_classification#bad-period": case(
            f"{api}/classification?period=x", every(400), api=True
        ),
        "api:analytics_indicators": case(f"{api}/municipalities/{{slug}}/indicators", every(200), api=True),
        "api:analytics_indicators#closed": case(f"{api}/municipalities/zakryt/indicators", CLOSED, api=True),
        "api:analytics_network": case(f"{api}/municipalities/{{slug}}/network", every(200), api=True),
        "api:analytics_network#unknown": case(f"{api}/municipalities/nowhere/network", every(404), api=True),
    }
