"""Maintainers' notes in a reader's words.

The data files say plainly what their sources could not confirm ("NOT CONFIRMED", "was not
retrieved", the file name of a source document), for the people who maintain them. A page,
PDF or export says the same in a reader's words ("we could not verify this"), and names a
source document by its title only. :func:`for_readers` does the rewording; the web app
applies it wherever knowledge-base or instrument text is shown.
"""

from __future__ import annotations

import re

# (pattern, replacement), applied in order; the patterns are case-sensitive on purpose:
# "NOT CONFIRMED" in capitals is the maintainers' marker.
_REWORDINGS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\(NOT CONFIRMED\)"), "(we could not verify this)"),
    (re.compile(r"\b(?:is|are) NOT CONFIRMED\b"), "could not be verified"),
    (re.compile(r"\b(?:was|were) NOT CONFIRMED\b"), "could not be verified"),
    (re.compile(r"\bNOT CONFIRMED\b"), "not verified"),
    (re.compile(r"\bUNCONFIRMED\b"), "not verified"),
    (re.compile(r"\b(?:was|were) not retrieved\b"), "could not be obtained"),
    (re.compile(r"\bnot retrieved\b"), "not obtained"),
    (re.compile(r"\bour notes\b"), "our sources"),
    (re.compile(r"\bseed:\s*[\w.-]+"), "a source document"),
    (re.compile(r"\b\d{3}_[0-9a-f]{16}\.txt\b"), "a source document"),
    (
        re.compile(
            r"\b(?:reference/)?(?:aesthetics|ehr_metrics|instruments|platform_anchors|programs)\.md\b"
        ),
        "our cited sources",
    ),
    (re.compile(r"\s*\(seed\)"), ""),
)


def for_readers(text: str) -> str:
    """``text`` with maintainers' markers said in a reader's words.

    >>> for_readers("The effect on burnout is NOT CONFIRMED.")
    'The effect on burnout could not be verified.'
    >>> for_readers("The AMA's own 2024 survey PDF was not retrieved.")
    "The AMA's own 2024 survey PDF could not be obtained."
    """
    for pattern, replacement in _REWORDINGS:
        text = pattern.sub(replacement, text)
    return text
