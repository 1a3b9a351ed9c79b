"""The organization's configurable choice lists: roster roles and tenure bands.

Both are lists of ``{"key": ..., "label": ...}``. The key is what the roster, survey
invitations and responses store; the label is what people see (and imports also accept).
An administrator edits a list as text, one entry per line or comma-separated, each entry
``key: Label`` or just ``Label``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.apps import apps
from django.utils.text import slugify

from clinwell.web.orgs.models import Organization, Person

MAX_ENTRIES = 50
MAX_LABEL_LENGTH = 100
KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


@dataclass(frozen=True)
class ChoiceList:
    """One configurable list: its field on Organization, Person and the survey models."""

    field: str  # Organization attribute (and settings form field)
    person_field: str  # the column of Person / Invitation / Response holding the key
    singular: str  # "role", "tenure band"
    plural: str


ROSTER_ROLES = ChoiceList("roster_roles", "role", "role", "roles")
TENURE_BANDS = ChoiceList("tenure_bands", "tenure_band", "tenure band", "tenure bands")


class ChoiceListError(ValueError):
    """A list was refused; ``errors`` maps each refused list's field to its problems."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(m for messages in errors.values() for m in messages))


def max_key_length(kind: ChoiceList) -> int:
    length = getattr(Person._meta.get_field(kind.person_field), "max_length", None)
    assert isinstance(length, int)
    return length


def format_choices(choices: list[dict[str, str]]) -> str:
    """The text an administrator edits: one ``key: Label`` a line."""
    return "\n".join(f"{c['key']}: {c['label']}" for c in choices)


def _split_entries(text: str) -> list[str]:
    text = text.strip()
    if not text:
        return []
    separator = "\n" if "\n" in text else ","
    return [entry.strip() for entry in text.replace("\r\n", "\n").split(separator)]


def parse_choices(
    text: str, kind: ChoiceList, current: list[dict[str, str]] | None = None
) -> list[dict[str, str]]:
    """Parse the edited text into a choice list, or raise :class:`ChoiceListError`.

    An entry without a key keeps the key of the current entry it names (by key, keeping
    that entry's label; or by label), else gets one made from its label.
    """
    current = current or []
    by_key = {c["key"].lower(): c for c in current}
    by_label = {c["label"].lower(): c for c in current}
    problems: list[str] = []
    parsed: list[dict[str, str]] = []
    for number, entry in enumerate(_split_entries(text), start=1):
        if not entry:
            problems.append(f"Entry {number} is blank; remove it or fill it in.")
        elif ":" in entry:
            raw_key, label = (part.strip() for part in entry.split(":", 1))
            parsed.append({"key": raw_key.lower(), "label": label})
        elif entry.lower() in by_key:
            parsed.append(dict(by_key[entry.lower()]))
        elif entry.lower() in by_label:
            parsed.append({"key": by_label[entry.lower()]["key"], "label": entry})
        elif slugify(entry):
            parsed.append({"key": slugify(entry), "label": entry})
        else:
            problems.append(f"Entry {number} ('{entry}') needs a key: write it as 'key: {entry}'.")
    problems += check_choices(parsed, kind, blank_entries=bool(problems))
    if problems:
        raise ChoiceListError({kind.field: problems})
    return parsed


def check_choices(
    choices: list[dict[str, str]], kind: ChoiceList, *, blank_entries: bool = False
) -> list[str]:
    """What is wrong with a list of ``{"key", "label"}`` (nothing: an empty list)."""
    if not choices:
        return [] if blank_entries else [f"List at least one {kind.singular}."]
    problems: list[str] = []
    if len(choices) > MAX_ENTRIES:
        problems.append(f"At most {MAX_ENTRIES} {kind.plural}; this list has {len(choices)}.")
    key_limit = max_key_length(kind)
    for choice in choices:
        key, label = choice.get("key", ""), choice.get("label", "")
        if not KEY_PATTERN.match(key):
            problems.append(
                f"'{key}' is not a valid key: use lower-case letters, digits, '-' and '_' "
                f"(write an entry as 'key: Label')."
            )
        elif len(key) > key_limit:
            problems.append(f"The key '{key}' is longer than {key_limit} characters.")
        if not label.strip():
            problems.append(f"The key '{key}' has no label.")
        elif len(label) > MAX_LABEL_LENGTH or "\n" in label:
            problems.append(
                f"The label of '{key}' is longer than {MAX_LABEL_LENGTH} characters or spans lines."
            )
    problems += _duplicates(choices)
    return problems


def _duplicates(choices: list[dict[str, str]]) -> list[str]:
    """Keys and labels must be unique, case-insensitively, and no label may be another
    entry's key: imports accept either, so each must name exactly one entry."""
    problems: list[str] = []
    names: dict[str, int] = {}
    for index, choice in enumerate(choices):
        for name in {choice.get("key", "").lower(), choice.get("label", "").strip().lower()}:
            if name and name in names and names[name] != index:
                problems.append(f"'{name}' appears more than once (case does not matter).")
            names.setdefault(name, index)
    return sorted(set(problems), key=problems.index)


def usage_counts(organization: Organization, kind: ChoiceList, key: str) -> dict[str, int]:
    """How many roster people and survey invitations hold ``key``, and in how many waves
    survey responses hold it.

    The surveys app answers for its records (``SurveysConfig.records_holding``) — looked up
    by app label, so this lower layer does not import it. Responses are sealed, so only the
    number of waves whose responses hold the key is given, never a count of responses.
    """
    column = kind.person_field
    people = Person.objects.filter(organization=organization, **{column: key})
    counts = {"people": people.count(), "inactive people": people.filter(active=False).count()}
    try:
        surveys = apps.get_app_config("surveys")
    except LookupError:  # the surveys app is not installed
        return counts
    counts.update(surveys.records_holding(organization, column, key))  # type: ignore[attr-defined]
    return counts


def removal_problems(
    organization: Organization, kind: ChoiceList, new: list[dict[str, str]]
) -> list[str]:
    """A message for each current entry that ``new`` drops although data still uses it."""
    kept = {c["key"] for c in new}
    problems = []
    for choice in getattr(organization, kind.field):
        if choice["key"] in kept:
            continue
        counts = usage_counts(organization, kind, choice["key"])
        if not any(counts.values()):
            continue
        people, invitations, responses = (
            counts["people"],
            counts.get("invitations", 0),
            counts.get("response waves", 0),
        )
        uses = []
        if people:
            inactive = counts["inactive people"]
            uses.append(
                f"{_plural(people, 'person', 'people')} on the roster "
                + (f"({inactive} of them inactive) " if inactive else "")
                + f"{'has' if people == 1 else 'have'} it"
            )
        if invitations or responses:
            records = []
            if invitations:
                records.append(_plural(invitations, "survey invitation", "survey invitations"))
            if responses:
                records.append(f"survey responses of {_plural(responses, 'wave', 'waves')}")
            uses.append(f"{' and '.join(records)} record it")
        advice = (
            "Survey records cannot be changed, so keep its key (you may change its label)"
            if invitations or responses
            else f"Give them another {kind.singular} with a roster import first, "
            "or keep its key and change only its label"
        )
        problems.append(
            f"Cannot remove the {kind.singular} '{choice['label']}' ({choice['key']}): "
            f"{'; '.join(uses)}. {advice}."
        )
    return problems


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"
