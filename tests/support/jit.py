"""A statement over a whole town runs without PostgreSQL's JIT compiler, in its own transaction
only (ADR 0075, 0076): the check both the matching's and the reach count's tests make."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session


def assert_without_jit_in_its_transaction(engine: Engine, run: Callable[[Session], None]) -> None:
    """`run(session)` leaves JIT off in its transaction, and after the commit the connection's
    next user (the pool hands it on) has the server's setting again."""
    if engine.dialect.name != "postgresql":
        pytest.skip("JIT compilation is PostgreSQL's")
    with engine.connect() as connection:  # one connection throughout, not whichever the pool
        default = connection.exec_driver_sql("SHOW jit").scalar_one()
        connection.rollback()
        if default == "off":
            pytest.skip("this server has JIT off already: nothing to tell apart")
        session = Session(bind=connection)
        run(session)
        assert connection.exec_driver_sql("SHOW jit").scalar_one() == "off"
        session.commit()  # as the callers do (the matching's links the verifications)
        session.close()
        assert connection.exec_driver_sql("SHOW jit").scalar_one() == default
