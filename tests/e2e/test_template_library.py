"""The library of procedure templates (templates/procedures/), each walked end to end: imported
into a fresh town, published with a place in the menu, then a resident follows the account in
the LINE simulator (the real SDK), verifies with the development card when the procedure needs
it, taps the procedure in the menu and answers as its walk says
(tests/fixtures/template_walks/<file>): the case lands in the right department with the
answers, or the guide says its last words and opens none; an event full after its first
application refuses the next resident.

A walk is a list of steps, each one of: {"tap": label} (a button of the newest message),
{"tap_first": why} (its first button: a date the calendar offers), {"type": text},
{"photo": bytes}, {"location": [latitude, longitude, address]}, {"confirm_facts": true} (はい
to what the town holds of a verified resident, when it is shown) and {"pay": amount} (the
fee, on the fake provider's page)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import select, text

from application.access.actor import Actor
from application.procedure_builder.drafting import SaveDraft, save_draft
from application.procedure_builder.importing import ImportTemplate, import_procedure
from application.procedure_builder.publishing import publish_procedure
from domain.staff import Role
from domain.surveys import SurveyAnswer
from tests.e2e.conftest import Stack
from tests.e2e.test_registration import (
    _card_form,
    _post,
    _registry_person,
    _seed,
    _verify_url,
)

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted((ROOT / "templates" / "procedures").glob("*.json"))
WALKS = ROOT / "tests" / "fixtures" / "template_walks"
ADMIN = Actor(id="cli:test", role=Role.ADMINISTRATOR, label="cli:test")
JPEG = b"\xff\xd8\xff\xe0"
FACTS_SHOWN = "この内容でよろしいですか"  # what the town holds, shown to a verified resident


def _read(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text("utf-8"))


def _publish(stack: Stack, template: dict[str, Any], walk: dict[str, Any]) -> str:
    """Import the template as the builder does (its id taken: another), then place it in the
    menu on LINE and publish it; returns the label residents tap."""
    container = stack.container
    template = json.loads(json.dumps(template))
    if "capacity" in walk:  # lowered, so that the next resident finds it full
        template["procedure"]["capacity"] = walk["capacity"]
    built = import_procedure(ImportTemplate(template=template, actor=ADMIN,
                                            procedure_id=walk.get("import_as")),
                             uow=container.uow(), clock=container.clock(),
                             shipped=frozenset(container.procedures().builtins))
    label = walk.get("menu_label") or built.title[:20]
    save_draft(SaveDraft(template=built.draft, actor=ADMIN, channels=("line", "web"),
                         in_menu=True, menu_label=label, menu_order=1),
               uow=container.uow(), clock=container.clock())
    publish_procedure(built.id, actor=ADMIN, uow=container.uow(), clock=container.clock())
    return label


def _resident(stack: Stack, *, verify: bool) -> str:
    if not verify:
        user = stack.resident()
        stack.sim.follow(user)
        return user
    person = _registry_person(stack.container)
    user = stack.resident(person.facts.name.name)
    url = _verify_url(stack, user)  # follows, taps 本人確認
    status, body = _post(url.split("?")[0], _card_form(url, person.facts))
    assert status == 200 and "本人確認が完了しました" in body, body
    return user


def _open_from_menu(stack: Stack, user: str, label: str) -> None:
    stack.sim.send_text(user, "メニュー")
    stack.tap(user, label)


def _take(stack: Stack, user: str, step: dict[str, Any]) -> None:
    if "tap" in step:
        stack.tap(user, step["tap"])
    elif "tap_first" in step:
        [first, *_] = stack.last(user)["quickReply"]["items"]
        action = first["action"]
        assert stack.sim.postback(user, action["data"], action["label"]).status == 200
    elif "type" in step:
        assert stack.sim.send_text(user, step["type"]).status == 200
    elif "photo" in step:
        stack.sim.send_image(user, JPEG + step["photo"].encode(), "image/jpeg")
    elif "location" in step:
        latitude, longitude, address = step["location"]
        stack.sim.send_location(user, latitude=latitude, longitude=longitude, address=address)
    elif "confirm_facts" in step:
        if FACTS_SHOWN in stack.texts(user)[-1]:
            stack.tap(user, "はい")
    elif "pay" in step:
        _pay(stack, user, step["pay"])
    else:
        raise AssertionError(f"unknown step {step}")


def _pay(stack: Stack, user: str, amount: str) -> None:
    """The fee's link in the newest message that has one, paid on the fake provider's page."""
    links = [action["uri"] for message in reversed(stack.messages(user))
             for action in _actions(message) if action.get("type") == "uri"
             and "支払" in action.get("label", "")]
    assert links, f"no link to pay in {stack.texts(user)[-3:]}"
    with requests.Session() as browser:
        page = browser.get(links[0], timeout=10)  # → the provider's page
        assert page.status_code == 200 and amount in page.text, page.text
        back = browser.post(page.url, data={"action": "pay"}, timeout=10)
        assert back.status_code == 200, back.text


def _actions(message: dict[str, Any]) -> list[dict[str, Any]]:
    actions = [item["action"] for item in message.get("quickReply", {}).get("items", [])]
    actions += message.get("template", {}).get("actions", [])
    footer = message.get("contents", {}).get("footer", {})
    return actions + [button["action"] for button in footer.get("contents", [])]


def _cases(stack: Stack, procedure_id: str) -> list[tuple[str, list[tuple[str, str]], int]]:
    """(department, answers, photos) of each case the procedure opened."""
    with stack.container.uow() as uow:
        departments = {d.id: d.name for d in uow.departments.all()}
        ids = uow.session.execute(  # type: ignore[attr-defined]
            text("select id from cases where procedure_id = :p"), {"p": procedure_id}).all()
        found = [uow.cases.get(row[0]) for row in ids]
        return [(departments.get(case.department_id, ""),
                 [tuple(answer) for answer in case.answers], len(case.photos))
                for case in found]


def _survey_answers(stack: Stack, survey_id: str) -> list[Any]:
    with stack.container.uow() as uow:
        return list(uow.session.scalars(  # type: ignore[attr-defined]
            select(SurveyAnswer).where(SurveyAnswer.survey_id == survey_id)))


def test_every_template_of_the_library_has_a_walk() -> None:
    assert len(TEMPLATES) >= 12
    assert sorted(path.stem for path in WALKS.glob("*.json")) == [p.stem for p in TEMPLATES]


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: path.stem)
def test_a_resident_walks_the_template_from_the_menu_to_its_outcome(stack: Stack,
                                                                    path: Path) -> None:
    template, walk = _read(path), _read(WALKS / path.name)
    _seed(stack.container)  # a town: its departments, a registry to verify against
    label = _publish(stack, template, walk)
    procedure_id = walk.get("import_as") or template["procedure"]["id"]
    user = _resident(stack, verify=walk.get("verify", False))

    _open_from_menu(stack, user, label)
    assert f"「{template['procedure']['title']}」の手続きを始めます" in " ".join(
        stack.texts(user)[-3:])
    for step in walk["steps"]:
        _take(stack, user, step)

    expect = walk["expect"]
    said = stack.texts(user)
    last = said[-3:]  # a fee's confirmation may come with the completion message
    assert any(expect["said"] in line for line in last), last
    for shown in expect.get("shown", ()):
        assert any(shown in line for line in said), shown
    cases = _cases(stack, procedure_id)
    if "survey" in expect:
        [answer] = _survey_answers(stack, procedure_id)
        assert (answer.score, answer.answers, answer.resident_id) == (
            expect["survey"]["score"], expect["survey"]["answers"], None)
    if expect.get("case", True) is False:
        assert cases == [] and not any("受付番号" in line for line in last)
        return
    [(department, answers, photos)] = cases
    assert any("受付番号" in line for line in last), last
    assert department == expect["department"]
    assert photos == expect.get("photos", 0)
    for answer in expect["answers"]:
        assert tuple(answer) in answers, (answer, answers)
    if "full_for_the_next" in expect:
        other = _resident(stack, verify=False)
        _open_from_menu(stack, other, label)
        assert any(expect["full_for_the_next"] in line for line in stack.texts(other)[-2:])
        assert len(_cases(stack, procedure_id)) == 1
