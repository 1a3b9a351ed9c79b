"""The plan form; choices come from the member's visible units and the knowledge base."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django import forms

from clinwell.knowledge import interventions, nam_plan
from clinwell.web.actions.drivers import measures
from clinwell.web.actions.models import ActionPlan
from clinwell.web.actions.services import PlanInput
from clinwell.web.orgs.access import visible_units
from clinwell.web.orgs.models import Membership


def measure_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for info in measures().values():
        groups[info.instrument_title].append((info.column, info.label))
    return sorted(groups.items())


def nam_action_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    plan = nam_plan()
    return [
        (
            f"Priority area {area.number}: {area.title}",
            [(a.key, f"{a.label} — {a.text}") for a in area.actions],
        )
        for area in plan.priority_areas
        if area.actions
    ]


class PlanForm(forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="What and why"
    )
    unit = forms.TypedChoiceField(coerce=int, label="Unit scope")
    owner = forms.TypedChoiceField(coerce=int, label="Owner")
    target_measure = forms.ChoiceField(label="Target measure")
    target_value = forms.FloatField(
        required=False,
        label="Target value",
        help_text="In the measure's own units: a share between 0 and 1, or a scale score.",
    )
    due_on = forms.DateField(
        required=False, label="Due date", widget=forms.DateInput(attrs={"type": "date"})
    )
    status = forms.ChoiceField(choices=ActionPlan.Status.choices, initial="proposed")
    interventions = forms.MultipleChoiceField(required=False)
    nam_actions = forms.MultipleChoiceField(
        required=False,
        label="NAM National Plan actions",
        help_text="Leave empty to link the actions of the chosen interventions.",
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    actor_groups = forms.MultipleChoiceField(
        required=False,
        label="NAM actor groups involved",
        widget=forms.CheckboxSelectMultiple,
    )
    source = forms.ChoiceField(
        choices=ActionPlan.Source.choices, initial="other", widget=forms.HiddenInput
    )
    source_domain = forms.CharField(required=False, widget=forms.HiddenInput)
    source_wave = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, widget=forms.HiddenInput
    )

    def __init__(self, membership: Membership, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        org = membership.organization
        fields: dict[str, Any] = self.fields
        fields["unit"].choices = [(u.pk, u.full_name) for u in visible_units(membership)]
        fields["owner"].choices = [
            (m.user_id, f"{m.user.get_full_name() or m.user.email} ({m.get_role_display()})")
            for m in org.memberships.select_related("user").order_by("user__email")
        ]
        fields["target_measure"].choices = measure_choices()
        fields["interventions"].choices = [(i.id, i.name) for i in interventions()]
        fields["nam_actions"].choices = nam_action_choices()
        fields["actor_groups"].choices = [(a.id, a.name) for a in nam_plan().actors]
        fields["source_wave"].choices = [("", "")] + [(w.pk, w.name) for w in org.waves.all()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        name, target = data.get("target_measure"), data.get("target_value")
        if name and target is not None:
            info = measures().get(name)
            if info is not None and info.is_proportion and not 0.0 <= target <= 1.0:
                self.add_error(
                    "target_value",
                    f"“{info.label}” is a share of respondents: enter it between 0 and 1 "
                    "(e.g. 0.35 for 35%).",
                )
        return data

    def to_input(self) -> PlanInput:
        data = self.cleaned_data
        return PlanInput(
            title=data["title"],
            description=data["description"],
            unit_id=data["unit"],
            owner_id=data["owner"],
            target_measure=data["target_measure"],
            target_value=data["target_value"],
            due_on=data["due_on"],
            interventions=tuple(data["interventions"]),
            nam_actions=tuple(data["nam_actions"]) or None,
            actor_groups=tuple(data["actor_groups"]),
            source=data["source"],
            source_domain=data["source_domain"],
            source_wave_id=data["source_wave"],
        )


class MilestoneForm(forms.Form):
    title = forms.CharField(max_length=200, label="Milestone")
    due_on = forms.DateField(
        required=False, label="Due", widget=forms.DateInput(attrs={"type": "date"})
    )
