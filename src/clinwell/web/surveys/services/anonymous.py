"""The rules of a unit's anonymous link: one answer per browser, a rate limit per address,
and a QR code for posters.

An anonymous link cannot know who answers, so it cannot stop one person answering twice from
two devices; it can make the ordinary case clear and the abusive one expensive:

* **One answer per browser.** Once a response from a link is recorded, the response sets a
  cookie (:data:`ANSWERED_COOKIE`) whose path is that link only; a later visit to the link
  from the same browser shows "you have already answered" instead of the form. The cookie
  holds ``1`` and nothing else: it does not name the response, the person or the link, and
  the server keeps no record of it. It lasts until a day after the wave closes.
* **A rate limit per address.** At most :data:`POSTS_PER_WINDOW` submissions of one link
  per client address (:func:`clinwell.web.security.client_address`) in
  :data:`WINDOW_SECONDS`; more answer with a clear "try again later" page (429). The limit is
  generous on purpose: a hospital network often shows many people behind one address. The
  counts live in Django's default cache (the database), under a hash of address and link,
  for one window only.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

import segno
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from clinwell.web.security import client_address
from clinwell.web.surveys.models import AnonymousLink

ANSWERED_COOKIE = "clinwell_answered"
POSTS_PER_WINDOW = 30
WINDOW_SECONDS = 600


def link_path(link: AnonymousLink) -> str:
    return f"/a/{link.token}/"


def already_answered(request: HttpRequest) -> bool:
    """Whether this browser has recorded an answer through the link it is visiting (the
    cookie's path is the link's own, so the browser sends it to that link only)."""
    return request.COOKIES.get(ANSWERED_COOKIE) == "1"


def mark_answered(response: HttpResponse, link: AnonymousLink) -> None:
    """Set the one-answer-per-browser marker on the response that recorded an answer."""
    until = max(link.wave.closes_at + timedelta(days=1), timezone.now() + timedelta(days=1))
    response.set_cookie(
        ANSWERED_COOKIE,
        "1",
        max_age=int((until - timezone.now()).total_seconds()),
        path=link_path(link),
        secure=bool(getattr(settings, "SESSION_COOKIE_SECURE", False)),
        httponly=True,
        samesite="Lax",
    )


def _limit() -> tuple[int, int]:
    posts = int(getattr(settings, "ANONYMOUS_LINK_POSTS_PER_WINDOW", POSTS_PER_WINDOW))
    window = int(getattr(settings, "ANONYMOUS_LINK_WINDOW_SECONDS", WINDOW_SECONDS))
    return posts, window


def over_rate_limit(request: HttpRequest, link: AnonymousLink) -> bool:
    """Count this submission against its address and link; True once over the limit."""
    posts, window = _limit()
    address = client_address(request) or "unknown"
    bucket = int(time.time() // window)
    ident = hashlib.sha256(f"anonymous-link:{link.pk}:{address}".encode()).hexdigest()
    key = f"clinwell:alink:{ident}:{bucket}"
    if cache.add(key, 1, timeout=window):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=window)
            count = 1
    return count > posts


@dataclass(frozen=True)
class PosterLink:
    """An anonymous link as an administrator shares it: its unit, address and QR code."""

    unit: str
    url: str
    qr_svg: SafeString


def qr_svg(url: str, label: str) -> SafeString:
    """The QR code of ``url`` as inline SVG (segno): no style attribute, a title to name it.

    Error correction "M" (15 %) survives a poster's creases and a phone camera at an angle.
    """
    code = segno.make(url, error="m")
    svg = code.svg_inline(scale=4, title=label, svgclass="qr", lineclass=None, omitsize=True)
    return mark_safe(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S308 - segno's SVG; the title is escaped by segno


def poster_links(request: HttpRequest, links: Iterable[AnonymousLink]) -> list[PosterLink]:
    """Each link's full address (as this request reached the server) and QR code."""
    out = []
    for link in links:
        url = request.build_absolute_uri(link_path(link))
        out.append(PosterLink(link.unit.full_name, url, qr_svg(url, f"QR code for {url}")))
    return out
