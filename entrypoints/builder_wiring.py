"""What the procedure builder's pages (手続きを作る, ADR 0055) take from the installation: the
templates library's folder, and the further checks a procedure passes before it is published,
as the town is set up."""

from __future__ import annotations

from pathlib import Path

from application.procedure_builder.publishing import PublishCheck

__all__ = ["TEMPLATE_LIBRARY", "publish_checks"]

# The templates library (テンプレート集): the repository's templates/procedures/ folder.
TEMPLATE_LIBRARY = Path(__file__).resolve().parents[1] / "templates" / "procedures"


def publish_checks(settings: object) -> tuple[PublishCheck, ...]:
    """Further checks before a procedure is published (a fee needs the town's payment
    gateway: where the fees work wires its check, it goes here)."""
    return ()
