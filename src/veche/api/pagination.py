"""How every API list pages: ninja's limit and offset, bounded so the databases can take them.

Ninja leaves `offset` unbounded (and `limit` too, unless NINJA_PAGINATION_MAX_LIMIT is set); an offset
of 2**63 overflowed PostgreSQL's bigint and SQLite's integer and answered 500. A value past the
bounds is a 422 naming the field, as a negative one is; a limit above MAX_LIMIT is served as
MAX_LIMIT rows, so no request reads a whole table at once.
"""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

MAX_OFFSET = 1_000_000_000
MAX_LIMIT = 500
DEFAULT_LIMIT = 100


class ListPagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(
            DEFAULT_LIMIT, ge=1, le=MAX_OFFSET, description=f"At most {MAX_LIMIT} items are served."
        )
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def __init__(
        self,
        max_limit: int = MAX_LIMIT,
        then: Callable[[list[Any], HttpRequest], list[Any]] | None = None,
        **kwargs: Any,
    ) -> None:
        """`then`, if given, receives the page's items (a list) and the request and gives back the
        items to serve: what a page needs beyond its rows is read there for the page at once."""
        super().__init__(max_limit=max_limit, **kwargs)
        self.then = then

    def paginate_queryset(self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any) -> Any:
        page = super().paginate_queryset(queryset, pagination, request, **params)
        if self.then is not None:
            page[self.items_attribute] = self.then(list(page[self.items_attribute]), request)
        return page
