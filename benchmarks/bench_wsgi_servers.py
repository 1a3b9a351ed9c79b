"""What the WSGI server itself costs per respondent: gunicorn (gthread) against granian.

The launch-day goal (300 submissions/s on two cores, ``bench_launch.py``) is bounded by CPU
per respondent. This isolates the server's share: each server runs the same trivial WSGI
application shaped like the respondent path — a 20 KB page for the GET, the body read for
the POST — so everything measured is HTTP parsing, connection handling, the WSGI call and
(for gunicorn) its access log. The load generator is the launch benchmark's own client
(``launch_client.Connection``: keep-alive, raw sockets), 16 connections, one GET + one POST
per "respondent".

- gunicorn as ``clinwell serve`` started it until 2026-11-23 (and as an operator who prefers
  gunicorn would run it): gthread worker, ``--workers 3 --threads 4``, access log to stdout
  (here a pipe to ``/dev/null``); installed with the ``dev`` extra;
- granian (HTTP in Rust, the WSGI call in Python) as ``clinwell serve`` runs it now:
  ``--interface wsgi --workers 3 --blocking-threads 4 --access-log --no-ws``.

Run:  .venv/bin/python benchmarks/bench_wsgi_servers.py [--pairs 20000]
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from launch_client import Connection

HOST = "127.0.0.1"
APP = """
PAGE = b"x" * 20000

def application(environ, start_response):
    if environ["REQUEST_METHOD"] == "POST":
        environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    start_response("200 OK", [("Content-Type", "text/html"), ("Content-Length", str(len(PAGE)))])
    return [PAGE]
"""
POST_BODY = b"q=1&" * 60  # about the size of a 30-question answer set


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def tree_cpu_seconds(root: int) -> float:
    """User + system CPU of ``root`` and its direct children (the server's workers)."""
    children = subprocess.run(
        ["pgrep", "-P", str(root)], capture_output=True, text=True, check=False
    ).stdout.split()
    total = 0
    for pid in [str(root), *children]:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def wait_listening(port: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex((HOST, port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit(f"server on port {port} did not start within {timeout:.0f} s")


async def drive(port: int, pairs: int, concurrency: int) -> None:
    remaining = [pairs]

    async def one_connection() -> None:
        conn = Connection(HOST, port, 10.0, behind_tls=False)
        while remaining[0] > 0:
            remaining[0] -= 1
            await conn.request("GET", "/s/x/")
            await conn.request("POST", "/s/x/", body=POST_BODY)
        conn.close()

    await asyncio.gather(*(one_connection() for _ in range(concurrency)))


def measure(name: str, argv: list[str], port: int, pairs: int, concurrency: int) -> str:
    server = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_listening(port)
        asyncio.run(drive(port, 500, concurrency))  # warm-up
        cpu0, client0, wall0 = (
            tree_cpu_seconds(server.pid),
            time.process_time(),
            time.perf_counter(),
        )
        asyncio.run(drive(port, pairs, concurrency))
        wall = time.perf_counter() - wall0
        server_ms = 1000 * (tree_cpu_seconds(server.pid) - cpu0) / pairs
        client_ms = 1000 * (time.process_time() - client0) / pairs
    finally:
        server.terminate()
        server.wait(timeout=30)
    return f"| {name} | {pairs / wall:,.0f} | {server_ms:.2f} | {client_ms:.2f} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=20_000, help="GET + POST pairs per server")
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    for server in ("granian", "gunicorn"):
        if importlib.util.find_spec(server) is None:
            raise SystemExit(f"{server} is not installed: make .venv/.dev-installed")
    with tempfile.TemporaryDirectory() as work:
        Path(work, "trivial_app.py").write_text(APP, encoding="utf-8")
        os.chdir(work)
        servers = {
            "gunicorn gthread 3 × 4, access log": lambda port: [
                sys.executable,
                "-m",
                "gunicorn",
                "trivial_app:application",
                "--bind",
                f"{HOST}:{port}",
                "--workers",
                "3",
                "--threads",
                "4",
                "--access-logfile",
                "-",
            ],
            "granian 3 × 4 blocking threads, access log (`clinwell serve`)": lambda port: [
                sys.executable,
                "-m",
                "granian",
                "--interface",
                "wsgi",
                "--host",
                HOST,
                "--port",
                str(port),
                "--workers",
                "3",
                "--blocking-threads",
                "4",
                "--access-log",
                "--no-ws",
                "trivial_app:application",
            ],
        }
        print("| server | pairs/s | server CPU ms per pair | client CPU ms per pair |")
        print("|---|---|---|---|")
        for name, argv in servers.items():
            port = free_port()
            print(measure(name, argv(port), port, args.pairs, args.concurrency), flush=True)


if __name__ == "__main__":
    main()
