"""Responses become sealed; closed waves forget who was invited and who responded.

For an existing installation: every plain response is sealed with its unit, role, tenure
band, answers and scores (comments, which were stored apart, go into the payload of a
response of their own unit — the only link they ever had); closed waves have their
invitations reduced to counts per roster class and deleted, and their responses rewritten
under fresh ids in a random order (docs/privacy.md, "Confidentiality at rest").
"""

import secrets
import uuid
from collections import defaultdict

import django.db.models.deletion
from django.db import migrations, models


def seal_existing(apps, schema_editor):
    from django.db.models import Count

    from clinwell.web.surveys.services.sealing import Channel, Payload, seal, seal_many

    Wave = apps.get_model("surveys", "Wave")
    Response = apps.get_model("surveys", "Response")
    Comment = apps.get_model("surveys", "Comment")
    Invitation = apps.get_model("surveys", "Invitation")
    InvitationCount = apps.get_model("surveys", "InvitationCount")
    Receipt = apps.get_model("surveys", "SubmissionReceipt")
    for wave in Wave.objects.all():
        comments = defaultdict(list)
        for unit_id, text in Comment.objects.filter(wave=wave).values_list("unit_id", "text"):
            comments[unit_id].append(text)
        payloads = []
        for row in Response.objects.filter(wave=wave).values(
            "id", "unit_id", "role", "tenure_band", "answers", "scores"
        ):
            texts = comments.get(row["unit_id"])
            payloads.append(
                (
                    row["id"],
                    Payload(
                        unit_id=row["unit_id"],
                        role=row["role"],
                        tenure_band=row["tenure_band"],
                        channel=Channel.IMPORTED,
                        answers=row["answers"] or {},
                        scores=row["scores"] or {},
                        comment=texts.pop() if texts else "",
                    ),
                )
            )
        if wave.status == "closed":
            counts = (
                Invitation.objects.filter(wave=wave)
                .values("unit_id", "role", "tenure_band")
                .annotate(n=Count("pk"))
                .order_by()
            )
            InvitationCount.objects.bulk_create(
                InvitationCount(
                    wave=wave,
                    unit_id=c["unit_id"],
                    role=c["role"],
                    tenure_band=c["tenure_band"],
                    invited=c["n"],
                )
                for c in counts
            )
            Invitation.objects.filter(wave=wave).delete()
            Receipt.objects.filter(wave=wave).delete()
            shuffled = [p for _, p in payloads]
            secrets.SystemRandom().shuffle(shuffled)
            Response.objects.filter(wave=wave).delete()
            Response.objects.bulk_create(
                Response(id=rid, wave=wave, sealed=blob, unit_id=p.unit_id, submitted_on=wave.closes_at.date())
                for (rid, blob), p in zip(seal_many(wave.pk, shuffled), shuffled)
            )
        else:
            for rid, payload in payloads:
                Response.objects.filter(pk=rid).update(sealed=seal(wave.pk, uuid.UUID(str(rid)), payload))
    if schema_editor.connection.vendor == "postgresql":
        # The rows rewritten above leave deferred foreign-key checks pending; PostgreSQL
        # refuses the ALTER TABLEs that follow in this transaction until they have run.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0001_initial"),
        ("surveys", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="InvitationCount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("role", models.CharField(max_length=40)),
                ("tenure_band", models.CharField(blank=True, max_length=40)),
                ("invited", models.PositiveIntegerField()),
                ("unit", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="orgs.unit")),
                ("wave", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="invitation_counts", to="surveys.wave")),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("wave", "unit", "role", "tenure_band"), name="one_count_per_class")
                ],
            },
        ),
        migrations.AddField(
            model_name="response",
            name="sealed",
            field=models.BinaryField(null=True),
        ),
        migrations.AddField(
            model_name="submissionreceipt",
            name="link",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="receipts",
                to="surveys.anonymouslink",
            ),
        ),
        migrations.RunPython(seal_existing, migrations.RunPython.noop),
        migrations.RemoveIndex(model_name="response", name="surveys_res_wave_id_d6bd7d_idx"),
        migrations.RemoveField(model_name="response", name="answers"),
        migrations.RemoveField(model_name="response", name="role"),
        migrations.RemoveField(model_name="response", name="scores"),
        migrations.RemoveField(model_name="response", name="submitted_on"),
        migrations.RemoveField(model_name="response", name="tenure_band"),
        migrations.RemoveField(model_name="response", name="unit"),
        migrations.AlterField(model_name="response", name="sealed", field=models.BinaryField()),
        migrations.DeleteModel(name="Comment"),
    ]
