"""The form that starts an EHR-metrics run: input files (uploads or server paths) and parameters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from clinwell.ehr.params import GapRule, MetricParams, ParameterError, Period, WowMode, choices
from clinwell.web.ehrburden.services.inputs import (
    INPUT_KINDS,
    KIND_LABELS,
    REQUIRED_KINDS,
    SUFFIXES,
)

ACCEPT = ",".join(SUFFIXES)
DAYS = [(str(i), d) for i, d in enumerate(("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"))]
PARAMETER_FIELDS = (
    "period",
    "idle_timeout",
    "gap_rule",
    "wow_mode",
    "buffer_minutes",
    "clock_start",
    "clock_end",
    "clock_days",
    "time_zone",
    "strict",
)
CHOICE_TEXT = {
    "week": "Week",
    "month": "Month",
    "drop": "dropped (credited nothing)",
    "cap": "capped at the timeout",
    "schedule": "outside scheduled sessions",
    "clock": "outside clock hours",
}
"""How the form words each value of a parameter (the values come from clinwell.ehr.params)."""


def _choices(kind: object) -> list[tuple[str, str]]:
    return [(v, CHOICE_TEXT[v]) for v in choices(kind)]


class RunForm(forms.Form):
    source = forms.ChoiceField(
        label="Where are the files?",
        choices=[("upload", "Upload from this computer"), ("server", "Already on the server")],
        initial="upload",
        widget=forms.RadioSelect,
    )
    period = forms.ChoiceField(choices=_choices(Period), initial="week")
    idle_timeout = forms.IntegerField(
        label="Idle timeout (seconds)",
        min_value=1,
        max_value=3600,
        initial=300,
        help_text="A gap between two events longer than this is idle time (default 300 s).",
    )
    gap_rule = forms.ChoiceField(label="Idle gaps are", choices=_choices(GapRule), initial="drop")
    wow_mode = forms.ChoiceField(
        label="Work outside work is time", choices=_choices(WowMode), initial="schedule"
    )
    buffer_minutes = forms.IntegerField(
        label="Session buffer (minutes)",
        min_value=0,
        max_value=240,
        initial=0,
        help_text="Widens every session on both sides (schedule mode). The WOW paper advises 0.",
    )
    clock_start = forms.CharField(label="Clock hours start", initial="07:00", max_length=5)
    clock_end = forms.CharField(label="Clock hours end", initial="17:30", max_length=5)
    clock_days = forms.MultipleChoiceField(
        label="Working days (clock mode)",
        choices=DAYS,
        initial=["0", "1", "2", "3", "4"],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    time_zone = forms.CharField(
        label="Time zone",
        max_length=60,
        required=False,
        help_text="IANA name, e.g. America/Chicago: times without an offset are read in it, and "
        "days, weeks and clock hours follow its calendar.",
    )
    strict = forms.BooleanField(
        label="Stop at the first input problem (strict) instead of excluding bad rows",
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].initial = settings.TIME_ZONE
        for kind in INPUT_KINDS:
            optional = "" if kind in REQUIRED_KINDS else " (optional)"
            self.fields[f"{kind}_file"] = forms.FileField(
                label=f"{KIND_LABELS[kind]} file{optional}",
                required=False,
                widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
            )
            self.fields[f"{kind}_path"] = forms.CharField(
                label=f"{KIND_LABELS[kind]} path{optional}",
                required=False,
                max_length=500,
            )

    def file_fields(self) -> list[forms.BoundField]:
        return [self[f"{k}_file"] for k in INPUT_KINDS]

    def path_fields(self) -> list[forms.BoundField]:
        return [self[f"{k}_path"] for k in INPUT_KINDS]

    def parameter_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in PARAMETER_FIELDS]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        suffix = "_file" if data.get("source") == "upload" else "_path"
        for kind in REQUIRED_KINDS:
            if not data.get(f"{kind}{suffix}"):
                self.add_error(f"{kind}{suffix}", f"The {kind} file is required.")
        if not self.errors:
            try:
                self.options()
            except ParameterError as exc:
                name = str(exc).split(":", 1)[0]
                self.add_error(name if name in self.fields else None, str(exc))
        return data

    def options(self) -> MetricParams:
        """The parameters as submitted (:class:`~clinwell.ehr.params.MetricParams` checks them)."""
        d = self.cleaned_data
        days = tuple(int(x) for x in d.get("clock_days") or ())
        if not days and d["wow_mode"] == "schedule":
            days = MetricParams().clock_days  # unused in schedule mode; keep the default
        return MetricParams.from_dict(
            {
                **{name: d[name] for name in PARAMETER_FIELDS if name in d},
                "clock_days": days,
                "strict": bool(d.get("strict")),
                "time_zone": (d.get("time_zone") or "").strip() or settings.TIME_ZONE,
            }
        )

    def uploads(self) -> dict[str, Any]:
        return {k: self.cleaned_data.get(f"{k}_file") for k in INPUT_KINDS}

    def server_paths(self) -> dict[str, str]:
        return {k: self.cleaned_data.get(f"{k}_path") or "" for k in INPUT_KINDS}


def parameter_rows(options: dict[str, Any]) -> list[tuple[str, str]]:
    """A run's stored parameters as (label, value) in the words of the form that set them.

    Choice values show their choice text (``drop`` → "dropped (credited nothing)"), booleans
    "yes"/"no", day lists the day names; a parameter the form does not have (e.g. a memory
    limit added by the engine) keeps its key as the label.
    """
    fields = RunForm().fields
    rows: list[tuple[str, str]] = []
    for key, value in options.items():
        field = fields.get(key)
        label = str(field.label or key.replace("_", " ").capitalize()) if field else key
        choices = {str(k): str(v) for k, v in getattr(field, "choices", None) or []}
        if isinstance(value, bool):
            text = "yes" if value else "no"
        elif isinstance(value, list | tuple):
            text = ", ".join(choices.get(str(v), str(v)) for v in value)
        else:
            text = choices.get(str(value), str(value))
        rows.append((label, text))
    return rows
