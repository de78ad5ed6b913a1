"""Paging of lists that may hold millions of rows, without counting them all on every page."""

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

# Counting 10,000 rows took PostgreSQL 10-30 ms a page on a million reports (half the time a page may
# take); 1,000 take a few, and "more than 1,000" tells a reader as much.
DEFAULT_CAP = 1_000


class CappedPaginator(Paginator):  # type: ignore[type-arg]
    """A Paginator whose count stops at `cap`: one `COUNT(*)` over at most `cap` + 1 rows.

    Counting a public list of a million reports on every page costs more than the page itself; past
    the cap the page says "more than 1000" and the pager stops at the cap (nobody pages through a
    thousand reports; they filter). Below the cap it is an ordinary Paginator.
    """

    def __init__(self, object_list: Any, per_page: int, *, cap: int | None = None, **kwargs: Any) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.cap = DEFAULT_CAP if cap is None else cap

    @cached_property
    def _counted(self) -> int:
        """Rows up to cap + 1: for a QuerySet, one COUNT over a LIMITed subquery. The subquery drops
        the ordering, which would make the database walk the rows in order instead of by the
        cheapest index for the filters."""
        if isinstance(self.object_list, QuerySet):
            # Ids only: the joins of select_related and the other columns would keep the database
            # from counting in an index.
            return self.object_list.order_by().values("pk")[: self.cap + 1].count()
        return len(self.object_list[: self.cap + 1])

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @property
    def capped(self) -> bool:
        """Whether more rows exist than `count` says."""
        return self._counted > self.cap

    def page(self, number: Any) -> Page:  # type: ignore[type-arg]
        """The page, found by its ids first: the database walks the ordering index past the earlier
        pages reading ids only, then fetches (and joins) just this page's rows, instead of joining
        every skipped row."""
        if not isinstance(self.object_list, QuerySet):
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count  # as Paginator.page: the last page ends at the (capped) count
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in self.object_list.order_by().filter(pk__in=ids)}
        return Page([rows[pk] for pk in ids if pk in rows], number, self)
