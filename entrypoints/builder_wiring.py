"""What the procedure builder's pages (手続きを作る, ADR 0055) take from the installation: the
templates library's folder, and the further checks a procedure passes before it is published,
as the town is set up."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from application.conversations.checking_procedure import fee_problems
from application.conversations.procedure_templates import TemplateRefused, import_template
from application.procedure_builder.publishing import PublishCheck

__all__ = ["TEMPLATE_LIBRARY", "publish_checks"]

# The templates library (テンプレート集): the repository's templates/procedures/ folder.
TEMPLATE_LIBRARY = Path(__file__).resolve().parents[1] / "templates" / "procedures"


def publish_checks(container: Any) -> tuple[PublishCheck, ...]:
    """Further checks before a procedure is published, as the town is set up: a fee needs the
    town's payment gateway (ADR 0053)."""
    gateway_configured = bool(container.payment_gateway_configured())

    def fee_needs_a_gateway(template: dict[str, Any]) -> None:
        problems = fee_problems(import_template(template).procedure,
                                gateway_configured=gateway_configured)
        if problems:
            raise TemplateRefused(problems)

    return (fee_needs_a_gateway,)
