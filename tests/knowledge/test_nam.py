"""NAM National Plan content against the seed slides (seed 004)."""

from __future__ import annotations

import pytest

from clinwell import knowledge as kb


def test_seven_priority_areas_in_order() -> None:
    areas = kb.nam_plan().priority_areas
    assert [a.number for a in areas] == [1, 2, 3, 4, 5, 6, 7]
    assert areas[2].title == "Support mental health and reduce stigma"
    assert areas[3].title == "Address compliance, regulatory, and policy barriers for daily work"
    assert areas[6].title == "Recruit and retain a diverse and inclusive health workforce"


def test_ten_actor_groups() -> None:
    names = [a.name for a in kb.nam_plan().actors]
    assert len(names) == 10
    assert "Media and communications" in names
    assert "Patients" in names


def test_action_keys_are_unique_and_keep_published_labels() -> None:
    plan = kb.nam_plan()
    actions = plan.actions
    labels = [a.label for a in actions.values()]
    assert len(set(actions)) == len(actions)
    assert len(set(labels)) < len(labels)  # "1A" recurs across areas, hence the keys
    pa4 = plan.action("PA4-G3-3B")
    assert (pa4.label, pa4.priority_area, pa4.goal) == ("3B", 4, 3)
    assert "prior authorization" in pa4.text
    assert plan.action("PA3-G3-3C").label == "3C"
    assert [a.label for a in plan.priority_area(6).actions] == [f"1{c}" for c in "ABCDEFGH"]
    assert [a.label for a in plan.priority_area(7).actions] == [f"1{c}" for c in "ABCDEFG"]


def test_goal_actor_mapping_from_the_slides() -> None:
    plan = kb.nam_plan()
    pa3 = plan.goal_of("PA3-G3-3A")
    assert "media_communications" in pa3.actor_ids
    assert "insurers_payers" not in pa3.actor_ids
    assert set(plan.goal_of("PA7-G1-1A").actor_ids) == {
        "academic_training_accreditation",
        "governments",
        "health_systems",
    }
    assert len(plan.priority_area(2).goals[0].actor_ids) == 8
    assert {g.key for g in plan.goals_for_actor("patients")} == {"PA5-G1"}


ACADEMIC = "academic_training_accreditation"
GOVERNMENTS = "governments"
HEALTH_IT = "health_it_companies"
SYSTEMS = "health_systems"
WORKERS = "health_workers"
PAYERS = "insurers_payers"
MEDIA = "media_communications"
PATIENTS = "patients"
NONPROFIT = "private_nonprofit"
SOCIETIES = "professional_societies"

#: The actor column of each goal table in the launch-event slides (seed 004), one per priority area.
SLIDE_ACTORS = {
    "PA1-G1": {ACADEMIC, SYSTEMS, WORKERS, PAYERS},
    "PA2-G2": {ACADEMIC, GOVERNMENTS, HEALTH_IT, SYSTEMS, WORKERS, PAYERS, NONPROFIT, SOCIETIES},
    "PA3-G3": {ACADEMIC, GOVERNMENTS, SYSTEMS, WORKERS, MEDIA, NONPROFIT, SOCIETIES},
    "PA4-G3": {ACADEMIC, GOVERNMENTS, HEALTH_IT, SYSTEMS, PAYERS},
    "PA5-G1": {ACADEMIC, GOVERNMENTS, HEALTH_IT, SYSTEMS, WORKERS, PAYERS, PATIENTS, NONPROFIT},
    "PA6-G1": {ACADEMIC, GOVERNMENTS, SYSTEMS, WORKERS, PAYERS},
    "PA7-G1": {ACADEMIC, GOVERNMENTS, SYSTEMS},
}


@pytest.mark.parametrize(("goal_key", "actors"), sorted(SLIDE_ACTORS.items()))
def test_every_slide_goal_has_the_actors_of_the_slides(goal_key: str, actors: set[str]) -> None:
    plan = kb.nam_plan()
    goals = {g.key: g for area in plan.priority_areas for g in area.goals}
    goal = goals[goal_key]
    assert goal.actors_confirmed
    assert set(goal.actor_ids) == actors
    assert any(s.seed == "004_0b2481136b78588b.txt" for s in goal.sources)


def test_the_slides_give_one_goal_with_actors_per_priority_area() -> None:
    plan = kb.nam_plan()
    with_actors = {g.key for area in plan.priority_areas for g in area.goals if g.actor_ids}
    assert with_actors == set(SLIDE_ACTORS)
    assert {int(k[2]) for k in SLIDE_ACTORS} == {a.number for a in plan.priority_areas}


def test_unconfirmed_goals_are_marked() -> None:
    pa1 = kb.nam_plan().priority_area(1)
    assert len(pa1.goals) == 5
    assert all(not g.actors_confirmed for g in pa1.goals[1:])
    assert not pa1.goals[4].confirmed


def test_unknown_lookups_raise_clear_errors() -> None:
    plan = kb.nam_plan()
    with pytest.raises(kb.UnknownKeyError, match="PA9-G1-1A"):
        plan.action("PA9-G1-1A")
    with pytest.raises(kb.UnknownKeyError, match="priority area"):
        plan.priority_area(8)
