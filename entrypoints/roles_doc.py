"""Print docs/roles.md from the code's rules (the roles' permissions and each route's access
rule): `.venv/bin/python -m entrypoints.roles_doc > docs/roles.md`. The app is built on a
temporary data folder, so nothing of the developer's is read or written."""

from __future__ import annotations

import tempfile

from entrypoints.config import Settings
from entrypoints.containers import build_container
from entrypoints.web import create_app
from entrypoints.web.api.openapi import openapi_document
from entrypoints.web.api.roles import roles_markdown


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(build_container(Settings.from_env({"MADOGUCHI_DATA_DIR": folder})))
        print(roles_markdown(app, openapi_document()), end="")


if __name__ == "__main__":
    main()
