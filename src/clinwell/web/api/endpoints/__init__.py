"""Routers of the REST API, one module per area; mounted by :mod:`clinwell.web.api.v1`."""
