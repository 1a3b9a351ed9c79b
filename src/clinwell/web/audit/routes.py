"""Which pages the audit trail records, keyed on URL names.

Every URL name of the project is in exactly one of :data:`VIEWS` (a GET is recorded as a
view), :data:`EXPORTS` (a GET is recorded as an export: a file left the system) or
:data:`NOT_RECORDED` (with the reason); ``tests/web/audit/test_routes.py`` fails on a URL
name missing from all three, so a new page is never silently unaudited.

A form post (POST, PUT, PATCH, DELETE) by a signed-in person to any route not in
:data:`NEVER` is recorded as a change. Routes in :data:`NEVER` are never recorded in any
way: respondent pages and survey submissions (an entry could link a person to a response).
"""

from __future__ import annotations

# Posts whose service writes a fuller entry (before and after) than the middleware could.
RECORDED_BY_SERVICE: frozenset[str] = frozenset(
    {
        "orgs:invite",
        "orgs:member",
        "orgs:member_remove",
        "orgs:invitation_withdraw",
        "accept_invitation",
    }
)

NEVER: dict[str, str] = {
    "respond": "a respondent's survey page: recording it could link a person to a response",
    "respond_anonymous": "a respondent's anonymous-link page: same reason",
}

VIEWS: frozenset[str] = frozenset(
    {
        # results, comments and the overview built from them
        "dashboard:overview",
        "results:index",
        "results:heatmap",
        "results:drivers",
        "results:trends",
        "results:equity",
        "results:comments",
        # people: roster, units, access
        "orgs:roster",
        "orgs:units",
        "orgs:unit",
        "orgs:settings",
        "orgs:people",
        "governance:audit",
        # survey waves (response counts per unit)
        "surveys:index",
        "surveys:detail",
        "surveys:monitor",
        # EHR burden
        "ehrburden:index",
        "ehrburden:run",
        "ehrburden:actions",
        "ehrburden:remap",
        # action plans and the burden report
        "actions:index",
        "actions:detail",
        "actions:burden",
        # consortium pages with benchmark results
        "consortium:overview",
        "consortium:members",
        "consortium:benchmarks",
        "consortium:evidence",
        "consortium:releases",
        "consortium-sharing:index",
        "consortium-sharing:evidence",
        # the REST API (bearer-token reads of organization data and results)
        "api-v1:list_organizations",
        "api-v1:get_organization",
        "api-v1:list_units",
        "api-v1:list_waves",
        "api-v1:get_wave",
        "api-v1:wave_results",
        "api-v1:wave_comments",
        "api-v1:wave_themes",
        "consortium-api-v1:list_contributions",
        "consortium-api-v1:my_position",
        "consortium-api-v1:pooled_evidence",
    }
)

EXPORTS: frozenset[str] = frozenset(
    {
        "results:export_csv",
        "dashboard:report_pdf",
        "surveys:nonresponders",
        "actions:burden_pdf",
        "consortium:evidence-download",
        "consortium-sharing:download",
        "governance:audit_export",
        "governance:export",
    }
)

NOT_RECORDED: dict[str, str] = {
    "home": "the list of the person's own organizations",
    "healthz": "health check, no data",
    "accounts:login": "sign-ins are recorded by the sign-in signals instead",
    "accounts:logout": "sign-outs are recorded by the sign-in signals instead",
    "accounts:two_factor_verify": "the code step of sign-in (recorded by the sign-in signals)",
    "accounts:two_factor_setup": "the person's own authenticator set-up",
    "accounts:recovery_codes": "the person's own recovery codes",
    "sso:start": "the start of a single sign-on (recorded by the sign-in signals when it ends)",
    "sso:callback": "the end of a single sign-on: recorded by the sign-in signals",
    "surveys:create": "a form; its post is recorded as a change",
    "surveys:edit": "a form; its post is recorded as a change",
    "surveys:preview": "the questionnaire without answers",
    "surveys:job": "progress of a sending job (counts only)",
    "surveys:acknowledge": "a form; its post is recorded as a change",
    "surveys:launch": "a form; its post is recorded as a change",
    "surveys:close": "a form; its post is recorded as a change",
    "surveys:send": "a confirmation form; its post is recorded as a change",
    "surveys:email": "a form; its post is recorded as a change",
    "surveys:copy": "a form; its post is recorded as a change",
    "surveys:instrument_texts": "the list of instruments and whether their text is loaded",
    "surveys:instrument_text": "a form; its post is recorded as a change",
    "surveys:anonymous_link": "a form; its post is recorded as a change",
    "ehrburden:new": "an upload form; its post is recorded as a change",
    "ehrburden:status": "progress of a run (a state name)",
    "ehrburden:sample": "synthetic sample files",
    "actions:new": "a form; its post is recorded as a change",
    "actions:edit": "a form; its post is recorded as a change",
    "actions:status": "a form; its post is recorded as a change",
    "actions:add_milestone": "a form; its post is recorded as a change",
    "actions:milestone_done": "a form; its post is recorded as a change",
    "knowledgebase:index": "published evidence, no organization data",
    "knowledgebase:nam": "published evidence, no organization data",
    "knowledgebase:nasem": "published evidence, no organization data",
    "knowledgebase:levels": "published evidence, no organization data",
    "knowledgebase:interventions": "published evidence, no organization data",
    "knowledgebase:intervention": "published evidence, no organization data",
    "knowledgebase:resources": "published evidence, no organization data",
    "knowledgebase:recognition": "published evidence, no organization data",
    "orgs:import_units": "an upload form; its post is recorded as a change",
    "orgs:import_roster": "an upload form; its post is recorded as a change",
    "api-tokens": "the person's own API tokens; creating one is recorded as a change",
    "api-token-revoke": "a form; its post is recorded as a change",
    "consortium:new-token": "a form; its post is recorded as a change",
    "consortium:contribute": "a form; its post is recorded as a change",
    "consortium:withdraw": "a form; its post is recorded as a change",
    "consortium:report": "the consortium's public report (published, no tenant data)",
    "consortium:latest-report": "the consortium's public report (published, no tenant data)",
    "consortium-sharing:send": "a form; its post is recorded as a change",
    "api-v1:api-root": "the API's index (links only)",
    "api-v1:openapi-json": "the API's description",
    "api-v1:openapi-view": "the API's documentation page",
    "api-v1:list_interventions": "published evidence, no organization data",
    "api-v1:list_resources": "published evidence, no organization data",
    "consortium-api-v1:api-root": "the API's index (links only)",
    "consortium-api-v1:openapi-json": "the API's description",
    "consortium-api-v1:openapi-view": "the API's documentation page",
    "consortium-api-v1:public_report": "the consortium's public report (published)",
    "consortium-api-v1:submit_contribution": "a post; recorded as a change",
    "orgs:invite": "recorded by the service, with the role and units",
    "orgs:member": "recorded by the service, with the role before and after",
    "orgs:member_remove": "recorded by the service, with the role before",
    "orgs:invitation_withdraw": "recorded by the service",
    "accept_invitation": "the invitee's own page; accepting is recorded by the service",
    "admin": "Django's admin (superusers only); posts are recorded as changes",
}


def kind_of(view_name: str, method: str) -> str | None:
    """``view``, ``export`` or ``change`` for a request to ``view_name``; None: not recorded."""
    if view_name in NEVER:
        return None
    if method in ("GET", "HEAD"):
        if view_name in EXPORTS:
            return "export"
        if view_name in VIEWS:
            return "view"
        return None
    if view_name in RECORDED_BY_SERVICE:
        return None
    return "change"
