"""Every API list pages through ListPagination: a limit above MAX_LIMIT is served as MAX_LIMIT rows
(the bounds the databases cannot take are refused with a 422: reports/tests/test_api.py)."""

from django.test import RequestFactory

from veche.api.pagination import MAX_LIMIT, ListPagination


def test_a_limit_above_the_most_a_page_holds_is_served_as_that_most() -> None:
    rows = list(range(MAX_LIMIT + 7))
    pagination = ListPagination()

    page = pagination.paginate_queryset(
        rows, ListPagination.Input(limit=10_000, offset=3), RequestFactory().get("/")
    )

    assert page["count"] == MAX_LIMIT + 7 and list(page["items"]) == rows[3 : 3 + MAX_LIMIT]
