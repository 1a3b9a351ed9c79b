"""Search comments by words and phrases.

A query is a list of terms: bare words and "quoted phrases". A comment matches when every term
occurs in it, ignoring case and accents, each term starting at a word boundary (so "staff"
finds "staffing" and "short-staffed" does not need the hyphen, but "taff" finds nothing).
Search the texts as the page shows them — after masking names, phone numbers and e-mail
addresses — so that a search cannot reveal what the mask hides.
"""

from __future__ import annotations

import re
import shlex
import unicodedata
from collections.abc import Sequence


def _fold(text: str) -> str:
    """Case- and accent-folded text with one position per input character."""
    out = []
    for ch in text:
        base = unicodedata.normalize("NFKD", ch.casefold())
        base = "".join(c for c in base if not unicodedata.combining(c))
        out.append(base[:1] if base else ch)
    return "".join(out)


def _terms(query: str) -> list[re.Pattern[str]]:
    try:
        parts = shlex.split(query)
    except ValueError:  # an unbalanced quote: take the words as they are
        parts = query.replace('"', " ").split()
    patterns = []
    for part in parts:
        words = re.findall(r"[^\W_]+", _fold(part))
        if words:
            # Words of a phrase may be separated by any punctuation or spacing.
            body = r"[\W_]+".join(re.escape(w) for w in words)
            patterns.append(re.compile(r"(?<![^\W_])" + body))
    return patterns


def matches(text: str, query: str) -> list[tuple[int, int]]:
    """Character spans of ``text`` matching the query's terms (for highlighting), sorted;
    empty when some term does not occur (or the query has no words)."""
    patterns = _terms(query)
    folded = _fold(text)
    spans: list[tuple[int, int]] = []
    for pattern in patterns:
        found = [m.span() for m in pattern.finditer(folded)]
        if not found:
            return []
        spans.extend(found)
    return sorted(spans)


def search(texts: Sequence[str], query: str) -> list[int]:
    """Positions of the texts that contain every term of ``query``, in input order.

    An empty query (no words) matches every text.
    """
    patterns = _terms(query)
    if not patterns:
        return list(range(len(texts)))
    hits = []
    for i, text in enumerate(texts):
        folded = _fold(text)
        if all(p.search(folded) for p in patterns):
            hits.append(i)
    return hits
