"""Mask what identifies people in free text: e-mail addresses, phone numbers and names.

Verbatim comments are published only for groups at or above the comment threshold, but a
comment can still name someone ("Dr. Patel never listens", "call me at 612-555-0199").
Before a comment is stored in a release, shown or exported, :func:`mask_identifiers`
replaces:

- e-mail addresses (``local@domain.tld``) with ``[e-mail removed]``;
- telephone numbers — North American numbers with or without country code, area code in
  parentheses, separators ``-``, ``.``, space, and an extension; seven-digit local numbers
  written with a separator; international numbers written ``+CC`` followed by 6–14 digits —
  with ``[phone removed]``;
- personal names, with ``[name removed]``: a full name from ``names`` (the organization's
  roster and staff) in any case; any part of such a name (at least two letters) written as
  a name is written — capitalised ("Patel", "Anne-Marie") or in capitals ("PATEL"); and
  any capitalised word after a title (Dr, Doctor, Mr, Mrs, Ms, Mx, Miss, Prof, Nurse,
  Sister).

Masking errs towards removing too much: a roster surname that is also a common word
("Hope", "Young") is masked wherever it starts with a capital letter, including at the
start of a sentence. Name parts in lower case are left alone, so that "one" stays when
someone on the roster is called "One". Numbers that are not written like phone numbers
(counts, hours, years) are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

EMAIL_MASK = "[e-mail removed]"
PHONE_MASK = "[phone removed]"
NAME_MASK = "[name removed]"

_EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_PHONE = re.compile(
    r"""
    (?<![\w+])                                   # not inside a longer number or word
    (?:
        \+\d{1,3}[\s.-]?(?:\(?\d{1,4}\)?[\s.-]?){1,4}\d{2,4}    # international, +CC ...
      | (?:1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]\d{4}         # (612) 555-0199, 612.555.0199
      | (?:1[\s.-]?)?\d{10}                                     # 6125550199
      | \d{3}[.-]\d{4}                                          # 555-0199
    )
    (?:\s*(?:x|ext\.?|extension)\s*\d{1,6})?                   # extension
    (?![\w])
    """,
    re.VERBOSE | re.IGNORECASE,
)
_TITLED = re.compile(
    r"\b(?:Dr|Doctor|Mr|Mrs|Ms|Mx|Miss|Prof|Professor|Nurse|Sister)\.?\s+"
    r"[A-Z][A-Za-z'’-]+(?:\s+[A-Z][A-Za-z'’-]+)?"
)


_MASKS = re.compile("(" + "|".join(re.escape(m) for m in (EMAIL_MASK, PHONE_MASK, NAME_MASK)) + ")")


def _capitalised(word: str) -> str:
    return "-".join(piece[:1].upper() + piece[1:].lower() for piece in word.split("-"))


def _name_parts(names: Iterable[str]) -> tuple[frozenset[str], frozenset[str]]:
    """(full names as word tuples joined by spaces, casefolded; name parts as they may be
    written in text: as on the roster, Capitalised, and in CAPITALS)."""
    full: set[str] = set()
    parts: set[str] = set()
    for name in names:
        words = [w.strip(".'’-") for w in re.split(r"[\s,]+", name or "") if w.strip(".'’-")]
        if len(words) > 1:
            full.add(" ".join(words).casefold())
        for word in words:
            # "Anne-Marie" masks "Anne-Marie", "Anne" and "Marie".
            for part in (word, *word.split("-")):
                part = part.strip(".'’-")
                if len(part) >= 2 and any(ch.isalpha() for ch in part):
                    parts.update((part, _capitalised(part), part.upper()))
    return frozenset(full), frozenset(parts)


def _alternatives(patterns: Iterable[str]) -> str:
    # Longest first, so "Anne-Marie" is masked whole before "Anne".
    return "|".join(sorted(patterns, key=len, reverse=True))


@lru_cache(maxsize=32)
def _name_pattern(full: frozenset[str], parts: frozenset[str]) -> re.Pattern[str] | None:
    if not full and not parts:
        return None
    branches = []
    if full:
        names = (r"\s+".join(re.escape(w) for w in name.split(" ")) for name in full)
        branches.append(f"(?i:{_alternatives(names)})")
    if parts:
        branches.append(_alternatives(re.escape(p) for p in parts))
    return re.compile(rf"(?<![\w'’-])(?:{'|'.join(branches)})(?![\w'’-])")


class NameMasker:
    """Masks identifiers in many texts with one compiled pattern of ``names``."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        self._names = _name_pattern(*_name_parts(names))

    def __call__(self, text: str) -> str:
        return mask_identifiers(text, self._names)


def mask_identifiers(text: str, names: re.Pattern[str] | Iterable[str] | None = None) -> str:
    """``text`` with e-mail addresses, phone numbers and names masked (see module doc)."""
    masked = _EMAIL.sub(EMAIL_MASK, text)
    masked = _PHONE.sub(PHONE_MASK, masked)
    masked = _TITLED.sub(NAME_MASK, masked)
    pattern = names if isinstance(names, re.Pattern) or names is None else None
    if names is not None and pattern is None:
        pattern = _name_pattern(*_name_parts(names))  # type: ignore[arg-type]
    if pattern is None:
        return masked
    # Names are matched outside the masks already placed ("[name removed]" stays as it is
    # even if someone on the roster is called Name).
    pieces = _MASKS.split(masked)
    return "".join(p if i % 2 else pattern.sub(NAME_MASK, p) for i, p in enumerate(pieces))
