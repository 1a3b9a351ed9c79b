"""``{{ text|for_readers }}``: maintainers' notes in a reader's words (a template builtin).

See :mod:`clinwell.knowledge.wording`. Registered in ``settings.TEMPLATES`` as a builtin, so
every template can use it without ``{% load %}``.
"""

from __future__ import annotations

from django import template

from clinwell.knowledge.wording import for_readers as _for_readers

register = template.Library()


@register.filter(name="for_readers", is_safe=True)
def for_readers(value: object) -> str:
    """The value as text, reworded for readers.

    ``is_safe``: the rewording adds no markup characters, so safe input (a rendered block in
    ``{% filter for_readers %}``) stays safe and plain input is still escaped.
    """
    if value is None:
        return ""
    return _for_readers(str(value))
