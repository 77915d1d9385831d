"""Persistence: SQLAlchemy imperative mapping, repositories, unit of work, Alembic migrations."""
