"""Every key a page shows through `|label` reads as a Japanese label with an English entry, and
the catalogues cover every value the code can store."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask import Flask
from flask_babel import Babel

from adapters.documents.labels import LABELS
from adapters.identity.dev_card import DevCardProvider
from adapters.payments.fake import FakePaymentGateway
from adapters.payments.linepay import LinePayGateway
from adapters.payments.paypay import PayPayGateway
from application.ports.payments import PaymentStatus
from domain.benefits import CHANNEL_LABELS, ApplicationStatus
from domain.cases import CaseEntryKind, CaseStatus
from domain.certificates import IssueState
from domain.channels import IdentityStatus
from domain.residents import VerificationState
from domain.verifications import MatchOutcome
from entrypoints.web.labels import label

pytestmark = pytest.mark.unit

CATALOG = (Path(__file__).resolve().parents[2] / "entrypoints" / "web" / "translations" / "en"
           / "LC_MESSAGES" / "messages.po")


def test_every_label_has_its_english_entry() -> None:
    with CATALOG.open("rb") as source:
        english = {m.id: m.string for m in read_po(source) if m.id}
    labels = {text for kind in LABELS.values() for text in kind.values()}
    assert sorted(text for text in labels if not english.get(text)) == []


@pytest.mark.parametrize(("kind", "values"), [
    ("channel", set(CHANNEL_LABELS)),
    ("verification_method", {DevCardProvider.name, "oidc"}),
    ("payment_provider", {FakePaymentGateway.name, LinePayGateway.name, PayPayGateway.name}),
    ("payment_status", {s.value for s in PaymentStatus}),
    ("identity_status", {s.value for s in IdentityStatus}),
    ("verification_state", {s.value for s in VerificationState}),
    ("match_outcome", {s.value for s in MatchOutcome}),
    ("certificate_state", {s.value for s in IssueState}),
    ("case_status", {s.value for s in CaseStatus}),
    ("case_entry", {s.value for s in CaseEntryKind}),
])
def test_each_catalogue_names_every_value_the_code_stores(kind: str, values: set[str]) -> None:
    assert sorted(values - set(LABELS[kind])) == []


def test_a_key_reads_as_its_label_and_a_status_as_its_own() -> None:
    app = Flask(__name__)
    Babel(app, default_locale="ja")
    with app.test_request_context():
        assert label("dev_card", "verification_method") == "開発用テストカード"
        assert label(PaymentStatus.COMPLETED, "payment_status") == "お支払い済み"
        assert label(ApplicationStatus.CONFIRMED) == ApplicationStatus.CONFIRMED.label
        assert label(None, "channel") == ""
