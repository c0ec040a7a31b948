"""Persistence for iamdeny: the one package that imports SQLAlchemy.

Callers pass a `Store` (an engine handle) to small, typed functions and get frozen dataclasses back,
so that nothing outside `core.store` needs SQLAlchemy.
"""

from __future__ import annotations

from core.store.engine import DEFAULT_DATABASE_URL, Store, database_url, make_engine, normalize_url

__all__ = ["DEFAULT_DATABASE_URL", "Store", "database_url", "make_engine", "normalize_url"]
