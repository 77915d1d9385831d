"""The layers point inward, the domain imports only the standard library and attrs, and the
code is lint-clean. These run in the test command so a broken rule fails the build."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_the_domain_imports_only_itself_the_standard_library_and_attrs() -> None:
    allowed = set(sys.stdlib_module_names) | {"attrs", "domain", "__future__"}
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imports(path) - allowed)
        for path in (ROOT / "domain").rglob("*.py")
        if _imports(path) - allowed
    }
    assert offenders == {}


def test_the_application_imports_only_the_domain_the_standard_library_and_attrs() -> None:
    allowed = set(sys.stdlib_module_names) | {"attrs", "domain", "application", "__future__"}
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imports(path) - allowed)
        for path in (ROOT / "application").rglob("*.py")
        if _imports(path) - allowed
    }
    assert offenders == {}


def test_the_demo_imports_only_the_application_the_domain_and_attrs() -> None:
    allowed = set(sys.stdlib_module_names) | {"attrs", "domain", "application", "demo",
                                              "__future__"}
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imports(path) - allowed)
        for path in (ROOT / "demo").rglob("*.py")
        if _imports(path) - allowed
    }
    assert offenders == {}


def test_import_linter_contracts_are_kept() -> None:
    result = subprocess.run([str(BIN / "lint-imports")], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_finds_nothing() -> None:
    result = subprocess.run([str(BIN / "ruff"), "check", "."], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_module_does_io_at_import_time() -> None:
    """Importing every package builds no engine and opens no connection."""
    code = (
        "import sqlalchemy, sys\n"
        "created = []\n"
        "real = sqlalchemy.create_engine\n"
        "sqlalchemy.create_engine = lambda *a, **k: created.append(a) or real(*a, **k)\n"
        "import domain, application, adapters, entrypoints, demo\n"
        "import pkgutil, importlib\n"
        "for pkg in ('domain', 'application', 'adapters', 'entrypoints', 'demo'):\n"
        "    for m in pkgutil.walk_packages(importlib.import_module(pkg).__path__, pkg + '.'):\n"
        "        skip = ('entrypoints.wsgi', 'entrypoints.__main__')\n"
        "        if m.name in skip or '.migrations' in m.name:\n"
        "            continue\n"
        "        importlib.import_module(m.name)\n"
        "assert not created, created\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
