"""A cheap load generator for the launch-day benchmark: asyncio over raw sockets.

Server and client share two cores, so the client must cost far less CPU per request than
the server. A general-purpose client (httpx, aiohttp) spends more time per request in Python
than this minimal HTTP/1.1 one: it writes a request, reads the header block, then exactly
``Content-Length`` bytes (or chunks), and keeps the connection alive unless the server says
``Connection: close`` (gunicorn's sync worker always does).

Each virtual respondent does what a browser does with a personal link: GET the form, keep the
``csrftoken`` cookie and the form's ``csrfmiddlewaretoken``, then POST a complete answer set.
A failed attempt — connection error, timeout or 5xx — is retried with the same request, as a
browser's user would press reload; the server must make that safe (one response per link).
With ``behind_tls`` requests are sent as through a TLS-terminating proxy
(``X-Forwarded-Proto: https`` and a matching ``Origin``), as the production settings expect.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode

RECORDED = b"your answers are recorded"
ALREADY = b"already been recorded"
CSRF_FIELD = b'name="csrfmiddlewaretoken" value="'


class RequestFailed(Exception):
    """The request got no complete HTTP response (refused, reset, timed out, malformed)."""


@dataclass(frozen=True)
class Reply:
    status: int
    cookies: dict[str, str]
    body: bytes


class Connection:
    """One HTTP/1.1 connection to ``host:port``, reopened as needed."""

    def __init__(self, host: str, port: int, timeout: float, *, behind_tls: bool) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        scheme = "https" if behind_tls else "http"
        self.common = f"Host: {host}:{port}\r\nOrigin: {scheme}://{host}:{port}\r\n"
        if behind_tls:
            self.common += "X-Forwarded-Proto: https\r\n"

    async def request(self, method: str, path: str, cookie: str = "", body: bytes = b"") -> Reply:
        try:
            return await asyncio.wait_for(self._request(method, path, cookie, body), self.timeout)
        except (OSError, EOFError, asyncio.IncompleteReadError, TimeoutError, ValueError) as exc:
            self.close()
            raise RequestFailed(f"{method} {path}: {type(exc).__name__}") from exc

    async def _request(self, method: str, path: str, cookie: str, body: bytes) -> Reply:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        head = f"{method} {path} HTTP/1.1\r\n{self.common}"
        if cookie:
            head += f"Cookie: {cookie}\r\n"
        if method == "POST":
            head += (
                "Content-Type: application/x-www-form-urlencoded\r\n"
                f"Content-Length: {len(body)}\r\n"
            )
        self.writer.write(head.encode() + b"\r\n" + body)
        block = await self.reader.readuntil(b"\r\n\r\n")
        lines = block.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        length, chunked, close = -1, False, lines[0].startswith("HTTP/1.0")
        cookies: dict[str, str] = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding":
                chunked = "chunked" in value.lower()
            elif name == "connection":
                close = value.lower() == "close"
            elif name == "set-cookie":
                key, _, rest = value.partition("=")
                cookies[key] = rest.split(";", 1)[0]
        if chunked:
            data = await self._chunks()
        elif length >= 0:
            data = await self.reader.readexactly(length)
        else:
            data, close = await self.reader.read(), True
        if close:
            self.close()
        return Reply(status, cookies, data)

    async def _chunks(self) -> bytes:
        assert self.reader is not None
        parts = []
        while True:
            size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
            parts.append(await self.reader.readexactly(size + 2))
            if size == 0:
                return b"".join(p[:-2] for p in parts)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


@dataclass
class PhaseStats:
    """What one phase measured; latencies in seconds, per successful attempt."""

    open_latency: list[float] = field(default_factory=list)
    submit_latency: list[float] = field(default_factory=list)
    finished_at: list[float] = field(default_factory=list)
    completed: int = 0  # respondents whose answers the server confirmed (once)
    confirmed_by_retry: int = 0  # ... where a retry was told "already recorded"
    with_comment: int = 0
    gave_up: int = 0
    retries: int = 0
    failures: dict[str, int] = field(default_factory=dict)
    start_lag: list[float] = field(default_factory=list)
    started: float = 0.0
    ended: float = 0.0

    def fail(self, reason: str) -> None:
        self.failures[reason] = self.failures.get(reason, 0) + 1


@dataclass(frozen=True)
class Workload:
    host: str
    port: int
    fields: dict[str, list[str]]
    behind_tls: bool = False
    comment_share: float = 0.3
    timeout: float = 10.0
    max_attempts: int = 30


def _answers(work: Workload, rng: random.Random, csrf: str) -> tuple[bytes, bool]:
    pairs = [("csrfmiddlewaretoken", csrf)]
    pairs += [(name, rng.choice(values)) for name, values in work.fields.items()]
    comment = rng.random() < work.comment_share
    if comment:
        pairs.append(("comment", "More protected time for inbox work, please."))
    return urlencode(pairs).encode(), comment


async def _attempt(
    conn: Connection, stats: PhaseStats, method: str, path: str, cookie: str, body: bytes
) -> tuple[Reply, float] | None:
    try:
        sent = time.perf_counter()
        reply = await conn.request(method, path, cookie, body)
    except RequestFailed as exc:
        stats.fail(str(exc).split(": ", 1)[1])
        return None
    if reply.status >= 500:
        stats.fail(f"HTTP {reply.status}")
        return None
    return reply, time.perf_counter() - sent


async def _with_retries(
    conn: Connection, stats: PhaseStats, work: Workload, method: str, path: str, cookie: str = ""
) -> tuple[Reply, float] | None:
    body = b""
    for attempt in range(work.max_attempts):
        if attempt:
            stats.retries += 1
            await asyncio.sleep(min(1.0, 0.05 * 2**attempt))
        result = await _attempt(conn, stats, method, path, cookie, body)
        if result is not None:
            return result
    stats.gave_up += 1
    return None


async def respond(
    conn: Connection, work: Workload, stats: PhaseStats, token: str, rng: random.Random
) -> None:
    """One respondent: open the personal link, then submit a complete answer set."""
    path = f"/s/{token}/"
    opened = await _with_retries(conn, stats, work, "GET", path)
    if opened is None:
        return
    page, latency = opened
    start = page.body.find(CSRF_FIELD)
    if page.status != 200 or start < 0 or "csrftoken" not in page.cookies:
        stats.fail(f"open: HTTP {page.status} without a form")
        return
    stats.open_latency.append(latency)
    start += len(CSRF_FIELD)
    csrf = page.body[start : page.body.index(b'"', start)].decode()
    body, comment = _answers(work, rng, csrf)
    cookie = f"csrftoken={page.cookies['csrftoken']}"
    for attempt in range(work.max_attempts):
        if attempt:
            stats.retries += 1
            await asyncio.sleep(min(1.0, 0.05 * 2**attempt))
        result = await _attempt(conn, stats, "POST", path, cookie, body)
        if result is None:
            continue
        reply, latency = result
        if reply.status == 200 and (RECORDED in reply.body or ALREADY in reply.body):
            stats.submit_latency.append(latency)
            stats.completed += 1
            stats.confirmed_by_retry += ALREADY in reply.body
            stats.with_comment += comment
            stats.finished_at.append(time.perf_counter())
        else:
            stats.fail(f"submit: HTTP {reply.status}")
        return
    stats.gave_up += 1


async def run_phase(
    work: Workload,
    tokens: Sequence[str],
    *,
    concurrency: int,
    rate: float = 0.0,
    max_seconds: float = 600.0,
    seed: int = 1,
    during: Callable[[], Awaitable[None]] | None = None,
) -> PhaseStats:
    """Drive ``tokens`` through ``concurrency`` clients, optionally paced at ``rate`` per s.

    With ``rate`` 0 each client starts its next respondent as soon as the last one is done
    (closed loop: the server's capacity sets the pace). With a rate, respondent ``i`` starts
    at ``i / rate`` seconds (open loop); ``start_lag`` records how late it actually started,
    which grows when the server cannot keep up. No respondent starts after ``max_seconds``.
    """
    stats = PhaseStats()
    queue = iter(range(len(tokens)))
    stats.started = time.perf_counter()

    async def client(n: int) -> None:
        conn = Connection(work.host, work.port, work.timeout, behind_tls=work.behind_tls)
        rng = random.Random(seed * 100_003 + n)
        for i in queue:
            if time.perf_counter() - stats.started > max_seconds:
                break
            if rate:
                due = stats.started + i / rate
                delay = due - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                stats.start_lag.append(max(0.0, -delay))
            await respond(conn, work, stats, tokens[i], rng)
        conn.close()

    side = asyncio.ensure_future(during()) if during else None
    await asyncio.gather(*(client(n) for n in range(concurrency)))
    stats.ended = time.perf_counter()
    if side is not None:
        await side
    return stats


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile by the nearest-rank method (NaN when empty)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))
    return ordered[int(rank) - 1]
