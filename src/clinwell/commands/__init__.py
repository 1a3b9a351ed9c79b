"""Sub-commands of the `clinwell` CLI, one module per area.

Each module exposes ``register(app)``, which adds its commands or sub-apps to the root
Typer app built in :mod:`clinwell.cli`. Keeping one module per area lets the areas grow
independently without touching the root.
"""
