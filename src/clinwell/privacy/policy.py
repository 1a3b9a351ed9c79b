"""Disclosure-control policy: minimum group sizes fixed when a wave launches."""

from __future__ import annotations

from dataclasses import dataclass


class PrivacyError(ValueError):
    """Base class of the privacy gate's errors; the message names the field at fault."""


class RequestError(PrivacyError):
    """A table request is malformed (unknown dimension, wrong length, reserved value...)."""


@dataclass(frozen=True)
class DisclosurePolicy:
    """Minimum group sizes: ``min_n_scores`` for numbers, ``min_n_comments`` for comments.

    A group is publishable when it has 0 or at least ``min_n`` members; the defaults (5 and 10)
    follow the product brief and the vendor practice summarized in the reference notes
    (platform_anchors.md §0, §3). They are fixed when a wave launches; a multi-wave table uses
    :meth:`strictest` of its waves' policies.
    """

    min_n_scores: int = 5
    min_n_comments: int = 10

    def __post_init__(self) -> None:
        for name in ("min_n_scores", "min_n_comments"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise PrivacyError(f"{name} must be a whole number of at least 1, got {value!r}")

    @classmethod
    def strictest(cls, *policies: DisclosurePolicy) -> DisclosurePolicy:
        """The policy that satisfies all ``policies`` (largest thresholds)."""
        if not policies:
            raise PrivacyError("strictest() needs at least one policy")
        return cls(max(p.min_n_scores for p in policies), max(p.min_n_comments for p in policies))
