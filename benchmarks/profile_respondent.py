"""Where a respondent's CPU goes inside the application, without an HTTP server.

Calls the WSGI application (``clinwell.web.wsgi.application``, the respondent handler a
survey link reaches) directly, as the HTTP server would, for each respondent: GET the personal link,
read the CSRF cookie and form token, POST a complete answer set (the launch benchmark's own
answers, 30% with a comment). Reports the process's CPU and the PostgreSQL backend's CPU per
respondent and, with ``--profile``, the functions with the most cumulative time under
cProfile (which slows everything down; use it for the ranking, not for the totals).

The database is built as in ``bench_launch.py`` (``launch_setup.py``: an organization, a
roster, a launched 30-question wave) in its own PostgreSQL database ``clinwell_bench_profile``,
which is dropped at the end.

Run:  .venv/bin/python benchmarks/profile_respondent.py [--respondents 1000] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from launch_client import CSRF_FIELD, RECORDED, Workload, _answers

ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DATABASE = "clinwell_bench_profile"
WARMUP = 50

WsgiApp = Callable[[dict[str, Any], Any], Iterable[bytes]]


def call(
    app: WsgiApp, method: str, path: str, cookie: str = "", body: bytes = b""
) -> tuple[list[tuple[str, str]], bytes]:
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_ORIGIN": "http://127.0.0.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
    }
    if cookie:
        environ["HTTP_COOKIE"] = cookie
    if body:
        environ["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
        environ["CONTENT_LENGTH"] = str(len(body))
    headers: list[tuple[str, str]] = []

    def start_response(status: str, response_headers: list[tuple[str, str]], *_: Any) -> None:
        headers.extend(response_headers)

    return headers, b"".join(app(environ, start_response))


def respondent(app: WsgiApp, work: Workload, rng: random.Random, token: str) -> None:
    path = f"/s/{token}/"
    headers, page = call(app, "GET", path)
    cookie = next(v for k, v in headers if k == "Set-Cookie").split(";", 1)[0]
    start = page.find(CSRF_FIELD) + len(CSRF_FIELD)
    body, _ = _answers(work, rng, page[start : page.find(b'"', start)].decode())
    _, reply = call(app, "POST", path, cookie, body)
    if RECORDED not in reply:
        raise SystemExit(f"the submission for {path} was not recorded: {reply[:300]!r}")


def backend_cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=1000)
    parser.add_argument("--profile", action="store_true", help="rank functions under cProfile")
    args = parser.parse_args()
    work_dir = Path(tempfile.mkdtemp(prefix="clinwell-profile-"))
    os.environ.update(
        CLINWELL_ENV="demo",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        CLINWELL_VAR_DIR=str(work_dir),
        STATIC_ROOT=str(work_dir / "static"),
        DJANGO_SETTINGS_MODULE="clinwell.web.settings",
        LOG_LEVEL="WARNING",
        OPENBLAS_NUM_THREADS="1",
    )
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
        admin.execute(f"CREATE DATABASE {DATABASE}")
    try:
        plan_file = work_dir / "plan.json"
        people = args.respondents + WARMUP
        setup = Path(__file__).with_name("launch_setup.py")
        command = [sys.executable, str(setup), "--people", str(people), "--out", str(plan_file)]
        subprocess.run(command, check=True)
        plan = json.loads(plan_file.read_text(encoding="utf-8"))
        run(plan, args.profile)
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {DATABASE}")


def run(plan: dict[str, Any], profile: bool) -> None:
    from django.db import connection

    from clinwell.web.wsgi import application

    work, rng = Workload("127.0.0.1", 80, plan["fields"]), random.Random(1)
    tokens: list[str] = plan["tokens"]
    for token in tokens[:WARMUP]:
        respondent(application, work, rng, token)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = int(cursor.fetchone()[0])
    profiler = cProfile.Profile() if profile else None
    measured = tokens[WARMUP:]
    cpu0, wall0, pg0 = time.process_time(), time.perf_counter(), backend_cpu_seconds(backend)
    if profiler:
        profiler.enable()
    for token in measured:
        respondent(application, work, rng, token)
    if profiler:
        profiler.disable()
    n = len(measured)
    print(
        f"{n} respondents (GET + POST each), per respondent: "
        f"application CPU {1000 * (time.process_time() - cpu0) / n:.2f} ms, "
        f"PostgreSQL backend CPU {1000 * (backend_cpu_seconds(backend) - pg0) / n:.2f} ms, "
        f"wall {1000 * (time.perf_counter() - wall0) / n:.2f} ms"
        + (" (under cProfile)" if profiler else "")
    )
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)


if __name__ == "__main__":
    main()
