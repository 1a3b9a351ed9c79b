"""Data governance: the audit trail's pages (entries themselves live in ``clinwell.web.audit``)."""
