"""The REST API (Django Ninja): read access to organizations, waves and gated results."""
