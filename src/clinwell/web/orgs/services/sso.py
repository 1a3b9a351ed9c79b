"""Single sign-on with OpenID Connect, one provider per organization (docs/security.md).

The flow is the authorization code flow with PKCE (S256), a random ``state`` (bound to the
browser's session) and a random ``nonce`` (bound to the ID token). Authlib builds the
authorization URL and exchanges the code; joserfc checks the ID token: its signature
against the provider's published keys (JWKS), the issuer, the audience (our client id),
the expiry and the nonce.

What is trusted: a provider only for addresses in its own e-mail domains. An ID token
whose e-mail is in another domain (or marked unverified) is refused, whatever provider
signed it. A person signing in for the first time gets an account with no access, unless
an open invitation of the provider's organization is for their address: it is accepted.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from authlib.integrations.requests_client import OAuth2Session
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from clinwell.web.accounts.models import User
from clinwell.web.audit.services import record
from clinwell.web.orgs.models import (
    AccessInvitation,
    Membership,
    Organization,
    SingleSignOn,
    SingleSignOnDomain,
)
from clinwell.web.orgs.services import people

SCOPE = "openid email profile"
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256"]
HTTP_TIMEOUT_SECONDS = 10
DISCOVERY_CACHE_SECONDS = 3600
# The provider's keys are fetched again (key rotation) at most this often.
JWKS_REFRESH_SECONDS = 300
# A sign-in started at the provider must come back within this time.
PENDING_SECONDS = 600
# Clock difference allowed between the provider and this server.
LEEWAY_SECONDS = 60


class SingleSignOnError(Exception):
    """A refused single sign-on, with a message for the person."""


# --- configuration --------------------------------------------------------------------


def domain_of(email: str) -> str:
    return email.strip().lower().rpartition("@")[2]


def provider_for_email(email: str) -> SingleSignOn | None:
    """The enabled provider that signs in addresses of this e-mail's domain, or None."""
    domain = domain_of(email)
    if not domain:
        return None
    row = (
        SingleSignOnDomain.objects.select_related("single_sign_on__organization")
        .filter(domain=domain, single_sign_on__enabled=True)
        .first()
    )
    return None if row is None else row.single_sign_on


def password_refused(email: str) -> str | None:
    """Why password sign-in is refused for this address (its domain uses SSO), or None."""
    sso = provider_for_email(email)
    if sso is None or User.objects.filter(email__iexact=email, is_superuser=True).exists():
        # A site superuser never signs in through an organization's provider.
        return None
    return (
        f"Addresses at {domain_of(email)} sign in through {sso.organization.name}'s "
        "identity provider, not with a password: use “Sign in with your organization”."
    )


def configure(
    organization: Organization,
    *,
    issuer: str,
    client_id: str,
    domains: list[str],
    secret_env: str = "",
    secret_file: str = "",
    enabled: bool = True,
) -> SingleSignOn:
    """Create or replace an organization's provider and its e-mail domains."""
    issuer = issuer.strip().rstrip("/")
    if not issuer.startswith(("https://", "http://")):
        raise SingleSignOnError("The issuer must be an https:// URL.")
    if not client_id.strip():
        raise SingleSignOnError("A client id is required.")
    if bool(secret_env) == bool(secret_file):
        raise SingleSignOnError(
            "Give the client secret either as an environment variable name or a file path."
        )
    cleaned = sorted({d.strip().lower().lstrip("@") for d in domains if d.strip()})
    if not cleaned:
        raise SingleSignOnError("At least one e-mail domain is required.")
    with transaction.atomic():
        taken = (
            SingleSignOnDomain.objects.filter(domain__in=cleaned)
            .exclude(single_sign_on__organization=organization)
            .select_related("single_sign_on__organization")
            .first()
        )
        if taken is not None:
            raise SingleSignOnError(
                f"{taken.domain} already signs in through "
                f"{taken.single_sign_on.organization.name}: one provider per domain."
            )
        sso, _ = SingleSignOn.objects.update_or_create(
            organization=organization,
            defaults={
                "issuer": issuer,
                "client_id": client_id.strip(),
                "client_secret_env": secret_env.strip(),
                "client_secret_file": secret_file.strip(),
                "enabled": enabled,
            },
        )
        sso.domains.exclude(domain__in=cleaned).delete()
        for domain in cleaned:
            SingleSignOnDomain.objects.get_or_create(single_sign_on=sso, domain=domain)
        record(
            "change",
            organization_id=organization.pk,
            organization_slug=organization.slug,
            object_type="single_sign_on",
            summary=f"Single sign-on set to {issuer} for {', '.join(cleaned)}",
            detail={"issuer": issuer, "client_id": sso.client_id, "domains": cleaned},
        )
    return sso


def client_secret(sso: SingleSignOn) -> str:
    """The client secret, read from the environment or the file at each use."""
    if sso.client_secret_env:
        value = os.environ.get(sso.client_secret_env, "")
        if not value:
            raise SingleSignOnError(
                "Single sign-on is not available: its client secret is not set "
                f"(environment variable {sso.client_secret_env})."
            )
        return value
    try:
        return Path(sso.client_secret_file).read_text(encoding="utf-8").strip()
    except OSError as error:
        raise SingleSignOnError(
            "Single sign-on is not available: its client secret file cannot be read."
        ) from error


# --- the provider's published documents -------------------------------------------------


def _get_json(url: str) -> dict[str, Any]:
    try:
        response = requests.get(url, timeout=HTTP_TIMEOUT_SECONDS)
        response.raise_for_status()
        data = response.json()
    except (requests.RequestException, ValueError) as error:
        raise SingleSignOnError(
            "The identity provider cannot be reached; try again later."
        ) from error
    if not isinstance(data, dict):
        raise SingleSignOnError("The identity provider answered with something unexpected.")
    return data


def discovery(sso: SingleSignOn) -> dict[str, Any]:
    """The provider's discovery document (``/.well-known/openid-configuration``), cached."""
    key = f"clinwell:oidc-discovery:{sso.issuer}"
    cached = cache.get(key)
    if isinstance(cached, dict):
        return cached
    document = _get_json(f"{sso.issuer}/.well-known/openid-configuration")
    if str(document.get("issuer", "")).rstrip("/") != sso.issuer:
        raise SingleSignOnError("The identity provider's discovery document names another issuer.")
    for field in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not document.get(field):
            raise SingleSignOnError(f"The identity provider's discovery lacks {field}.")
    cache.set(key, document, DISCOVERY_CACHE_SECONDS)
    return document


def _keys(sso: SingleSignOn, *, refresh: bool = False) -> KeySet:
    key = f"clinwell:oidc-jwks:{sso.issuer}"
    if refresh and not cache.add(f"{key}:refreshed", 1, JWKS_REFRESH_SECONDS):
        refresh = False  # refreshed a moment ago: a bad token cannot make us hammer the provider
    jwks = None if refresh else cache.get(key)
    if not isinstance(jwks, dict):
        jwks = _get_json(str(discovery(sso)["jwks_uri"]))
        cache.set(key, jwks, DISCOVERY_CACHE_SECONDS)
    return KeySet.import_key_set(jwks)  # type: ignore[arg-type]


# --- the flow ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Started:
    """A sign-in sent to the provider: where to send the browser, what to remember."""

    url: str
    pending: dict[str, Any]


def _session(sso: SingleSignOn, redirect_uri: str) -> OAuth2Session:
    return OAuth2Session(
        client_id=sso.client_id,
        client_secret=client_secret(sso),
        scope=SCOPE,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_post",  # noqa: S106  (a method name)
    )


def start(sso: SingleSignOn, *, email: str, redirect_uri: str) -> Started:
    """The provider's authorization URL, with fresh state, nonce and PKCE verifier."""
    document = discovery(sso)
    state = secrets.token_urlsafe(32)
    nonce = secrets.token_urlsafe(32)
    verifier = secrets.token_urlsafe(64)
    url, _ = _session(sso, redirect_uri).create_authorization_url(
        str(document["authorization_endpoint"]),
        state=state,
        nonce=nonce,
        code_verifier=verifier,
        login_hint=email,
    )
    pending = {
        "sso": sso.pk,
        "state": state,
        "nonce": nonce,
        "verifier": verifier,
        "since": timezone.now().timestamp(),
    }
    return Started(url=url, pending=pending)


def check_id_token(
    sso: SingleSignOn, id_token: str, *, nonce: str, keys: KeySet | None = None
) -> dict[str, Any]:
    """The ID token's claims once its signature, issuer, audience, expiry and nonce hold.

    The keys are the provider's JWKS; an unknown key id makes one fresh fetch of them (the
    provider may have rotated its keys).
    """
    key_set = keys if keys is not None else _keys(sso)
    try:
        try:
            token = jwt.decode(id_token, key_set, algorithms=ALGORITHMS)
        except (JoseError, ValueError):
            if keys is not None:
                raise
            token = jwt.decode(id_token, _keys(sso, refresh=True), algorithms=ALGORITHMS)
        claims = token.claims
        registry = jwt.JWTClaimsRegistry(
            leeway=LEEWAY_SECONDS,
            iss={"essential": True, "value": sso.issuer},
            aud={"essential": True, "value": sso.client_id},
            exp={"essential": True},
            sub={"essential": True},
            nonce={"essential": True, "value": nonce},
        )
        registry.validate(claims)
    except (JoseError, ValueError) as error:
        raise SingleSignOnError(
            "The identity provider's answer could not be verified; please sign in again."
        ) from error
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != sso.client_id:
        raise SingleSignOnError(
            "The identity provider's answer could not be verified; please sign in again."
        )
    return dict(claims)


def trusted_email(sso: SingleSignOn, claims: dict[str, Any]) -> str:
    """The verified e-mail of the claims, if it is in one of this provider's domains."""
    email = str(claims.get("email") or "").strip().lower()
    if not email or "@" not in email:
        raise SingleSignOnError("The identity provider did not give your e-mail address.")
    if claims.get("email_verified") is False:
        raise SingleSignOnError("The identity provider has not verified your e-mail address.")
    domains = set(sso.domains.values_list("domain", flat=True))
    if domain_of(email) not in domains:
        raise SingleSignOnError(
            f"{sso.organization.name}'s identity provider cannot sign in {email}: "
            "its domain is not one of the organization's."
        )
    return email


def complete(
    pending: dict[str, Any] | None,
    *,
    state: str,
    code: str,
    redirect_uri: str,
    ip: str | None = None,
) -> User:
    """Finish a sign-in: check the state, exchange the code, check the ID token, find the person.

    ``pending`` is what :func:`start` asked the browser's session to keep; a callback whose
    state is not that session's (another browser, a replay) is refused.
    """
    expected = str((pending or {}).get("state") or "").encode()
    if not expected or not secrets.compare_digest(expected, state.encode()):
        raise SingleSignOnError("This sign-in was not started in this browser; please retry.")
    assert pending is not None
    if timezone.now().timestamp() - float(pending.get("since", 0)) > PENDING_SECONDS:
        raise SingleSignOnError("This sign-in took too long; please retry.")
    sso = (
        SingleSignOn.objects.select_related("organization")
        .filter(pk=int(pending.get("sso") or 0), enabled=True)
        .first()
    )
    if sso is None:
        raise SingleSignOnError("Single sign-on is no longer set up for this organization.")
    document = discovery(sso)
    try:
        token = _session(sso, redirect_uri).fetch_token(
            str(document["token_endpoint"]),
            code=code,
            code_verifier=str(pending["verifier"]),
            timeout=HTTP_TIMEOUT_SECONDS,
        )
    except Exception as error:  # Authlib raises OAuthError, requests its own errors
        raise SingleSignOnError(
            "The identity provider refused the sign-in; please sign in again."
        ) from error
    id_token = token.get("id_token")
    if not id_token:
        raise SingleSignOnError("The identity provider did not return an ID token.")
    claims = check_id_token(sso, str(id_token), nonce=str(pending["nonce"]))
    email = trusted_email(sso, claims)
    return person_for(sso, email, name=str(claims.get("name") or ""), ip=ip)


def person_for(sso: SingleSignOn, email: str, *, name: str = "", ip: str | None = None) -> User:
    """The account of a verified address: created without access the first time; an open
    invitation of the provider's organization for the address is accepted."""
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User.objects.create_user(email, None, full_name=name.strip()[:200])
            record(
                "change",
                organization_id=sso.organization.pk,
                organization_slug=sso.organization.slug,
                actor=user,
                object_type="user",
                ip_address=ip,
                summary=f"{email} signed in for the first time through single sign-on",
                detail={"email": email, "issuer": sso.issuer},
            )
        if not user.is_active:
            raise SingleSignOnError("This account is disabled.")
        if user.is_superuser or user.is_staff:
            # An organization's provider is trusted for its organization's people only,
            # never for the site's superusers (they sign in with a password and a code).
            raise SingleSignOnError(
                "This account administers the whole site: sign in with its password."
            )
        invitation = (
            AccessInvitation.objects.filter(
                organization=sso.organization,
                email__iexact=email,
                accepted_at__isnull=True,
                withdrawn_at__isnull=True,
                expires_at__gt=timezone.now(),
            )
            .order_by("-created_at")
            .first()
        )
        if invitation is not None:
            people.accept_open_invitation(invitation, user=user, ip=ip)
    return user


def has_access(user: User) -> bool:
    return Membership.objects.filter(user=user).exists()
