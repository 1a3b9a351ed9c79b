"""Every URL name is either audited or listed as not recorded, with a reason."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from clinwell.web.audit.routes import EXPORTS, NEVER, NOT_RECORDED, VIEWS, kind_of


def _names(patterns: Any = None, namespace: str = "") -> Iterator[str]:
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            if namespace == "admin":
                yield "admin"
                continue
            name = entry.name or str(entry.pattern)
            yield f"{namespace}:{name}" if namespace else name


def test_every_url_name_has_an_audit_rule() -> None:
    known = VIEWS | EXPORTS | set(NOT_RECORDED) | set(NEVER)
    missing = sorted(set(_names()) - known)
    assert missing == []


def test_the_rules_name_only_existing_routes_and_do_not_overlap() -> None:
    names = set(_names())
    listed = [*VIEWS, *EXPORTS, *NOT_RECORDED, *NEVER]
    assert sorted(set(listed) - names) == []
    assert len(listed) == len(set(listed))


def test_respondent_routes_are_never_recorded_whatever_the_method() -> None:
    for name in ("respond", "respond_anonymous"):
        for method in ("GET", "POST", "PUT", "DELETE"):
            assert kind_of(name, method) is None
    assert kind_of("results:index", "GET") == "view"
    assert kind_of("results:export_csv", "GET") == "export"
    assert kind_of("orgs:settings", "POST") == "change"
