"""Template context: the current organization's navigation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from clinwell.web.orgs.models import Membership

# (label, url name, roles that see it; None = every member)
NAV_ITEMS: list[tuple[str, str, tuple[str, ...] | None]] = [
    ("Overview", "dashboard:overview", None),
    ("Surveys", "surveys:index", ("admin",)),
    ("Results", "results:index", None),
    ("Action plans", "actions:index", None),
    ("EHR", "ehrburden:index", ("admin", "leader", "analyst", "executive")),
    ("Knowledge", "knowledgebase:index", None),
    ("Consortium", "consortium-sharing:index", ("admin",)),
    ("Settings", "orgs:settings", ("admin",)),
]


def organization_nav(request: HttpRequest) -> dict[str, Any]:
    membership: Membership | None = getattr(request, "membership", None)
    if membership is None:
        return {}
    slug = membership.organization.slug
    current = request.path
    items = []
    for label, url_name, roles in NAV_ITEMS:
        if roles is not None and membership.role not in roles:
            continue
        try:
            url = reverse(url_name, kwargs={"org_slug": slug})
        except NoReverseMatch:
            continue
        overview = url_name == "dashboard:overview"
        active = current == url if overview else current.startswith(url)
        items.append({"label": label, "url": url, "active": active})
    memberships = []
    if request.user.is_authenticated:
        memberships = list(
            Membership.objects.filter(user=request.user).select_related("organization")
        )
    return {
        "membership": membership,
        "organization": membership.organization,
        "nav_items": items,
        "user_memberships": memberships,
    }
