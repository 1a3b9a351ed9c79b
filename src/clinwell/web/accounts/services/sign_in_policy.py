"""Who may sign in with a password: higher apps register a check here.

``accounts`` is below ``orgs`` in the layers contract, so it cannot ask the organizations'
single sign-on set-up itself; ``orgs`` registers :func:`clinwell.web.orgs.services.sso.
password_refused` when it starts (its AppConfig), and the login form asks every check.
"""

from __future__ import annotations

from collections.abc import Callable

PasswordCheck = Callable[[str], "str | None"]
_checks: list[PasswordCheck] = []


def register_password_check(check: PasswordCheck) -> None:
    if check not in _checks:
        _checks.append(check)


def password_refused(email: str) -> str | None:
    """The reason a password sign-in is refused for this address, or None."""
    for check in _checks:
        reason = check(email)
        if reason:
            return reason
    return None
