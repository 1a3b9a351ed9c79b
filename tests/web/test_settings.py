"""Production settings pass Django's deployment checks; bad settings fail loudly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PRODUCTION_ENV = {
    "CLINWELL_ENV": "production",
    "SECRET_KEY": "x" * 20 + "-a-long-random-production-secret-key-0123456789",
    "ALLOWED_HOSTS": "wellbeing.example.org",
    "DATABASE_URL": "sqlite:////tmp/clinwell-check.sqlite3",
    "AUDIT_HMAC_KEY": "y" * 20 + "-a-separate-audit-chain-key",
}


def run_manage(env: dict[str, str], *args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    full_env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    full_env.update({"CLINWELL_VAR_DIR": str(tmp_path), **env})
    return subprocess.run(
        [sys.executable, "-m", "django", *args, "--settings", "clinwell.web.settings"],
        env=full_env,
        capture_output=True,
        text=True,
        timeout=300,  # collectstatic and a production import are slow on a busy 2-core box
        check=False,
    )


def test_production_settings_pass_check_deploy_with_no_warnings(tmp_path: Path) -> None:
    done = run_manage(
        PRODUCTION_ENV, "check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_check_deploy_warns_about_weakened_sign_in(tmp_path: Path) -> None:
    env = {
        **{k: v for k, v in PRODUCTION_ENV.items() if k != "AUDIT_HMAC_KEY"},
        "TWO_FACTOR_ENFORCED": "false",
        "ADMIN_ENABLED": "true",
    }
    done = run_manage(env, "check", "--deploy", tmp_path=tmp_path)
    for warning in ("clinwell.W001", "clinwell.W002", "clinwell.W003"):
        assert warning in done.stderr + done.stdout


@pytest.mark.parametrize(
    ("missing", "message"),
    [("SECRET_KEY", "SECRET_KEY"), ("ALLOWED_HOSTS", "ALLOWED_HOSTS")],
)
def test_production_refuses_to_start_without_required_settings(
    tmp_path: Path, missing: str, message: str
) -> None:
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    done = run_manage(env, "check", tmp_path=tmp_path)
    assert done.returncode != 0
    assert message in done.stderr


def test_a_malformed_boolean_setting_is_named(tmp_path: Path) -> None:
    done = run_manage({"DEBUG": "maybe"}, "check", tmp_path=tmp_path)
    assert done.returncode != 0
    assert "DEBUG must be true or false" in done.stderr


def test_secret_key_can_come_from_a_file(tmp_path: Path) -> None:
    key_file = tmp_path / "key"
    key_file.write_text("kJ8#pQ2-vX9@mN4!zR7&wT1^bY6*cF3%hL5(dG0)sA8+eU2=iO4~" + "\n")
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    env["SECRET_KEY_FILE"] = str(key_file)
    done = run_manage(env, "check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


def test_production_static_files_collect_and_hash(tmp_path: Path) -> None:
    env = {**PRODUCTION_ENV, "STATIC_ROOT": str(tmp_path / "static")}
    done = run_manage(env, "collectstatic", "--noinput", tmp_path=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    manifest = (tmp_path / "static" / "staticfiles.json").read_text()
    assert "vendor/vega-lite-6.4.3.min.js" in manifest
    assert "clinwell/app.css" in manifest
