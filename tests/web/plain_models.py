"""A check shared by the tests of the dangerous constructs that write rows with plain SQL."""

from __future__ import annotations

from django.db import models
from django.db.models.signals import post_save, pre_save


def assert_plain(model: type[models.Model]) -> None:
    """Rows of ``model`` written without ``Model.save`` miss nothing save would do: it has no
    save override, no save signal receivers and no self-filling fields."""
    assert model.save is models.Model.save
    assert not pre_save.has_listeners(model)
    assert not post_save.has_listeners(model)
    for field in model._meta.concrete_fields:
        assert not getattr(field, "auto_now", False)
        assert not getattr(field, "auto_now_add", False)
