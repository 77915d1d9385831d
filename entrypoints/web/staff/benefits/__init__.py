"""Staff pages for benefit programs (給付金), under /staff/benefits: programs (`programs.py`),
the eligibility list and notices (`campaigns.py`), applications and decisions
(`applications.py`), the exports for 決裁 and finance (`exports.py`), and the postal path
(`postal.py`), all on one blueprint."""

from __future__ import annotations

from entrypoints.web.staff.benefits import applications, campaigns, exports, postal, programs
from entrypoints.web.staff.benefits.blueprint import staff_benefits

__all__ = ["staff_benefits"]

# The modules whose views attach to `staff_benefits` when imported.
PAGES = (programs, campaigns, applications, postal, exports)
