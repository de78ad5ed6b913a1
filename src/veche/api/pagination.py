"""How every API list pages: ninja's limit and offset, bounded so the databases can take them.

Ninja leaves `offset` unbounded (and `limit` too, unless NINJA_PAGINATION_MAX_LIMIT is set); an offset
of 2**63 overflowed PostgreSQL's bigint and SQLite's integer and answered 500. A value past the
bounds is a 422 naming the field, as a negative one is; a limit above MAX_LIMIT is served as
MAX_LIMIT rows, so no request reads a whole table at once.
"""

from typing import Any

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

    def __init__(self, max_limit: int = MAX_LIMIT, **kwargs: Any) -> None:
        super().__init__(max_limit=max_limit, **kwargs)
