"""Limit/offset pagination of the list endpoints: Django Ninja's ``LimitOffsetPagination``.

Used as ``@paginate(Pagination)`` under each list operation. The page size is pinned here,
not in settings: ``limit`` defaults to :data:`DEFAULT_LIMIT` and a larger ``limit`` than
:data:`MAX_LIMIT` is clamped to it (Ninja's ``min(limit, max_limit)``); ``limit`` below 1 or
a negative ``offset`` is a 422. A paginated body is ``{"items": [...], "count": N}`` where
``count`` is the number of items the caller may see in total (after scoping and filters).

The endpoints return their full, tenant-scoped, ordered list and the paginator slices it,
so a page holds exactly the items the unpaginated list held at those positions.
"""

from __future__ import annotations

from typing import Any

from ninja import Field
from ninja.pagination import LimitOffsetPagination

DEFAULT_LIMIT = 100
"""Items per page when ``limit`` is not given."""
MAX_LIMIT = 1000
"""Largest page; a larger ``limit`` is clamped to it."""


class Pagination(LimitOffsetPagination):
    """``LimitOffsetPagination`` with this API's default and maximum page size."""

    class Input(LimitOffsetPagination.Input):
        limit: int = Field(
            DEFAULT_LIMIT,
            ge=1,
            description=(
                f"Items per page (default {DEFAULT_LIMIT}); "
                f"a larger value than {MAX_LIMIT} is clamped to {MAX_LIMIT}."
            ),
        )
        offset: int = Field(0, ge=0, description="Number of items to skip (default 0).")

    def __init__(self, max_limit: int = MAX_LIMIT, **kwargs: Any) -> None:
        super().__init__(max_limit=max_limit, **kwargs)
