"""Alembic migrations for the iamdeny database (configured in pyproject.toml, `[tool.alembic]`).

Shipped as package data so that `iamdeny db upgrade` works from an installed package; see
`core.store.schema` for the programmatic entry points.
"""
