"""The container of the running app, for views (Flask keeps it in `app.extensions`)."""

from __future__ import annotations

from flask import current_app

from entrypoints.containers import Container

__all__ = ["container"]


def container() -> Container:
    return current_app.extensions["madoguchi"]
