"""The wave set-up form."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone

from clinwell.instruments import Instrument, load_library
from clinwell.instruments.attributes import ATTRIBUTES
from clinwell.web.surveys.models import DEFAULT_MIN_N_COMMENTS, DEFAULT_MIN_N_SCORES, Wave
from clinwell.web.surveys.services.waves import ModuleChoice

TIME_ZONES = [
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "UTC",
]
DEFAULT_MODULES = ("single_item_burnout", "org_wellbeing", "intent_to_leave")


def instruments() -> list[Instrument]:
    library = load_library()
    return [library[key] for key in sorted(library)]


class WaveForm(forms.Form):
    name = forms.CharField(
        max_length=200, label="Name", help_text="e.g. Spring 2027 well-being survey"
    )
    opens_at = forms.DateTimeField(
        label="Opens", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    closes_at = forms.DateTimeField(
        label="Closes", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    time_zone = forms.ChoiceField(choices=[(z, z) for z in TIME_ZONES], initial="America/Chicago")
    min_n_scores = forms.IntegerField(
        label="Minimum group size for scores",
        min_value=3,
        max_value=50,
        initial=DEFAULT_MIN_N_SCORES,
        help_text="Scores are shown only for groups at least this large. Locked at launch.",
    )
    min_n_comments = forms.IntegerField(
        label="Minimum group size for comments",
        min_value=3,
        max_value=100,
        initial=DEFAULT_MIN_N_COMMENTS,
        help_text="Comments are shown only for groups at least this large. Locked at launch.",
    )
    intro = forms.CharField(
        label="Message to respondents",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown at the top of the survey.",
    )
    attributes = forms.MultipleChoiceField(
        label="Questions about the respondent (optional)",
        required=False,
        choices=[(a.key, a.label) for a in ATTRIBUTES.values()],
        widget=forms.CheckboxSelectMultiple,
        help_text=(
            "Asked at the end of the survey; every one is optional to the respondent and offers "
            "“Prefer not to say”. Results by these groups are shown only for groups of at "
            "least the minimum group size. Locked at launch."
        ),
    )

    def __init__(self, *args: Any, wave: Wave | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.modules_error = ""  # shown at the instruments, not only at the top
        self.instrument_list = instruments()
        locked = wave is not None and wave.thresholds_locked
        chosen = {m.instrument_id: m for m in wave.modules.all()} if wave else {}
        for index, instrument in enumerate(self.instrument_list):
            module = chosen.get(instrument.id)
            self.fields[f"use_{instrument.id}"] = forms.BooleanField(
                required=False,
                label=instrument.title,
                initial=(module is not None) if wave else instrument.id in DEFAULT_MODULES,
                disabled=locked,
            )
            self.fields[f"pos_{instrument.id}"] = forms.IntegerField(
                required=False,
                min_value=1,
                max_value=99,
                label=f"Order of {instrument.title}",
                initial=(module.position + 1) if module else index + 1,
                disabled=locked,
            )
            optional = [(i.link_id, i.text) for i in instrument.items if not i.required]
            if optional and not instrument.validated:
                self.fields[f"skip_{instrument.id}"] = forms.MultipleChoiceField(
                    required=False,
                    choices=optional,
                    widget=forms.CheckboxSelectMultiple,
                    label=f"Leave out of {instrument.title}",
                    initial=list(module.excluded_items) if module else [],
                    disabled=locked,
                )
        if wave is not None:
            self.fields["attributes"].initial = list(wave.attributes or [])
        if locked:
            for name in ("opens_at", "time_zone", "min_n_scores", "min_n_comments", "attributes"):
                self.fields[name].disabled = True

    def instrument_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "instrument": instrument,
                "use": self[f"use_{instrument.id}"],
                "pos": self[f"pos_{instrument.id}"],
                "skip": self[f"skip_{instrument.id}"]
                if f"skip_{instrument.id}" in self.fields
                else None,
            }
            for instrument in self.instrument_list
        ]

    def attribute_rows(self) -> list[dict[str, Any]]:
        """Each respondent attribute with its checkbox, question and categories."""
        boxes = {box.data["value"]: box for box in self["attributes"]}
        return [
            {
                "attribute": attribute,
                "box": boxes[attribute.key],
                "categories": ", ".join(label for _, label in attribute.choices),
            }
            for attribute in ATTRIBUTES.values()
        ]

    def _localize(self, value: Any, zone: str) -> Any:
        if value is not None and timezone.is_naive(value):
            return timezone.make_aware(value, ZoneInfo(zone))
        if value is not None:
            return value.replace(tzinfo=None).replace(tzinfo=ZoneInfo(zone))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        zone = data.get("time_zone") or "UTC"
        for key in ("opens_at", "closes_at"):
            if data.get(key) is not None:
                data[key] = self._localize(data[key], zone)
        # The service checks these too; checking them here reports them together with the
        # field errors, next to their fields, instead of in a second round.
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens is not None and closes is not None and closes <= opens:
            self.add_error("closes_at", "The wave must close after it opens.")
        scores, comments = data.get("min_n_scores"), data.get("min_n_comments")
        if scores is not None and comments is not None and comments < scores:
            self.add_error(
                "min_n_comments",
                "The minimum group size for comments cannot be below the one for scores.",
            )
        picks = [f"use_{i.id}" for i in self.instrument_list]
        editable = bool(picks) and not self.fields[picks[0]].disabled
        if editable and not any(data.get(name) for name in picks):
            self.modules_error = "Choose at least one instrument."
            self.add_error(None, self.modules_error)
        return data

    def modules(self) -> list[ModuleChoice]:
        picked = []
        for index, instrument in enumerate(self.instrument_list):
            if not self.cleaned_data.get(f"use_{instrument.id}"):
                continue
            position = self.cleaned_data.get(f"pos_{instrument.id}") or index + 1
            skip = tuple(self.cleaned_data.get(f"skip_{instrument.id}") or ())
            picked.append((position, index, ModuleChoice(instrument.id, skip)))
        return [choice for _, _, choice in sorted(picked, key=lambda p: (p[0], p[1]))]
