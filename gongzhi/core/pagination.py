"""A paginator for lists that can grow without bound, such as a community's cases."""

from functools import cached_property

from django.core.paginator import Paginator
from django.db.models import QuerySet


class CappedPaginator(Paginator):
    """Counts at most `cap` rows; past that, `more` is true and the first cap rows page.

    Counting all 90,000 cases of a large community on every load of the worker's list read
    the whole index (7-10 ms on PostgreSQL, more than the rest of the queries together).
    Nobody pages that far: they filter. The page then says "more than 10,000".
    """

    cap = 10_000
    object_list: QuerySet  # a queryset, not any sequence: it is counted in the database

    @cached_property
    def _capped_count(self) -> int:
        # COUNT over a LIMIT subquery, unordered: it stops reading at cap + 1 rows.
        return self.object_list.order_by()[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._capped_count, self.cap)

    @property
    def more(self) -> bool:
        return self._capped_count > self.cap
