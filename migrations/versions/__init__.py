"""Alembic revision scripts, one per schema change (Alembic skips this file)."""
