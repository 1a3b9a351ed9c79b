"""Respondent pages: no login; a personal link (/s/<token>/) or a unit's link (/a/<token>/).

GET never consumes a link (e-mail security scanners open every link); only the POST of a
completed form does, exactly once.

Every page here is rendered as for an anonymous visitor, without the request's template
context (no account bar, no organization navigation, no messages — even for a signed-in
staff member who opens a link), so the page is the same whichever middleware served it
(``clinwell.web.wsgi`` serves these paths with a lean stack) and the parts that are the same
for every respondent can be rendered once: a launched wave's blank form page is rendered once
per wave and process with slots for the per-request CSRF token and nonce,
and each distinct feedback row once.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.html import json_script
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from clinwell.web.orgs.models import Organization
from clinwell.web.surveys.models import Invitation, Wave
from clinwell.web.surveys.services.anonymous import (
    already_answered,
    mark_answered,
    over_rate_limit,
)
from clinwell.web.surveys.services.feedback import (
    BURNOUT_GUIDANCE,
    WHO5_GUIDANCE,
    FeedbackRow,
    Finding,
    distress,
    feedback_rows,
    findings,
    support_sections,
    unscored_measures,
)
from clinwell.web.surveys.services.form import SurveyForm, build_form, parse_answers
from clinwell.web.surveys.services.lifecycle import is_accepting
from clinwell.web.surveys.services.submissions import (
    Outcome,
    Submission,
    find_anonymous_link,
    find_invitation,
    submit_with_anonymous_link,
    submit_with_invitation,
)
from clinwell.web.surveys.services.tokens import new_public_token


def _notice(
    request: HttpRequest, title: str, text: str, status: int = 200, wave: Wave | None = None
) -> HttpResponse:
    html = render_to_string(
        "surveys/notice.html",
        {
            "title": title,
            "text": text,
            "wave": wave,
            "support": support_sections(wave.organization.state if wave else ""),
        },
    )
    return HttpResponse(html, status=status)


def _closed(request: HttpRequest, wave: Wave) -> HttpResponse:
    if wave.status == Wave.Status.DRAFT:
        return _notice(
            request,
            "This survey has not opened yet",
            f"{wave.name} opens on {wave.opens_at:%d %B %Y}.",
            wave=wave,
        )
    return _notice(
        request,
        "This survey has closed",
        f"{wave.name} is no longer accepting answers, so nothing was recorded. "
        "Thank you for your willingness to take part.",
        status=410,
        wave=wave,
    )


def _already(request: HttpRequest, wave: Wave) -> HttpResponse:
    return _notice(
        request,
        "Your response has already been recorded",
        "This link has been used, so nothing new was stored. Thank you for taking part.",
        wave=wave,
    )


# Rendered blank questions per form object: {id(form): (form, html)} (the form is kept
# alive, so its id cannot be reused while the entry exists).
_QUESTIONS_HTML: dict[int, tuple[SurveyForm, SafeString]] = {}
_QUESTIONS_HTML_MAX = 64


def _questions_html(form: SurveyForm) -> SafeString:
    """The questions of a blank form, rendered once per form (the same for every respondent).

    Rendering some thirty questions with their options is most of the cost of opening a
    survey; ``build_form`` returns the same object for a launched wave, so this runs once
    per wave and process.
    """
    cached = _QUESTIONS_HTML.get(id(form))
    if cached is None or cached[0] is not form:
        if len(_QUESTIONS_HTML) >= _QUESTIONS_HTML_MAX:
            _QUESTIONS_HTML.clear()
        html = render_to_string(
            "surveys/_questions.html", {"form": form, "values": {}, "errors": {}}
        )
        cached = (form, mark_safe(html))  # noqa: S308 - our own template's autoescaped output
        _QUESTIONS_HTML[id(form)] = cached
    return cached[1]


# Slots in a cached blank form page, filled per request (letters, digits, "-" and ":" only:
# autoescaping leaves them as they are, and so are the values put in their place).
CSRF_SLOT = "clinwell-slot-csrf-token"
NONCE_SLOT = "clinwell-slot-nonce"

# Rendered blank form pages: {key: (form, html)}; the key holds every column of the wave and
# its organization, so an edit to either (name, intro, limits, roles) renders afresh.
_FORM_PAGES: dict[tuple[object, ...], tuple[SurveyForm, str]] = {}
_FORM_PAGES_MAX = 64


def _row_key(instance: Wave | Organization) -> tuple[object, ...]:
    return tuple(repr(getattr(instance, f.attname)) for f in type(instance)._meta.concrete_fields)


def _form_context(wave: Wave, form: SurveyForm, *, anonymous: bool) -> dict[str, Any]:
    return {
        "wave": wave,
        "org": wave.organization,
        "form": form,
        "preview": False,
        "anonymous": anonymous,
    }


def _blank_form_html(wave: Wave, form: SurveyForm, *, anonymous: bool) -> str:
    """The blank form page of a wave with the three slots, rendered once per wave version."""
    key = (id(form), anonymous, _row_key(wave), _row_key(wave.organization))
    cached = _FORM_PAGES.get(key)
    if cached is None or cached[0] is not form:
        if len(_FORM_PAGES) >= _FORM_PAGES_MAX:
            _FORM_PAGES.clear()
        context = _form_context(wave, form, anonymous=anonymous)
        context.update(
            questions_html=_questions_html(form),
            values={},
            errors={},
            csrf_token=CSRF_SLOT,
            nonce=NONCE_SLOT if anonymous else "",
        )
        cached = (form, render_to_string("surveys/respond.html", context))
        _FORM_PAGES[key] = cached
    return cached[1]


def _form_page(
    request: HttpRequest,
    wave: Wave,
    *,
    anonymous: bool,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    nonce: str = "",
) -> HttpResponse:
    form = build_form(wave)
    if not values and not errors:
        html = (
            _blank_form_html(wave, form, anonymous=anonymous)
            .replace(CSRF_SLOT, get_token(request))
            .replace(NONCE_SLOT, nonce)
        )
        return HttpResponse(html)
    context = _form_context(wave, form, anonymous=anonymous)
    context.update(
        questions_html="",
        values=values or {},
        errors=errors or {},
        csrf_token=get_token(request),
        nonce=nonce,
    )
    status = 400 if errors else 200
    return HttpResponse(render_to_string("surveys/respond.html", context), status=status)


@lru_cache(maxsize=64)
def _resources_html(state: str) -> SafeString:
    """The support-resources panel for a state, rendered once per process (shipped data)."""
    html = render_to_string("surveys/_resources.html", {"support": support_sections(state)})
    return mark_safe(html)  # noqa: S308 - our own template's autoescaped output


@lru_cache(maxsize=4096)
def _feedback_row_html(row: FeedbackRow) -> SafeString:
    """One details row's markup; rows repeat across respondents (a cut-off is met or not, a
    score takes few distinct values), so each distinct row is rendered once per process."""
    html = render_to_string("surveys/_feedback_row.html", {"row": row})
    return mark_safe(html)  # noqa: S308 - our own template's autoescaped output


@lru_cache(maxsize=1024)
def _finding_html(finding: Finding) -> SafeString:
    """One plain sentence's markup, rendered once per distinct finding and process."""
    html = render_to_string("surveys/_finding.html", {"finding": finding})
    return mark_safe(html)  # noqa: S308 - our own template's autoescaped output


ROWS_SLOT = "clinwell-slot-feedback-rows"
FINDINGS_SLOT = "clinwell-slot-feedback-findings"
DATA_SLOT = "clinwell-slot-feedback-data"
# Rendered feedback pages around their rows: {(state, lead, has findings, has rows,
# unscored labels): html}.
_FEEDBACK_PAGES: dict[tuple[str, str, bool, bool, tuple[str, ...]], str] = {}
_FEEDBACK_PAGES_MAX = 256


def _keep_data(rows: list[FeedbackRow]) -> str:
    """The results the browser may keep (opt-in, in its own storage): key, label, value."""
    data = [{"key": r.key, "label": r.label, "value": r.value} for r in rows if r.key]
    return str(json_script(data, "clinwell-my-results"))


def _feedback(request: HttpRequest, wave: Wave, submission: Submission) -> HttpResponse:
    """The respondent's own results: the page around the findings and rows is rendered once
    per (state, which guidance leads, which parts are present, which measures could not be
    scored); the findings, rows and the data the browser may keep go in its slots."""
    rows = feedback_rows(submission.scores)
    found = findings(submission.scores)
    lead = distress(submission.scores)
    state = wave.organization.state
    asked = {q.item.link_id for q in build_form(wave).questions()}
    unscored = tuple(unscored_measures(submission.scores, asked))
    key = (state, lead, bool(found), bool(rows), unscored)
    page = _FEEDBACK_PAGES.get(key)
    if page is None:
        if len(_FEEDBACK_PAGES) >= _FEEDBACK_PAGES_MAX:
            _FEEDBACK_PAGES.clear()
        context: dict[str, Any] = {
            "rows_html": ROWS_SLOT if rows else "",
            "findings_html": FINDINGS_SLOT if found else "",
            "data_html": DATA_SLOT,
            "unscored": unscored,
            "lead": lead,
            "who5_guidance": WHO5_GUIDANCE,
            "burnout_guidance": BURNOUT_GUIDANCE,
            "support": support_sections(state),
            "resources_html": _resources_html(state),
        }
        page = _FEEDBACK_PAGES[key] = render_to_string("surveys/feedback.html", context)
    return HttpResponse(
        page.replace(FINDINGS_SLOT, "".join(_finding_html(f) for f in found), 1)
        .replace(ROWS_SLOT, "".join(_feedback_row_html(row) for row in rows), 1)
        .replace(DATA_SLOT, _keep_data(rows), 1)
    )


def _result(request: HttpRequest, wave: Wave, submission: Submission) -> HttpResponse:
    if submission.outcome is Outcome.RECORDED:
        return _feedback(request, wave, submission)
    if submission.outcome is Outcome.DUPLICATE:
        return _already(request, wave)
    return _closed(request, wave)


@never_cache
@csrf_protect
def respond_invitation(request: HttpRequest, token: str) -> HttpResponse:
    invitation = find_invitation(token)
    if invitation is None:
        return _notice(
            request,
            "We do not recognise this link",
            "Check that the whole link from your e-mail was copied. If it still does not work, "
            "ask your well-being program team for a new invitation.",
            status=404,
        )
    wave = invitation.wave
    if invitation.status == Invitation.Status.RESPONDED:
        return _already(request, wave)
    if not is_accepting(wave):
        return _closed(request, wave)
    if request.method != "POST":
        return _form_page(request, wave, anonymous=False)
    parsed = parse_answers(build_form(wave), request.POST)
    if parsed.errors:
        return _form_page(
            request,
            wave,
            anonymous=False,
            values=parsed.raw,
            errors=parsed.errors,
        )
    return _result(request, wave, submit_with_invitation(invitation, parsed))


@never_cache
@csrf_protect
def respond_anonymous(request: HttpRequest, token: str) -> HttpResponse:
    link = find_anonymous_link(token)
    if link is None:
        return _notice(
            request,
            "We do not recognise this link",
            "This survey link is not valid or has been withdrawn.",
            status=404,
        )
    wave = link.wave
    if not is_accepting(wave):
        return _closed(request, wave)
    if already_answered(request):
        return _notice(
            request,
            "You have already answered this survey",
            "Your answers from this browser were recorded, so the survey is not shown again "
            "here. Thank you for taking part. Sharing this device with a colleague? They can "
            "answer on their own phone, from the same link or its QR code.",
            wave=wave,
        )
    if request.method != "POST":
        return _form_page(request, wave, anonymous=True, nonce=new_public_token())
    if over_rate_limit(request, link):
        return _notice(
            request,
            "Too many answers from this network just now",
            "To protect the survey, this link takes only so many answers from one network "
            "in a few minutes. Nothing was recorded: please try again in about ten minutes.",
            status=429,
            wave=wave,
        )
    nonce = request.POST.get("nonce", "")
    parsed = parse_answers(build_form(wave), request.POST)
    org = wave.organization
    role = request.POST.get("role", "")
    tenure = request.POST.get("tenure_band", "")
    if role and role not in org.role_keys():
        parsed.errors["role"] = "Please choose one of the roles."
    if tenure and tenure not in org.tenure_keys():
        parsed.errors["tenure_band"] = "Please choose one of the options."
    if parsed.errors:
        values = {**parsed.raw, "role": role, "tenure_band": tenure}
        return _form_page(
            request,
            wave,
            anonymous=True,
            values=values,
            errors=parsed.errors,
            nonce=nonce,
        )
    submission = submit_with_anonymous_link(link, nonce, parsed, role=role, tenure_band=tenure)
    response = _result(request, wave, submission)
    if submission.outcome is Outcome.RECORDED:
        mark_answered(response, link)  # one answer per browser (services/anonymous.py)
    return response
