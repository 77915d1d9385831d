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


PACKAGES = ("domain", "application", "adapters", "entrypoints", "demo")
MAX_LINES = 400


def _modules() -> dict[str, Path]:
    """Every module of the shipped packages (not the migrations), by dotted name."""
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py") if (ROOT / package).exists() else ():
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def _import_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Who imports whom, counting imports under `if TYPE_CHECKING:` and inside functions too:
    a cycle hidden there is still a boundary in the wrong place."""

    def owner(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parent = package.split(".")[:len(package.split(".")) - node.level + 1]
                    base = ".".join([*parent, base] if base else parent)
                targets.update(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules
                               else base for alias in node.names)
        graph[name] = {found for t in targets if (found := owner(t)) and found != name}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_module_imports_itself_back_through_others() -> None:
    assert _cycles(_import_graph(_modules())) == []


def test_the_cycle_check_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_module_is_longer_than_a_few_hundred_lines() -> None:
    long = {name: count for name, path in _modules().items()
            if (count := len(path.read_text().splitlines())) > MAX_LINES}
    assert long == {}


def test_entry_points_read_through_use_cases_and_views_not_units_of_work() -> None:
    """Pages, API routes and commands call the application (`views.py`, use cases); they never
    open a unit of work themselves."""
    opened = []
    for path in (ROOT / "entrypoints").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.With):
                for item in node.items:
                    call = item.context_expr
                    if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) \
                            and call.func.attr == "uow":
                        opened.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert opened == []


def test_there_is_no_demo_data_in_the_application() -> None:
    assert not (ROOT / "application" / "demo").exists()


def test_the_command_line_imports_line_s_sdk_only_when_it_talks_to_line(tmp_path: Path) -> None:
    """`madoguchi db`, `staff`, `apikey`… (each opens units of work, whose message bus holds
    the LINE rich menus) start and run without LINE's SDK, about 0.8 s of every command; the
    container still makes the real adapters when something talks to LINE."""
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from entrypoints.cli import main\n"
        "for args in (['db', 'upgrade'], ['apikey', 'list'], ['staff', 'create', '--login-id',"
        " 'kanri', '--name', '管理 一郎', '--password-stdin']):\n"
        "    result = CliRunner().invoke(main, args, input='a long enough password\\n')\n"
        "    assert result.exit_code == 0, (args, result.output)\n"
        "assert 'linebot' not in sys.modules, 'imported by a command that says nothing on LINE'\n"
        "from entrypoints.containers import build_container\n"
        "container = build_container()\n"
        "with container.uow():\n"
        "    assert 'linebot' not in sys.modules, 'imported by a unit of work'\n"
        "assert type(container.line_parser()).__module__ == 'adapters.line.webhook'\n"
        "assert type(container.line_rich_menus()).__module__ == 'adapters.line.rich_menus'\n"
        "assert 'linebot' in sys.modules\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=120,
                            env={"PATH": "/usr/bin:/bin", "MADOGUCHI_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
