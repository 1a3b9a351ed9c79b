"""The NAM National Plan for Health Workforce Well-Being (National Academy of Medicine, 2022).

Priority areas, goals, actions and the ten actor groups, with the goal-to-actor mapping shown in
the Plan's launch slides. Action labels ("1A", "3C") repeat across goals and priority areas, so each
action also has a globally unique :attr:`Action.key` of the form ``PA<area>-G<goal>-<label>`` (for
example ``PA4-G3-3B``). Only goals and actions present in the seeds or in the cited NAM pages are
included; the rest of the Plan is NOT CONFIRMED here. Data file: ``data/nam_plan.yaml``.

References
----------
National Academy of Medicine. National Plan for Health Workforce Well-Being. Washington, DC: The
National Academies Press; 2022. doi:10.17226/26744.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from clinwell.knowledge._data import (
    Fields,
    KnowledgeDataError,
    Source,
    check_unique,
    read_data_file,
    unknown,
)

FILE = "nam_plan.yaml"


@dataclass(frozen=True, slots=True)
class ActorGroup:
    id: str
    name: str
    sources: tuple[Source, ...]


@dataclass(frozen=True, slots=True)
class Action:
    """One action; ``label`` is the published id, ``key`` the unique id used in links."""

    key: str
    label: str
    text: str
    priority_area: int
    goal: int


@dataclass(frozen=True, slots=True)
class Goal:
    """A goal of a priority area. ``key`` is ``PA<area>-G<goal>``."""

    key: str
    priority_area: int
    number: int
    text: str
    actor_ids: tuple[str, ...]
    actions: tuple[Action, ...]
    sources: tuple[Source, ...]
    confirmed: bool = True
    actors_confirmed: bool = True
    note: str | None = None


@dataclass(frozen=True, slots=True)
class PriorityArea:
    number: int
    title: str
    summary: str | None
    goals: tuple[Goal, ...]
    sources: tuple[Source, ...]
    note: str | None = None

    @property
    def actions(self) -> tuple[Action, ...]:
        return tuple(a for g in self.goals for a in g.actions)


@dataclass(frozen=True, slots=True)
class NamPlan:
    title: str
    publisher: str
    published: str
    doi: str
    vision: str
    sources: tuple[Source, ...]
    actors: tuple[ActorGroup, ...]
    priority_areas: tuple[PriorityArea, ...]

    def priority_area(self, number: int) -> PriorityArea:
        for area in self.priority_areas:
            if area.number == number:
                return area
        raise unknown("NAM priority area", number, [a.number for a in self.priority_areas])

    def actor(self, actor_id: str) -> ActorGroup:
        for actor in self.actors:
            if actor.id == actor_id:
                return actor
        raise unknown("NAM actor group", actor_id, [a.id for a in self.actors])

    @property
    def goals(self) -> tuple[Goal, ...]:
        return tuple(g for a in self.priority_areas for g in a.goals)

    @property
    def actions(self) -> dict[str, Action]:
        """All actions by their unique key, in Plan order."""
        return {a.key: a for area in self.priority_areas for a in area.actions}

    def action(self, key: str) -> Action:
        try:
            return self.actions[key]
        except KeyError:
            raise unknown("NAM action key", key, "keys such as 'PA4-G3-3B'") from None

    def goal_of(self, action_key: str) -> Goal:
        action = self.action(action_key)
        return next(
            g
            for g in self.goals
            if g.priority_area == action.priority_area and g.number == action.goal
        )

    def goals_for_actor(self, actor_id: str) -> tuple[Goal, ...]:
        """The goals whose actor list (as far as confirmed) names ``actor_id``."""
        self.actor(actor_id)
        return tuple(g for g in self.goals if actor_id in g.actor_ids)


def _goal(e: Fields, area: int, actor_ids: frozenset[str]) -> Goal:
    number = e.int_("number")
    confirmed, note = e.confirmation()
    actors_confirmed = e.bool_("actors_confirmed", True)
    actors = e.str_list("actors", required=actors_confirmed)
    for actor in actors:
        if actor not in actor_ids:
            raise e.error("actors", f"{actor!r} is not an actor id ({sorted(actor_ids)})")
    if not actors_confirmed and note is None:
        raise e.error("note", "is required when 'actors_confirmed' is false")
    actions: list[Action] = []
    if e.has("actions"):
        for a in e.entries("actions", key="label"):
            label = a.str_("label")
            if not label.startswith(str(number)):
                raise a.error("label", f"{label!r} should start with the goal number {number}")
            key = f"PA{area}-G{number}-{label}"
            actions.append(Action(key, label, a.str_("text"), area, number))
    return Goal(
        key=f"PA{area}-G{number}",
        priority_area=area,
        number=number,
        text=e.str_("text"),
        actor_ids=actors,
        actions=tuple(actions),
        sources=e.sources(),
        confirmed=confirmed,
        actors_confirmed=actors_confirmed,
        note=note,
    )


def parse_nam_plan(root: Fields) -> NamPlan:
    """Build and validate the plan from the parsed ``nam_plan.yaml``."""
    plan = root.map_("plan")
    actors = tuple(
        ActorGroup(e.str_("id"), e.str_("name"), e.sources()) for e in root.entries("actors")
    )
    check_unique([a.id for a in actors], file=root.file, what="actor id")
    actor_ids = frozenset(a.id for a in actors)
    areas: list[PriorityArea] = []
    for e in root.entries("priority_areas", key="number"):
        number = e.int_("number")
        goals = tuple(_goal(g, number, actor_ids) for g in e.entries("goals", key="number"))
        check_unique([g.key for g in goals], file=root.file, what="goal")
        areas.append(
            PriorityArea(
                number, e.str_("title"), e.opt_str("summary"), goals, e.sources(), e.opt_str("note")
            )
        )
    if [a.number for a in areas] != list(range(1, len(areas) + 1)):
        raise KnowledgeDataError(f"{root.file}: priority areas must be numbered 1..n in order")
    check_unique([a.key for area in areas for a in area.actions], file=root.file, what="action key")
    return NamPlan(
        title=plan.str_("title"),
        publisher=plan.str_("publisher"),
        published=plan.str_("published"),
        doi=plan.str_("doi"),
        vision=plan.str_("vision"),
        sources=plan.sources(),
        actors=actors,
        priority_areas=tuple(areas),
    )


@cache
def nam_plan() -> NamPlan:
    """The shipped NAM National Plan data (parsed once, then cached)."""
    return parse_nam_plan(read_data_file(FILE))
