"""The clinwell Django project: settings, URLs and one app per area.

Apps: ``accounts`` (users, login), ``orgs`` (organizations, unit tree, memberships, roster)
and, per later capability, ``surveys``, ``results``, ``actions``, ``ehrweb`` and ``api``.
"""
