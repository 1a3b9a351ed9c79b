"""Benchmark: a 20,000-clinician launch morning against a real server, and a worker killed.

What it does, start to finish (bounded in time and requests, 127.0.0.1 only):

1. creates its own PostgreSQL database (``clinwell_bench``; dropped at the end);
2. prepares an organization with a roster of ``--people`` and an open wave through the
   product's service functions (``benchmarks/launch_setup.py``, in a child process);
3. starts the server exactly as an operator would — ``clinwell serve`` (granian, the
   application loaded before the workers fork) with ``--env`` settings (demo by default) —
   with ``--workers`` × ``--threads`` (default 3 × 4: ``clinwell serve``'s default on 2 cores);
4. *warm-up*, then the *measured* phase: ``--concurrency`` clients each take the next
   personal link, GET the form and POST a complete answer set (``benchmarks/launch_client.py``);
   optionally paced at ``--rate`` respondents per second;
5. the *fault* phase: the same load, and ``--kill-after`` seconds in, one server worker
   gets SIGKILL; clients retry failed requests (connection errors, timeouts, 5xx);
6. checks in the database that responses = invitations marked responded = respondents the
   server confirmed (and comments = confirmed respondents who wrote one): none lost, none
   duplicated;
7. stops the server, drops the database, prints a summary and, with ``--record``, appends
   the run to the ``launch`` section of docs/performance.md.

Run:  .venv/bin/python benchmarks/bench_launch.py [--workers 3 --threads 4 --concurrency 16]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from launch_client import PhaseStats, Workload, percentile, run_phase

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DOCS = ROOT / "docs" / "performance.md"
RUNS_START, RUNS_END = "<!-- launch:runs -->", "<!-- /launch:runs -->"


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--people", type=int, default=20_000, help="roster size (invitations)")
    p.add_argument("--workers", type=int, default=3, help="server worker processes")
    p.add_argument("--threads", type=int, default=4, help="threads per worker (1 = sync worker)")
    p.add_argument("--concurrency", type=int, default=16, help="concurrent respondents")
    p.add_argument("--rate", type=float, default=0.0, help="respondents/s to offer (0 = max)")
    p.add_argument("--warmup", type=int, default=600, help="respondents before measuring")
    p.add_argument("--respondents", type=int, default=12_000, help="measured respondents")
    p.add_argument("--fault-respondents", type=int, default=4_000)
    p.add_argument("--max-seconds", type=float, default=180.0, help="cap per phase")
    p.add_argument("--kill-after", type=float, default=4.0, help="seconds into the fault phase")
    p.add_argument(
        "--env",
        choices=("demo", "production"),
        default="demo",
        help="CLINWELL_ENV of the server (production: as behind a TLS proxy)",
    )
    p.add_argument("--port", type=int, default=0, help="0 = a free port")
    p.add_argument("--database", default="clinwell_bench")
    p.add_argument("--record", action="store_true", help="append the run to the docs")
    args = p.parse_args()
    if not args.port:
        with socket.socket() as probe:
            probe.bind((HOST, 0))
            args.port = probe.getsockname()[1]
    if args.warmup + args.respondents + args.fault_respondents > args.people:
        p.error("warm-up + measured + fault respondents exceed the roster (--people)")
    if not re.fullmatch(r"clinwell_bench[a-z0-9_]*", args.database):
        p.error("--database must be clinwell_bench[a-z0-9_]* (it is dropped at the end)")
    return args


def admin_sql(statement: str) -> None:
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(statement)  # trusted names only (checked in parse_args)


def server_env(args: argparse.Namespace, work_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "CLINWELL_ENV": args.env,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{args.database}",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "CLINWELL_VAR_DIR": str(work_dir),
        "STATIC_ROOT": str(work_dir / "static"),
        "DJANGO_SETTINGS_MODULE": "clinwell.web.settings",
        "LOG_LEVEL": "WARNING",
    }


def cpu_seconds(pids: list[int], *, children: bool = False) -> float:
    """utime + stime of live processes (plus their reaped children's), from /proc/<pid>/stat."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(v) for v in fields[11 : 15 if children else 13]) / ticks
    return total


class BackendCpu:
    """CPU used by PostgreSQL backends of one database, sampled every second.

    Backends come and go (Django reopens connections after ``CONN_MAX_AGE``), so each one's
    CPU is followed while it lives; found by process title (``postgres: [cluster:] user db``).
    """

    def __init__(self, database: str) -> None:
        self.title = f": postgres {database} ".encode()  # after "postgres: [cluster:]"
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}

    def sample(self) -> None:
        now: dict[int, float] = {}
        for entry in Path("/proc").iterdir():
            try:
                if not entry.name.isdigit():
                    continue
                title = (entry / "cmdline").read_bytes()
                if title.startswith(b"postgres: ") and self.title in title:
                    now[int(entry.name)] = cpu_seconds([int(entry.name)])
            except OSError:
                continue
        started = bool(self.last)
        for pid, used in now.items():
            self.first.setdefault(pid, 0.0 if started else used)
        self.last.update(now)

    def total(self) -> float:
        return sum(self.last[pid] - self.first[pid] for pid in self.last)

    async def follow(self, until: asyncio.Event) -> None:
        self.sample()
        while not until.is_set():
            await asyncio.sleep(1.0)
            self.sample()
        self.sample()


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    ticks = os.sysconf("SC_CLK_TCK")
    idle = values[3] + values[4]
    return (sum(values) - idle) / ticks, sum(values) / ticks


class Server:
    """``clinwell serve`` in its own process group; its child processes are the workers."""

    def __init__(self, args: argparse.Namespace, env: dict[str, str], log: Path) -> None:
        self.argv = [
            str(VENV_BIN / "clinwell"),
            "serve",
            *("--host", HOST, "--port", str(args.port)),
            *("--workers", str(args.workers), "--threads", str(args.threads)),
        ]
        self.port = args.port
        self.log_path = log
        self.log = log.open("wb")
        self.proc = subprocess.Popen(
            self.argv, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def cpu_seconds(self) -> float:
        """CPU of the master, its live workers and the workers it has reaped (killed ones)."""
        return cpu_seconds([self.proc.pid], children=True) + cpu_seconds(self.workers())

    def workers(self) -> list[int]:
        path = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        try:
            return [int(p) for p in path.read_text().split()]
        except OSError:
            return []

    def wait_ready(self, expected: int, timeout: float = 300.0) -> None:
        """Until every worker has loaded the app: ``2 × expected`` quick answers in a row."""
        deadline, quick = time.monotonic() + timeout, 0
        while quick < 2 * expected:
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not become ready in time")
            if self.proc.poll() is not None:
                tail = "\n".join(self.log_path.read_text(errors="replace").splitlines()[-30:])
                raise RuntimeError(f"the server exited with {self.proc.returncode}:\n{tail}")
            started = time.monotonic()
            healthy = len(self.workers()) >= expected and self._healthy()
            quick = quick + 1 if healthy and time.monotonic() - started < 1.0 else 0
            if not healthy:
                time.sleep(0.5)

    def _healthy(self) -> bool:
        import http.client

        conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
        try:
            conn.request("GET", "/healthz", headers={"X-Forwarded-Proto": "https"})
            return conn.getresponse().status < 500
        except OSError:
            return False
        finally:
            conn.close()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


def summarize(name: str, stats: PhaseStats) -> dict[str, Any]:
    elapsed = stats.ended - stats.started
    per_second: dict[int, int] = {}
    for t in stats.finished_at:
        second = int(t - stats.started)
        per_second[second] = per_second.get(second, 0) + 1
    full_seconds = [per_second.get(s, 0) for s in range(1, int(elapsed))]  # drop edges

    def ms(values: list[float], q: float) -> float:
        return round(1000 * percentile(values, q), 1)

    return {
        "phase": name,
        "completed": stats.completed,
        "seconds": round(elapsed, 2),
        "submissions_per_s": round(stats.completed / elapsed, 1) if elapsed else 0.0,
        "slowest_full_second": min(full_seconds) if full_seconds else None,
        "open_ms": {q: ms(stats.open_latency, q) for q in (50, 95, 99, 100)},
        "submit_ms": {q: ms(stats.submit_latency, q) for q in (50, 95, 99, 100)},
        "start_lag_p99_ms": ms(stats.start_lag, 99) if stats.start_lag else None,
        "retries": stats.retries,
        "confirmed_by_retry": stats.confirmed_by_retry,
        "gave_up": stats.gave_up,
        "failures": dict(sorted(stats.failures.items())),
        "with_comment": stats.with_comment,
    }


async def drive(args: argparse.Namespace, server: Server, plan: dict[str, Any]) -> dict[str, Any]:
    work = Workload(HOST, args.port, plan["fields"], behind_tls=args.env == "production")
    tokens: list[str] = plan["tokens"]
    w, n = args.warmup, args.respondents
    phases: dict[str, Any] = {}
    killed: dict[str, Any] = {}

    async def kill_one_worker() -> None:
        await asyncio.sleep(args.kill_after)
        pids = server.workers()
        if pids:
            os.kill(pids[0], signal.SIGKILL)
            killed.update(pid=pids[0], at_s=args.kill_after)

    for name, chunk, during in (
        ("warm-up", tokens[:w], None),
        ("measured", tokens[w : w + n], None),
        ("fault", tokens[w + n : w + n + args.fault_respondents], kill_one_worker),
    ):
        backends, done = BackendCpu(args.database), asyncio.Event()
        sampler = asyncio.ensure_future(backends.follow(done))
        cpu0, (busy0, total0), client0 = server.cpu_seconds(), machine_busy(), time.process_time()
        stats = await run_phase(
            work,
            chunk,
            concurrency=args.concurrency,
            rate=args.rate,
            max_seconds=args.max_seconds,
            during=during,
        )
        done.set()
        await sampler
        busy1, total1 = machine_busy()
        summary = summarize(name, stats)
        summary["cpu_s"] = {
            "server": round(server.cpu_seconds() - cpu0, 1),
            "postgres": round(backends.total(), 1),
            "client": round(time.process_time() - client0, 1),
            "machine_busy_share": round((busy1 - busy0) / max(total1 - total0, 1e-9), 2),
        }
        done_n = max(stats.completed, 1)
        summary["cpu_ms_per_respondent"] = {
            k: round(1000 * summary["cpu_s"][k] / done_n, 2)
            for k in ("server", "postgres", "client")
        }
        summary["load_avg"] = os.getloadavg()[0]
        phases[name] = summary
        print(json.dumps(summary), flush=True)
    phases["fault"]["killed_worker"] = killed
    return phases


SEALED_COMMENTS = """
import django, json, sys
django.setup()
from clinwell.web.results.services.loading import open_responses
from clinwell.web.surveys.models import Wave
payloads = open_responses(Wave.objects.get(pk=int(sys.argv[1])))
print(json.dumps(sum(1 for p in payloads if p.comment)))
"""


def sealed_comments(env: dict[str, str], wave_id: int) -> int:
    """Responses with a comment: comments are sealed with their response, so they are
    counted by opening the seals with the server's key (its environment)."""
    done = subprocess.run(
        [sys.executable, "-c", SEALED_COMMENTS, str(wave_id)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return int(json.loads(done.stdout))


def verify(
    args: argparse.Namespace, wave_id: int, phases: dict[str, Any], env: dict[str, str]
) -> dict[str, Any]:
    """Responses, invitations marked responded and confirmed respondents must all agree."""
    url = f"postgresql://postgres@127.0.0.1:5432/{args.database}"
    with psycopg.connect(url) as conn:
        responses, distinct = conn.execute(
            "SELECT count(*), count(DISTINCT id) FROM surveys_response WHERE wave_id = %s",
            (wave_id,),
        ).fetchone() or (0, 0)
        responded = conn.execute(
            "SELECT count(*) FROM surveys_invitation WHERE wave_id = %s AND status = 'responded'",
            (wave_id,),
        ).fetchone()
    comments = (sealed_comments(env, wave_id),)
    confirmed = sum(p["completed"] for p in phases.values())
    with_comment = sum(p["with_comment"] for p in phases.values())
    result = {
        "responses": responses,
        "distinct_response_ids": distinct,
        "invitations_responded": responded[0] if responded else None,
        "respondents_confirmed": confirmed,
        "comments": comments[0] if comments else None,
        "respondents_with_comment": with_comment,
    }
    result["ok"] = (
        responses == distinct == result["invitations_responded"] == confirmed
        and result["comments"] == with_comment
    )
    return result


def record(
    command: str, args: argparse.Namespace, phases: dict[str, Any], check: dict[str, Any]
) -> None:
    m, f = phases["measured"], phases["fault"]
    per = m["cpu_ms_per_respondent"]
    row = (
        f"| {time.strftime('%Y-%m-%d %H:%M')} | `{command}` | {args.workers}×{args.threads} "
        f"| {args.concurrency}{f' @ {args.rate:g}/s' if args.rate else ''} "
        f"| {m['completed']:,} in {m['seconds']} s | **{m['submissions_per_s']}** "
        f"| {m['open_ms'][50]} / {m['open_ms'][95]} / {m['open_ms'][99]} "
        f"| {m['submit_ms'][50]} / {m['submit_ms'][95]} / {m['submit_ms'][99]} "
        f"| {m['cpu_s']['server']} / {m['cpu_s']['postgres']} / {m['cpu_s']['client']} "
        f"({per['server']} / {per['postgres']} / {per['client']} ms each) "
        f"| {m['load_avg']:.1f} "
        f"| {f['completed']:,}, {f['retries']} retries, {sum(f['failures'].values())} failed "
        f"attempts | {check['responses']:,} = {check['invitations_responded']:,} = "
        f"{check['respondents_confirmed']:,}: {'OK' if check['ok'] else 'MISMATCH'} |"
    )
    text = DOCS.read_text(encoding="utf-8")
    if RUNS_END not in text:
        raise SystemExit(f"{DOCS}: no {RUNS_END} marker in the launch section")
    DOCS.write_text(text.replace(RUNS_END, f"{row}\n{RUNS_END}"), encoding="utf-8")


def main() -> None:
    args = parse_args()
    command = shlex.join(["python", "benchmarks/bench_launch.py", *sys.argv[1:]])
    admin_sql(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
    admin_sql(f'CREATE DATABASE "{args.database}"')
    server: Server | None = None
    try:
        with tempfile.TemporaryDirectory(prefix="clinwell-bench-") as tmp:
            work_dir = Path(tmp)
            env = server_env(args, work_dir)
            plan_file = work_dir / "plan.json"
            subprocess.run(
                [
                    *(sys.executable, str(ROOT / "benchmarks" / "launch_setup.py")),
                    *("--people", str(args.people), "--out", str(plan_file)),
                ],
                env=env,
                check=True,
            )
            plan = json.loads(plan_file.read_text())
            print(
                f"setup: {plan['invitations']:,} invitations, {plan['questions']} questions, "
                f"{plan['setup_seconds']} s",
                flush=True,
            )
            server = Server(args, env, work_dir / "server.log")
            server.wait_ready(args.workers)
            phases = asyncio.run(drive(args, server, plan))
            server.stop()
            check = verify(args, plan["wave_id"], phases, env)
            print(json.dumps({"check": check}), flush=True)
            log = (work_dir / "server.log").read_text(errors="replace").splitlines()
            # The server's own account of the killed worker (granian: "Unexpected exit from
            # worker-N", "Respawning worker-N"; gunicorn: "SIGKILL", "WORKER TIMEOUT").
            marks = ("Unexpected exit", "Respawning", "crash loop", "TIMEOUT", "SIGKILL")
            print("\n".join(line for line in log if any(mark in line for mark in marks)))
    finally:
        if server is not None:
            server.stop()
        admin_sql(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
    m = phases["measured"]
    print(
        f"\n{m['submissions_per_s']} submissions/s sustained over {m['completed']:,} respondents "
        f"({args.workers} workers × {args.threads} threads, concurrency {args.concurrency}); "
        f"submit p50/p95/p99 {m['submit_ms'][50]}/{m['submit_ms'][95]}/{m['submit_ms'][99]} ms, "
        f"open p50/p95/p99 {m['open_ms'][50]}/{m['open_ms'][95]}/{m['open_ms'][99]} ms; "
        f"fault run: {'no response lost or duplicated' if check['ok'] else 'MISMATCH'}"
    )
    if args.record:
        record(command, args, phases, check)
    if not check["ok"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
