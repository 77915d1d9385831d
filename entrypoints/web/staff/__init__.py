"""The staff web UI (職員画面) under /staff: every page a town's staff use, in one frame.

`init_staff(app)` installs the frame (`frame.py`) and registers the staff blueprints: the core
pages on `staff` (dashboard, residents, verifications, jobs, administration, accounts), and one
blueprint each for benefits (a package), payment batches, certificates and the inbox (cases).
Page authors: see docs/staff-ui.md."""

from __future__ import annotations

from flask import Flask

from entrypoints.web.staff import (
    administration,
    associations,
    auth,
    circulars,
    contact_ladder,
    departments,
    home,
    jobs,
    kpi,
    members,
    residents,
    rich_menus,
    verifications,
    webhooks,
)
from entrypoints.web.staff.batches import staff_batches
from entrypoints.web.staff.benefits import staff_benefits
from entrypoints.web.staff.case_operations import staff_case_ops
from entrypoints.web.staff.cases import staff_cases
from entrypoints.web.staff.certificates import staff_certificates
from entrypoints.web.staff.consultations import staff_consultations
from entrypoints.web.staff.frame import install_frame, staff
from entrypoints.web.staff.notices import staff_notices
from entrypoints.web.staff.procedures import staff_procedures
from entrypoints.web.staff.segments import staff_segments
from entrypoints.web.staff.surveys import staff_surveys

__all__ = ["init_staff"]

# The modules whose views attach to the `staff` blueprint when imported.
CORE_PAGES = (administration, associations, auth, circulars, contact_ladder, departments,
              home, jobs, kpi, members, residents, rich_menus, verifications, webhooks)


def init_staff(app: Flask) -> None:
    install_frame(app)
    for blueprint in (staff, staff_benefits, staff_batches, staff_certificates, staff_cases,
                      staff_consultations, staff_case_ops, staff_procedures, staff_notices,
                      staff_segments, staff_surveys):
        app.register_blueprint(blueprint)
