"""The organization's data export: every table exported or excluded with a reason."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from collections.abc import Callable

from django.apps import apps
from django.test import Client

from clinwell.web.accounts.models import User
from clinwell.web.governance.services.export import EXCLUDED, EXPORTED
from clinwell.web.orgs.services.people import invite
from tests.web.conftest import Cast
from tests.web.surveys.conftest import make_wave


def test_every_model_is_exported_or_excluded_with_a_reason() -> None:
    labels = {m._meta.label for m in apps.get_models(include_auto_created=True)}
    assert sorted(labels - set(EXPORTED) - set(EXCLUDED)) == []
    assert set(EXPORTED) & set(EXCLUDED) == set()
    assert sorted((set(EXPORTED) | set(EXCLUDED)) - labels) == []  # no stale names
    assert all(reason.strip() for reason in EXCLUDED.values())


def test_the_archive_has_a_csv_per_table_a_readme_and_checksums(
    cast: Cast, login: Callable[[User], Client]
) -> None:
    make_wave(cast)
    invite(cast.alpha, by=cast.owner, email="new@alpha.example", role="analyst")
    response = login(cast.owner).get("/o/alpha/settings/export.zip")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = set(archive.namelist())
    assert {"README.md", "manifest.json", "orgs.Person.csv", "surveys.Wave.csv"} <= names
    manifest = json.loads(archive.read("manifest.json"))
    for name, entry in manifest["files"].items():
        assert hashlib.sha256(archive.read(name)).hexdigest() == entry["sha256"]
    people = list(csv.DictReader(io.StringIO(archive.read("orgs.Person.csv").decode())))
    assert {p["email"] for p in people} == {
        "card1@alpha.example",
        "card2@alpha.example",
        "med1@alpha.example",
        "surg1@alpha.example",
        "peds1@alpha.example",
    }  # Beta's roster is not in Alpha's export
    invitations = archive.read("orgs.AccessInvitation.csv").decode()
    assert "new@alpha.example" in invitations
    assert "token_hash" not in invitations
    users = archive.read("accounts.User.csv").decode()
    assert "password" not in users
    assert "outsider@example.org" not in users
    assert "surveys.Response" in archive.read("README.md").decode()  # listed as not included


def test_only_administrators_export(cast: Cast, login: Callable[[User], Client]) -> None:
    assert login(cast.analyst).get("/o/alpha/settings/export.zip").status_code == 403
    assert login(cast.outsider).get("/o/alpha/settings/export.zip").status_code == 404
