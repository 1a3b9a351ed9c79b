"""Path parameters shared by the routers, constrained so bad values are a 422, not a 500."""

from __future__ import annotations

from typing import Annotated

from ninja import Path, Query

OrgSlug = Annotated[
    str,
    Path(
        description="The organization's slug, as in the web addresses /o/<slug>/.",
        pattern=r"^[-a-zA-Z0-9_]+$",
        max_length=60,
    ),
]
WaveId = Annotated[int, Path(description="A wave's id.", ge=1, le=2**63 - 1)]

CutValue = Annotated[
    str,
    Query(
        description="A code of the cut's dimension (e.g. physician, woman); empty = no cut.",
        pattern=r"^[-a-zA-Z0-9_]*$",
        max_length=60,
    ),
]
