"""Support resources: national lines, one physician-health-program record per state, Minnesota.

National resources (988, the Physician Support Line, the FSPHP directory, ...) apply in every state.
Each of the 50 states and DC has exactly one physician-health-program record; where the program's
name and contact are not confirmed in clinwell's sources, the record says so (``confirmed=False``)
and points to the FSPHP state-programs directory instead of guessing. Data files:
``data/resources.yaml``, ``data/states.yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

from clinwell.knowledge._data import (
    Fields,
    KnowledgeDataError,
    Source,
    check_unique,
    read_data_file,
    unknown,
)

FILE = "resources.yaml"
STATES_FILE = "states.yaml"
NATIONAL = "national"
PHP_KIND = "physician_health_program"


@dataclass(frozen=True, slots=True)
class State:
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class Resource:
    """One support resource. ``scope`` is ``"national"`` or a two-letter state code."""

    id: str
    name: str
    kind: str
    scope: str
    description: str
    sources: tuple[Source, ...]
    organization: str | None = None
    phone: str | None = None
    text: str | None = None
    url: str | None = None
    hours: str | None = None
    audience: str | None = None
    confirmed: bool = True
    note: str | None = None
    checked: str = ""  # ISO date the entry was last compared with its sources

    @property
    def is_national(self) -> bool:
        return self.scope == NATIONAL

    def matches(self, query: str) -> bool:
        """Case-insensitive substring search over the text fields."""
        needle = query.casefold()
        fields = (self.name, self.description, self.organization, self.audience, self.kind)
        return any(needle in f.casefold() for f in fields if f)


@dataclass(frozen=True, slots=True)
class ResourceDirectory:
    kinds: dict[str, str]  # kind id -> label, in display order
    states: tuple[State, ...]
    resources: tuple[Resource, ...]

    def state_program(self, code: str) -> Resource:
        """The physician-health-program record of one state (or DC)."""
        code = code.upper()
        for r in self.resources:
            if r.kind == PHP_KIND and r.scope == code:
                return r
        raise unknown("state code", code, [s.code for s in self.states])


def _checked(e: Fields, default: str) -> str:
    """The entry's ``checked`` date (ISO ``YYYY-MM-DD``), or the file's."""
    value = e.opt_str("checked") or default
    try:
        date.fromisoformat(value)
    except ValueError as exc:
        raise e.error("checked", f"must be a date as YYYY-MM-DD, got {value!r}") from exc
    return value


def _resource(
    e: Fields, kinds: dict[str, str], scopes: frozenset[str], checked: str = ""
) -> Resource:
    confirmed, note = e.confirmation()
    return Resource(
        id=e.str_("id"),
        name=e.str_("name"),
        kind=e.one_of("kind", kinds),
        scope=e.one_of("scope", scopes),
        description=e.str_("description"),
        sources=e.sources(),
        organization=e.opt_str("organization"),
        phone=e.opt_str("phone"),
        text=e.opt_str("text"),
        url=e.opt_str("url"),
        hours=e.opt_str("hours"),
        audience=e.opt_str("audience"),
        confirmed=confirmed,
        note=note,
        checked=_checked(e, checked) if checked or e.has("checked") else "",
    )


def parse_resources(root: Fields, states_root: Fields) -> ResourceDirectory:
    """Build the directory; every state gets exactly one physician-health-program record."""
    kinds = {e.str_("id"): e.str_("label") for e in root.entries("kinds")}
    states: list[State] = []
    program_of: dict[str, str] = {}
    for e in states_root.entries("states", key="code"):
        code = e.str_("code")
        if len(code) != 2 or not code.isupper():
            raise e.error("code", f"must be a two-letter upper-case code, got {code!r}")
        states.append(State(code, e.str_("name")))
        if e.has("program"):
            program_of[code] = e.str_("program")
    check_unique([s.code for s in states], file=states_root.file, what="state code")
    scopes = frozenset({NATIONAL, *(s.code for s in states)})
    checked = _checked(root, "") if root.has("checked") else ""
    listed = [_resource(e, kinds, scopes, checked) for e in root.entries("resources")]
    by_id = {r.id: r for r in listed}
    defaults = root.map_("php_defaults")
    generated: list[Resource] = []
    for state in states:
        if state.code in program_of:
            record = by_id.get(program_of[state.code])
            if record is None or record.kind != PHP_KIND or record.scope != state.code:
                raise KnowledgeDataError(
                    f"{states_root.file}: state {state.code}: 'program' must name a "
                    f"{PHP_KIND} resource of {FILE} with scope {state.code}"
                )
            continue
        generated.append(
            Resource(
                id=f"php_{state.code.lower()}",
                name=defaults.str_("name_template").format(state=state.name),
                kind=PHP_KIND,
                scope=state.code,
                description=defaults.str_("description"),
                sources=defaults.sources(),
                url=defaults.str_("url"),
                confirmed=False,
                note=defaults.str_("note"),
                checked=checked,
            )
        )
    resources = (*listed, *generated)
    check_unique([r.id for r in resources], file=root.file, what="resource id")
    php_scopes = [r.scope for r in resources if r.kind == PHP_KIND]
    check_unique(php_scopes, file=root.file, what=f"{PHP_KIND} for state")
    return ResourceDirectory(kinds, tuple(states), resources)


@cache
def resource_directory() -> ResourceDirectory:
    """The shipped resource directory (cached)."""
    return parse_resources(read_data_file(FILE), read_data_file(STATES_FILE))


def find_resources(
    state: str | None = None, kind: str | None = None, query: str | None = None
) -> list[Resource]:
    """Support resources for a state, of a kind, matching a text query.

    Parameters
    ----------
    state
        Two-letter code (case-insensitive) of a state or ``"DC"``. National resources are always
        included; other states' resources are left out. ``None`` returns every state's resources.
    kind
        A kind id such as ``"crisis_line"`` or ``"physician_health_program"``.
    query
        Case-insensitive substring searched in name, description, organization and audience.

    Returns
    -------
    list[Resource]
        Ordered by kind (crisis lines first, as listed in ``resources.yaml``), national before
        state resources, then by state and name.
    """
    directory = resource_directory()
    if state is not None:
        state = state.strip().upper()
        if state not in {s.code for s in directory.states}:
            raise unknown("state code", state, [s.code for s in directory.states])
    if kind is not None and kind not in directory.kinds:
        raise unknown("resource kind", kind, list(directory.kinds))
    kind_order = list(directory.kinds)
    found = [
        r
        for r in directory.resources
        if (state is None or r.is_national or r.scope == state)
        and (kind is None or r.kind == kind)
        and (query is None or r.matches(query))
    ]
    return sorted(
        found, key=lambda r: (kind_order.index(r.kind), not r.is_national, r.scope, r.name)
    )
