"""The overview page reads results and plans: the results fixtures are reused here."""

from __future__ import annotations

from tests.web.results.conftest import waves

__all__ = ["waves"]
