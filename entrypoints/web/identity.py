"""Where residents verify: the development card page and the identity provider's callback (an
identity plug-in's at /identity/callback/<name>, ADR 0073).

Both end on a page that says what happened and sends the resident back to the chat, where the
result is also posted. The attempt's one-time `state` is what ties the page to the resident.
Each is rate limited per client address (MADOGUCHI_RATE_LIMIT_VERIFICATION_ADDRESS).
"""

from __future__ import annotations

import logging

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _

from application.ports.plugins import identity_callback_path
from application.residents.registering_verification import register_verification
from application.residents.town import Town
from application.residents.views import people_to_notify, test_people
from demo.seeding_town import DEMO_PROGRAM_NAME
from domain.errors import DomainError
from domain.residents import PersonalFacts
from domain.verifications import VerificationStatus
from entrypoints.web.access import public
from entrypoints.web.rate_limits import VERIFICATION_ADDRESS, rate_limited
from entrypoints.web.resident import session as resident_session
from entrypoints.web.services import container

__all__ = ["identity"]

log = logging.getLogger(__name__)

identity = Blueprint("identity", __name__, url_prefix="/identity")

TEST_PEOPLE = 6
DEMO_PREFIX = "D"  # demo.synthetic_town numbers its residents D000000001, …


def _dev_card_allowed() -> bool:
    services = container()
    return (services.config.environment() != "production"
            and services.config.identity_provider() == "dev_card")


@identity.get("/dev-card")
@public
@rate_limited(VERIFICATION_ADDRESS)
def dev_card():  # type: ignore[no-untyped-def]
    if not _dev_card_allowed():
        abort(404)
    return render_template("identity_dev_card.html", state=request.args.get("state", ""),
                           people=_test_people(), error=None, form={},
                           town=container().config.town_full_name())


@identity.post("/dev-card")
@public
@rate_limited(VERIFICATION_ADDRESS)
def dev_card_submit():  # type: ignore[no-untyped-def]
    if not _dev_card_allowed():
        abort(404)
    services = container()
    try:
        verified = services.identity_provider().complete(request.form.to_dict())
    except DomainError as error:
        return render_template("identity_dev_card.html", state=request.form.get("state", ""),
                               people=_test_people(), error=_(error.message),
                               form=request.form, town=services.config.town_full_name()), 400
    return _registered(verified)


@identity.get("/callback/oidc")
@public
@rate_limited(VERIFICATION_ADDRESS)
def oidc_callback():  # type: ignore[no-untyped-def]
    services = container()
    if services.config.identity_provider() != "oidc":
        abort(404)
    try:
        verified = services.identity_provider().complete(request.args.to_dict())
    except DomainError as error:
        return render_template("identity_result.html", ok=False,
                               message=_(error.message)), 400
    return _registered(verified)


# The identity providers with routes of their own (the card's form, OpenID Connect's callback).
_OWN_ROUTES = frozenset({"dev_card", "oidc"})


@identity.route(identity_callback_path("<provider>").removeprefix("/identity"),
                methods=["GET", "POST"])
@public
@rate_limited(VERIFICATION_ADDRESS)
def plugin_callback(provider: str):  # type: ignore[no-untyped-def]
    """An identity plug-in's callback (ADR 0073), for the chosen provider only: its query (a
    redirect) or its form (a form_post response), through the port's `complete`."""
    services = container()
    if provider in _OWN_ROUTES or provider != services.config.identity_provider():
        abort(404)
    try:
        verified = services.identity_provider().complete(
            {**request.args.to_dict(), **request.form.to_dict()})
    except DomainError as error:
        return render_template("identity_result.html", ok=False,
                               message=_(error.message)), 400
    return _registered(verified)


def _registered(verified):  # type: ignore[no-untyped-def]
    services = container()
    try:
        record = register_verification(verified, uow=services.uow(), ids=services.ids(),
                                       keyer=services.match_keyer())
    except DomainError as error:
        return render_template("identity_result.html", ok=False,
                               message=_(error.message)), 400
    services.outbox_notifier().wake()
    linked = record.status is VerificationStatus.LINKED
    on_web = resident_session.signed_in_address() is not None  # from the web channel's page
    if linked:
        message = (_("本人確認が完了しました。窓口のページに戻ってください。") if on_web else
                   _("本人確認が完了しました。LINEのトークに戻ってください。"))
    elif on_web:
        message = _("本人確認を受け付けました。住民記録との照合に職員の確認が必要なため、結果は"
                    "窓口のページでお知らせします。")
    else:
        message = _("本人確認を受け付けました。住民記録との照合に職員の確認が必要なため、結果は"
                    "LINEのトークでお知らせします。")
    return render_template("identity_result.html", ok=True, message=message, on_web=on_web)


def _test_people() -> list[dict[str, object]]:
    """A few people of the synthetic demo registry (their numbers start with the demo prefix;
    a real registry's never do), to fill the form in one tap: first the heads of households
    the demo program has not notified yet (labelled 口座登録あり when an earlier benefit was
    paid to their account), else the first residents. The card carries the full address: the
    registry's town-relative one gets the town's prefecture and city."""
    services = container()
    config = services.config
    town = Town(prefecture=config.town_prefecture(), city=config.town_city())
    story = people_to_notify(DEMO_PROGRAM_NAME, TEST_PEOPLE, prefix=DEMO_PREFIX,
                             uow=services.uow())
    if story:
        return [{"card": _card(p.facts, town), "name": p.facts.name.name,
                 "date_of_birth": p.facts.date_of_birth.value.isoformat(),
                 "note": (_("口座登録あり（%(account)s）", account=p.account_on_file)
                          if p.account_on_file else _("口座登録なし")),
                 "household": p.household_number}
                for p in story]
    return [{"card": _card(facts, town), "name": facts.name.name,
             "date_of_birth": facts.date_of_birth.value.isoformat(), "note": "",
             "household": ""}
            for facts in test_people(TEST_PEOPLE, prefix=DEMO_PREFIX, uow=services.uow())]


def _card(facts: PersonalFacts, town: Town) -> dict[str, str]:
    return {"name": facts.name.name, "kana": facts.name.kana or "",
            "address": town.full_address(facts.address.text),
            "postal_code": facts.address.postal_code or "",
            "date_of_birth": facts.date_of_birth.value.isoformat(), "sex": facts.sex.value}
