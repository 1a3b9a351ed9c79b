"""``clinwell manage reseal_responses``: re-encrypt every stored response under the current
``SECRET_KEY`` (after a key rotation, with the old key in ``SECRET_KEY_FALLBACKS``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from clinwell.web.surveys.models import Wave
from clinwell.web.surveys.services.lifecycle import reseal_in_random_order
from clinwell.web.surveys.services.sealing import SealError


class Command(BaseCommand):
    help = (
        "Re-seal every survey response under the current SECRET_KEY. Run it after rotating "
        "the key, with the previous key listed in SECRET_KEY_FALLBACKS; then the fallback "
        "can be removed."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        total = 0
        waves = Wave.objects.filter(responses__isnull=False).distinct().order_by("pk")
        for wave in waves:
            try:
                with transaction.atomic():
                    locked = Wave.objects.select_for_update().get(pk=wave.pk)
                    count = reseal_in_random_order(locked)
            except SealError as exc:
                raise CommandError(f"wave {wave.pk} ({wave.name}): {exc}") from exc
            total += count
            self.stdout.write(f"{wave.name}: {count} responses re-sealed")
        self.stdout.write(self.style.SUCCESS(f"{total} responses re-sealed under the current key"))
