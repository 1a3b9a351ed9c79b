"""An organization's data as one documented archive (ZIP): a CSV per table, a README and
a manifest with each file's SHA-256.

:data:`EXPORTED` says for each table how its rows reach the organization; :data:`EXCLUDED`
says why a table is left out (secrets, other tenants' or site-wide rows, raw answers that
only ever leave as the released results). ``tests/web/governance/test_export.py`` fails
when a model is in neither, so a new table is never silently missing from the archive.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import tempfile
import zipfile
from typing import IO, Any

from django.apps import apps
from django.utils import timezone

from clinwell.spreadsheet import safe_cell
from clinwell.web.orgs.models import Organization

# model label -> lookup from the model to the organization
EXPORTED: dict[str, str] = {
    "orgs.Organization": "pk",
    "orgs.Unit": "organization",
    "orgs.Membership": "organization",
    "orgs.Membership_extra_units": "membership__organization",
    "orgs.Person": "organization",
    "orgs.AccessInvitation": "organization",
    "orgs.SingleSignOn": "organization",  # the secret is not in it (only where it is read)
    "orgs.SingleSignOnDomain": "single_sign_on__organization",
    "accounts.User": "memberships__organization",
    "surveys.Wave": "organization",
    "surveys.WaveModule": "wave__organization",
    "surveys.LicenceAcknowledgement": "organization",
    "surveys.AnonymousLink": "wave__organization",
    "surveys.InvitationCount": "wave__organization",
    "surveys.MailJob": "wave__organization",
    "surveys.WaveEmail": "wave__organization",
    "surveys.ScheduledReminder": "wave__organization",
    "results.WaveResult": "wave__organization",
    "results.PublishedCell": "wave__organization",
    "actions.ActionPlan": "organization",
    "actions.Milestone": "plan__organization",
    "ehrburden.EhrRun": "organization",
    "ehrburden.EhrMetricRow": "run__organization",
    "ehrburden.ActionMapping": "organization",
    "knowledgebase.RecognitionProgress": "organization",
    "knowledgebase.MeasuredEffect": "organization",
    "consortium.Member": "organization",
    "consortium.SharingChoice": "organization",
    "consortium.Contribution": "member__organization",
    "consortium.ContributionCell": "contribution__member__organization",
    "consortium.ContributionImpact": "contribution__member__organization",
    "audit.AuditEntry": "organization_id",
    "governance.RetentionPolicy": "organization",
}

EXCLUDED: dict[str, str] = {
    "surveys.Response": "sealed raw answers: they leave only as the released results "
    "(results.PublishedCell, results.WaveResult), never one by one",
    "surveys.Invitation": "who was sent which survey link; the roster (orgs.Person) is exported",
    "surveys.SubmissionReceipt": "one-time nonces of anonymous-link submissions, no content",
    "accounts.TOTPDevice": "sign-in secrets",
    "accounts.RecoveryCode": "sign-in secrets (hashed)",
    "accounts.User_groups": "Django permission groups, unused by clinwell",
    "accounts.User_user_permissions": "Django permissions, unused by clinwell",
    "api.ApiToken": "API credentials",
    "consortium.Consortium": "the consortium is shared by many organizations",
    "consortium.ConsortiumMembership": "consortium staff and representatives (site-wide)",
    "consortium.MemberToken": "consortium API credentials",
    "consortium.Release": "the consortium's pooled releases (all members' data)",
    "consortium.ReleaseCell": "the consortium's pooled releases (all members' data)",
    "audit.AuditHead": "the last hash of each chain, repeated in the exported entries",
    "admin.LogEntry": "Django admin's log (superusers, site-wide)",
    "auth.Permission": "Django's permission catalogue",
    "auth.Group": "Django permission groups, unused by clinwell",
    "auth.Group_permissions": "Django permission groups, unused by clinwell",
    "contenttypes.ContentType": "Django's model catalogue",
    "sessions.Session": "sign-in sessions",
    "axes.AccessAttempt": "sign-in throttling (site-wide)",
    "axes.AccessAttemptExpiration": "sign-in throttling (site-wide)",
    "axes.AccessFailureLog": "sign-in throttling (site-wide)",
    "axes.AccessLog": "sign-in throttling (site-wide)",
    "django_tasks_database.DBTaskResult": "the background queue (transient)",
}

# Columns never written: credentials and sealed data, whatever table they are in.
SECRET_COLUMNS = frozenset(
    {"password", "token", "token_hash", "sealed_secret", "digest", "key_hash", "sealed"}
)


def _columns(model: Any) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if f.attname not in SECRET_COLUMNS]


def _rows(model: Any, lookup: str, organization: Organization) -> Any:
    manager = model._base_manager
    if lookup == "pk":
        return manager.filter(pk=organization.pk)
    if lookup == "organization_id":
        return manager.filter(organization_id=organization.pk)
    return manager.filter(**{lookup: organization}).distinct()


def _csv(model: Any, lookup: str, organization: Organization) -> tuple[bytes, int]:
    columns = _columns(model)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    count = 0
    for row in _rows(model, lookup, organization).order_by("pk").values_list(*columns):
        writer.writerow(
            [
                safe_cell(json.dumps(v, default=str) if isinstance(v, dict | list) else v)
                for v in row
            ]
        )
        count += 1
    return buffer.getvalue().encode("utf-8"), count


def _readme(organization: Organization, tables: list[dict[str, Any]]) -> str:
    lines = [
        f"# Data export of {organization.name}",
        "",
        f"Made {timezone.now().isoformat(timespec='seconds')} by clinwell.",
        "",
        "One CSV file (UTF-8, header row) per table. `manifest.json` lists each file with its",
        "SHA-256 and row count. Cells that a spreadsheet would run as a formula start with '.",
        "",
        "## Files",
        "",
    ]
    for table in tables:
        lines.append(f"- `{table['file']}` — {table['title']} ({table['rows']} rows): ")
        lines.append(f"  columns {', '.join(table['columns'])}")
    lines += ["", "## Not included", ""]
    lines += [f"- {label}: {reason}" for label, reason in sorted(EXCLUDED.items())]
    return "\n".join(lines) + "\n"


def export_organization(organization: Organization) -> IO[bytes]:
    """The archive, in a temporary file positioned at its start."""
    archive = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)  # noqa: SIM115
    tables: list[dict[str, Any]] = []
    manifest: dict[str, Any] = {"organization": organization.slug, "files": {}}
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for label, lookup in EXPORTED.items():
            model = apps.get_model(label)
            data, count = _csv(model, lookup, organization)
            name = f"{label}.csv"
            zf.writestr(name, data)
            manifest["files"][name] = {
                "sha256": hashlib.sha256(data).hexdigest(),
                "rows": count,
            }
            tables.append(
                {
                    "file": name,
                    "title": str(model._meta.verbose_name_plural),
                    "rows": count,
                    "columns": _columns(model),
                }
            )
        readme = _readme(organization, tables).encode()
        zf.writestr("README.md", readme)
        manifest["files"]["README.md"] = {"sha256": hashlib.sha256(readme).hexdigest()}
        zf.writestr("manifest.json", json.dumps(manifest, indent=2, sort_keys=True))
    archive.seek(0)
    return archive
