"""The suite's shared compiled templates (tests/support/shared_templates.py): an environment on
the shared cache renders what one on its own renders, with its own filters and globals, and a
changed source, other syntax settings, a missing filter, a filter passed the context or other
escaping are compiled anew rather than taken from the cache."""

from __future__ import annotations

import pytest
from flask import Flask
from jinja2 import DictLoader, Environment, TemplateAssertionError, pass_context

from tests.support.shared_templates import SharedTemplates

pytestmark = pytest.mark.unit

PAGE = "{% for n in names %}<li>{{ n | honorific }}</li>{% endfor %}{{ town }}"


def _environment(cache: SharedTemplates | None, source: str = PAGE, *,
                 suffix: str = "様", **options: object) -> Environment:
    environment = Environment(loader=DictLoader({"page.html": source}), autoescape=True,
                              bytecode_cache=cache, **options)
    environment.filters["honorific"] = lambda name: f"{name}{suffix}"
    environment.globals["town"] = f"試験町<{suffix}>"
    return environment


def _render(environment: Environment) -> str:
    return environment.get_template("page.html").render(names=["山田", "<b>鈴木</b>"])


def test_an_environment_on_the_shared_cache_renders_what_its_own_compile_renders() -> None:
    shared = SharedTemplates()

    first, second = _render(_environment(shared)), _render(_environment(shared))

    assert first == second == _render(_environment(None))
    assert "&lt;b&gt;鈴木&lt;/b&gt;様" in first
    assert len(shared) == 1  # the second environment took the first one's code


def test_each_environment_keeps_its_own_filters_and_globals() -> None:
    shared = SharedTemplates()
    _render(_environment(shared))
    own = _render(_environment(None, suffix="さん"))

    assert _render(_environment(shared, suffix="さん")) == own


def test_a_changed_source_is_compiled_again() -> None:
    shared = SharedTemplates()
    _render(_environment(shared))

    changed = _render(_environment(shared, PAGE.replace("li>", "p>")))

    assert changed.startswith("<p>山田様</p>")
    assert len(shared) == 2


def test_other_syntax_settings_do_not_take_the_cached_code() -> None:
    shared = SharedTemplates()
    source = "{{ town }}\n  [% if names %]x[% endif %]\n"
    _render(_environment(shared, source))

    other = _environment(shared, source, block_start_string="[%", block_end_string="%]",
                         trim_blocks=True)

    assert _render(other) == "試験町&lt;様&gt;\n  x"
    assert len(shared) == 2


def test_an_environment_without_the_filter_is_refused_as_its_own_compile_refuses() -> None:
    shared = SharedTemplates()
    _render(_environment(shared))
    without = _environment(shared)
    del without.filters["honorific"]

    with pytest.raises(TemplateAssertionError, match="honorific"):
        _render(without)


def test_a_filter_passed_the_context_is_compiled_for() -> None:
    shared = SharedTemplates()
    _render(_environment(shared))
    with_context = _environment(shared)
    with_context.filters["honorific"] = pass_context(lambda context, name: f"{name}殿")

    assert _render(with_context).startswith("<li>山田殿</li>")
    assert len(shared) == 2


def test_other_escaping_is_compiled_for() -> None:
    shared = SharedTemplates()
    _render(_environment(shared))
    unescaped = _environment(shared)
    unescaped.autoescape = lambda name: False

    assert "<b>鈴木</b>様" in _render(unescaped)


def test_two_flask_apps_share_a_compiled_template() -> None:
    shared = SharedTemplates()

    def app() -> Flask:  # each app has its own bound methods among its Jinja settings
        made = Flask(__name__)
        made.jinja_options = {"bytecode_cache": shared}
        made.jinja_loader = DictLoader({"page.html": PAGE})  # type: ignore[assignment]
        made.jinja_env.filters["honorific"] = lambda name: f"{name}様"
        return made

    rendered = []
    for made in (app(), app()):
        with made.app_context():
            rendered.append(made.jinja_env.get_template("page.html").render(names=["山田"],
                                                                            town="試験町"))

    assert rendered[0] == rendered[1] == "<li>山田様</li>試験町"
    assert len(shared) == 1
