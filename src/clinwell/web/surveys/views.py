"""Survey administration pages (admins only): waves, set-up, launch, monitoring, mail."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from clinwell.instruments import get_instrument
from clinwell.spreadsheet import SafeWriter
from clinwell.web.orgs.access import Role, access_unit, visible_units
from clinwell.web.orgs.decorators import org_view
from clinwell.web.orgs.models import Membership
from clinwell.web.surveys.access import access_wave, visible_waves
from clinwell.web.surveys.forms import WaveForm
from clinwell.web.surveys.models import MailJob, Wave
from clinwell.web.surveys.services import copying, lifecycle
from clinwell.web.surveys.services import instrument_text as text_service
from clinwell.web.surveys.services import mail as mail_service
from clinwell.web.surveys.services import reminders as reminder_service
from clinwell.web.surveys.services import waves as wave_service
from clinwell.web.surveys.services.form import build_form
from clinwell.web.surveys.services.participation import live_counts


@org_view(Role.ADMIN)
def index(request: HttpRequest, membership: Membership) -> HttpResponse:
    waves = list(
        visible_waves(membership)
        .annotate(n_responses=Count("responses", distinct=True))
        .order_by("-opens_at")
    )
    for wave in waves:
        # One organization-wide count: shown only from the score threshold on.
        n = wave.n_responses
        wave.responses_shown = None if 0 < n < wave.min_n_scores else n  # type: ignore[attr-defined]
    return render(request, "surveys/index.html", {"waves": waves})


def _wave_initial(wave: Wave) -> dict[str, object]:
    zone = ZoneInfo(wave.time_zone)
    return {
        "name": wave.name,
        "opens_at": wave.opens_at.astimezone(zone).replace(tzinfo=None),
        "closes_at": wave.closes_at.astimezone(zone).replace(tzinfo=None),
        "time_zone": wave.time_zone,
        "min_n_scores": wave.min_n_scores,
        "min_n_comments": wave.min_n_comments,
        "intro": wave.intro,
        "attributes": list(wave.attributes or []),
    }


@org_view(Role.ADMIN)
def create(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = WaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            wave = wave_service.create_wave(
                membership.organization,
                name=form.cleaned_data["name"],
                opens_at=form.cleaned_data["opens_at"],
                closes_at=form.cleaned_data["closes_at"],
                time_zone=form.cleaned_data["time_zone"],
                modules=form.modules(),
                min_n_scores=form.cleaned_data["min_n_scores"],
                min_n_comments=form.cleaned_data["min_n_comments"],
                intro=form.cleaned_data["intro"],
                attributes=form.cleaned_data["attributes"],
            )
        except wave_service.WaveError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, f"Created {wave.name}. Preview it, then launch it.")
            return redirect(
                "surveys:detail", org_slug=membership.organization.slug, wave_id=wave.pk
            )
    return render(request, "surveys/wave_form.html", {"form": form, "wave": None})


@org_view(Role.ADMIN)
def edit(request: HttpRequest, membership: Membership, wave_id: int) -> HttpResponse:
    wave = access_wave(membership, wave_id)
    if wave.status == Wave.Status.CLOSED:
        messages.error(request, "A closed wave cannot be changed.")
        return redirect("surveys:detail", org_slug=membership.organization.slug, wave_id=wave.pk)
    form = WaveForm(request.POST or None, wave=wave, initial=_wave_initial(wave))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            wave_service.update_wave(
                wave,
                name=data["name"],
                opens_at=data["opens_at"],
                closes_at=data["closes_at"],
                time_zone=data["time_zone"],
                modules=form.modules()
                if not wave.thresholds_locked
                else [
                    wave_service.ModuleChoice(m.instrument_id, tuple(m.excluded_items))
                    for m in wave.modules.all()
                ],
                min_n_scores=data["min_n_scores"],
                min_n_comments=data["min_n_comments"],
                intro=data["intro"],
                attributes=data["attributes"],
            )
        except wave_service.WaveError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, "Saved.")
            return redirect(
                "surveys:detail", org_slug=membership.organization.slug, wave_id=wave.pk
            )
    return render(request, "surveys/wave_form.html", {"form": form, "wave": wave})


@org_view(Role.ADMIN)
def detail(request: HttpRequest, membership: Membership, wave_id: int) -> HttpResponse:
    wave = access_wave(membership, wave_id)
    modules = wave_service.module_summaries(wave)
    pending_licences = [get_instrument(i) for i in wave_service.licences_to_acknowledge(wave)]
    context = {
        "wave": wave,
        "modules": modules,
        "pending_licences": pending_licences,
        "texts_to_load": [get_instrument(i) for i in wave_service.texts_to_load(wave)],
        "job": wave.mail_jobs.first(),
        "links": wave.anonymous_links.select_related("unit"),
        "units": visible_units(membership).order_by("full_name"),
        "monitoring": live_counts(wave),
        "question_count": build_form(wave).question_count,
        "about_respondent": [q.attribute.label for q in build_form(wave).attributes],
    }
    return render(request, "surveys/detail.html", context)


@org_view(Role.ADMIN)
def preview(request: HttpRequest, membership: Membership, wave_id: int) -> HttpResponse:
    wave = access_wave(membership, wave_id)
    org = membership.organization
    return render(
        request,
        "surveys/respond.html",
        {
            "wave": wave,
            "org": org,
            "form": build_form(wave),
            "preview": True,
            "anonymous": False,
            "values": {},
            "errors": {},
        },
    )


@require_POST
@org_view(Role.ADMIN)
def acknowledge(request: HttpRequest, membership: Membership, wave_id: int) -> HttpResponse:
    wave = access_wave(membership, wave_id)
    instrument_id = request.POST.get("instrument", "")
    if instrument_id not in {m.instrument_id for m in wave.modules.all()}:
        raise Http404("No such instrument in this wave")
    wave_service.acknowledge_licence(membership.organization, instrument_id, request.user)  # type: ignore[arg-type]
    messages.success(
        request, f"Licence terms of {get_instrument(instrument_id).title} acknowledged."
    )
    return redirect("surveys:detail", org_slug=membership.organization.slug, wave_id=wave.pk)


@require_POST
@org_view(Role.ADMIN)
def launch(request: HttpRequest, membership: Membership, wave_id: int) -> HttpResponse:
    wave = access_wave(membership, wave_id)
    try:
        created = wave_service.launch_wave(wave)
    except wave_service.WaveError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"{wave.name} is open. {created} invitations are ready to send; "
            "the privacy thresholds are now locked.",
        )
    return redirect("surveys:detail", org_slug=membership.organization.slug, wave_id=wave.pk)


@require_POST
@org_view(Role.ADMIN)
def close(request: HttpRequest, membership: Membership, wave_id: int) -> HttpResponse:
    wave = access_wave(membership, wave_id)
    if lifecycle.close_wave(wave):
        messages.success(
            request,
            f"{wave.name} is closed. Its results are being computed and appear in a moment; "
            "who was invited and who responded has been deleted.",
        )
    else:
        messages.info(request, f"{wave.name} was not open, so nothing changed.")
    return redirect("surveys:detail", org_slug=membership.organization.slug, wave_id=wave.pk)


@org_view(Role.ADMIN)
def send(request: HttpRequest, membership: Membership, wave_id: int) -> HttpResponse:
    """GET: how many e-mails would go out, and a button to confirm; POST: send them."""
    wave = access_wave(membership, wave_id)
    kind = request.POST.get("kind") or request.GET.get("kind") or MailJob.Kind.INVITE
    if kind not in MailJob.Kind.values:
        raise Http404("Unknown kind of e-mail")
    back = redirect("surveys:detail", org_slug=membership.organization.slug, wave_id=wave.pk)
    what = "invitations" if kind == MailJob.Kind.INVITE else "reminders"
    if request.method == "POST":
        raw = request.POST.get("count", "")
        try:
            job = mail_service.start_mail_job(
                wave, kind, confirmed=int(raw) if raw.isdigit() else -1
            )
        except mail_service.MailError as exc:
            messages.error(request, str(exc).capitalize() + ".")
            if exc.field != "count":
                return back
        else:
            messages.success(
                request, f"Sending {job.total} {what} in batches; progress is shown below."
            )
            return back
    count = mail_service.recipient_count(wave, kind) if wave.status == Wave.Status.OPEN else 0
    context = {
        "wave": wave,
        "kind": kind,
        "what": what,
        "count": count,
        "subject": mail_service.render_message(wave, kind, "")[0],
    }
    return render(request, "surveys/send_confirm.html", context)


@org_view(Role.ADMIN)
def email(request: HttpRequest, membership: Membership, wave_id: int) -> HttpResponse:
    """The wave's invitation and reminder wording, its preview, test send and reminder dates."""
    wave = access_wave(membership, wave_id)
    words = mail_service.wording(wave)
    errors: dict[str, str] = {}
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action in ("preview", "save"):
        edited = {k: request.POST.get(k, "") for k in mail_service.DEFAULT_WORDING}
        filled = {k: v.strip() or mail_service.DEFAULT_WORDING[k] for k, v in edited.items()}
        try:
            checked = mail_service.check_wording(filled)
            if action == "save":
                mail_service.save_wording(wave, checked)
                messages.success(request, "E-mail wording saved.")
                return redirect(
                    "surveys:email", org_slug=membership.organization.slug, wave_id=wave.pk
                )
        except mail_service.MailError as exc:
            errors[exc.field or "invite_body"] = str(exc).capitalize() + "."
        words = filled
    elif action == "reminders":
        try:
            dates = reminder_service.parse_dates(request.POST.getlist("reminder"))
            reminder_service.set_reminder_dates(wave, dates)
        except reminder_service.ReminderError as exc:
            errors["reminders"] = str(exc).capitalize() + "."
        else:
            messages.success(request, "Reminder dates saved.")
            return redirect("surveys:email", org_slug=membership.organization.slug, wave_id=wave.pk)
    elif action == "test":
        kind = request.POST.get("kind", MailJob.Kind.INVITE)
        if kind not in MailJob.Kind.values:
            raise Http404("Unknown kind of e-mail")
        try:
            mail_service.send_test(wave, kind, request.user.email)  # type: ignore[union-attr]
        except (mail_service.MailError, OSError) as exc:
            messages.error(request, f"The test e-mail could not be sent: {exc}.")
        else:
            messages.success(
                request,
                f"Test e-mail sent to {request.user.email}; its link does not work.",  # type: ignore[union-attr]
            )
        return redirect("surveys:email", org_slug=membership.organization.slug, wave_id=wave.pk)
    elif request.method == "POST":
        raise Http404("Unknown action")
    sample = f"{request.scheme}://{request.get_host()}{mail_service.TEST_LINK_PATH}"
    previews = [
        (label, *mail_service.render_message(wave, kind, sample, words))
        for kind, label in MailJob.Kind.choices
    ]
    context = {
        "wave": wave,
        "words": words,
        "errors": errors,
        "previews": previews,
        "reminders": reminder_service.reminder_rows(wave),
        "reminder_hour": reminder_service.REMINDER_HOUR,
        "max_reminders": reminder_service.MAX_REMINDERS,
    }
    status = 400 if errors else 200
    return render(request, "surveys/email.html", context, status=status)


@require_POST
@org_view(Role.ADMIN)
def copy(request: HttpRequest, membership: Membership, wave_id: int) -> HttpResponse:
    wave = access_wave(membership, wave_id)
    new = copying.copy_wave(wave)
    messages.success(
        request,
        f"Copied {wave.name} with its modules, thresholds, message, e-mail wording and"
        " reminders. Set its name and dates, then preview and launch it.",
    )
    return redirect("surveys:edit", org_slug=membership.organization.slug, wave_id=new.pk)


@org_view(Role.ADMIN)
def monitor(request: HttpRequest, membership: Membership, wave_id: int) -> HttpResponse:
    """The response-rate panel alone (counts only), polled while the wave is open."""
    wave = access_wave(membership, wave_id)
    context = {"wave": wave, "monitoring": live_counts(wave)}
    return render(request, "surveys/_monitor.html", context)


@org_view(Role.ADMIN)
def job_progress(request: HttpRequest, membership: Membership, wave_id: int) -> HttpResponse:
    wave = access_wave(membership, wave_id)
    return render(request, "surveys/_job.html", {"wave": wave, "job": wave.mail_jobs.first()})


@require_POST
@org_view(Role.ADMIN)
def anonymous_link(request: HttpRequest, membership: Membership, wave_id: int) -> HttpResponse:
    wave = access_wave(membership, wave_id)
    unit = access_unit(membership, int(request.POST.get("unit", "0") or 0))
    wave_service.ensure_anonymous_link(wave, unit)
    messages.success(request, f"Anonymous link ready for {unit.full_name}.")
    return redirect("surveys:detail", org_slug=membership.organization.slug, wave_id=wave.pk)


@org_view(Role.ADMIN)
def nonresponders(request: HttpRequest, membership: Membership, wave_id: int) -> HttpResponse:
    wave = access_wave(membership, wave_id)
    try:
        rows = mail_service.nonresponder_rows(wave)
    except mail_service.MailError as exc:
        messages.error(request, str(exc))
        return redirect("surveys:detail", org_slug=membership.organization.slug, wave_id=wave.pk)
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="nonresponders-wave-{wave.pk}.csv"'
    writer = SafeWriter(response)
    writer.writerow(["email", "name", "unit"])
    writer.writerows(rows)
    return response


def _return_wave(request: HttpRequest, membership: Membership) -> Wave | None:
    raw = request.GET.get("wave") or request.POST.get("wave") or ""
    return access_wave(membership, int(raw)) if raw.isdigit() else None


@org_view(Role.ADMIN)
def instrument_texts(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Instruments whose licensed item text an administrator loads, and whether it is loaded."""
    rows = [
        {"instrument": i, "loaded": text_service.is_loaded(i.id)}
        for i in text_service.licensed_instruments()
    ]
    return render(request, "surveys/instrument_texts.html", {"rows": rows})


@org_view(Role.ADMIN)
def instrument_text(
    request: HttpRequest, membership: Membership, instrument_id: str
) -> HttpResponse:
    """Load an instrument's licensed text: upload or per item → preview → load (POST only)."""
    try:
        shipped = text_service.shipped_instrument(instrument_id)
    except text_service.TextError:
        raise Http404("No instrument with licensed text to load") from None
    wave = _return_wave(request, membership)
    context: dict[str, object] = {
        "instrument": shipped,
        "wave": wave,
        "loaded": text_service.is_loaded(instrument_id),
        "rows": text_service.item_rows(instrument_id),
        "typed": {},
        "error": "",
        "preview": None,
    }
    if request.method != "POST":
        return render(request, "surveys/instrument_text.html", context)
    action = request.POST.get("action", "")
    try:
        if action == "load":
            if request.POST.get("licensed") != "yes":
                raise text_service.TextError(
                    "confirm that your organization holds the right to use this text"
                )
            text_service.load_text(instrument_id, request.POST.get("questionnaire", ""))
            messages.success(request, f"Licensed text of {shipped.title} loaded.")
            if wave is not None:
                return redirect(
                    "surveys:detail", org_slug=membership.organization.slug, wave_id=wave.pk
                )
            return redirect(
                "surveys:instrument_text",
                org_slug=membership.organization.slug,
                instrument_id=instrument_id,
            )
        upload = request.FILES.get("file")
        if action == "upload":
            if upload is None:
                raise text_service.TextError("choose a FHIR Questionnaire JSON file to upload")
            checked = text_service.from_questionnaire_json(
                instrument_id, upload.read(text_service.MAX_UPLOAD_BYTES + 1), upload.name or "file"
            )
        elif action == "items":
            typed = {i: request.POST.get(f"text_{i}", "") for i in shipped.link_ids}
            context["typed"] = typed
            checked = text_service.from_item_texts(instrument_id, typed)
        else:
            raise Http404("Unknown action")
    except text_service.TextError as exc:
        context["error"] = str(exc)
        return render(request, "surveys/instrument_text.html", context, status=400)
    context["preview"] = checked
    context["reverse"] = {i for scale in checked.scales for i in scale.reverse}
    context["questionnaire"] = text_service.questionnaire_json(checked)
    return render(request, "surveys/instrument_text.html", context)
