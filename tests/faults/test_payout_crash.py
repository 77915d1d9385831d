"""A transfer-file export and a result import (`madoguchi batch export`, `import-results`)
killed mid-way, then run again: the file is whole or absent, a re-export gives the same bytes,
nothing is paid twice, and the ledger balances (支払済 + 支払不能 + 支払待ち = 支給決定額)."""

from __future__ import annotations

import io
import random
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine

from adapters.banks.zengin_reading import DataRecord, read_transfer_file
from tests.faults.conftest import Stack, report, scalar

PAYEES, TOTAL = 8, 560_000  # the demo town's approved batch


def _killed(stack: Stack, args: tuple[str, ...], *, when: Callable[[], bool],
            then: float) -> bool:
    """Start `madoguchi …`, wait until `when()` holds, SIGKILL it `then` seconds later;
    returns whether it had already ended."""
    process = stack.command(*args).start()
    assert process.popen is not None
    deadline = time.monotonic() + 60
    while not when() and process.popen.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    time.sleep(then)
    ended = process.popen.poll() is not None
    process.kill()
    return ended


def _batch(stack: Stack) -> tuple[str, str]:
    code, listed = stack.run("batch", "list")
    assert code == 0, listed
    [row] = [r.split("\t") for r in listed.strip().splitlines()[1:]
             if r.split("\t")[6] in ("approved", "exported")]
    return row[0], row[2]


def test_an_export_and_an_import_killed_mid_way_pay_nothing_twice_and_the_ledger_balances(
        stack: Stack, engine: Engine, rng: random.Random, tmp_path: Path) -> None:
    code, seeded = stack.run("demo", "--households", "12", "--no-history",
                             MADOGUCHI_ENV="development", MADOGUCHI_TASK_QUEUE="eager")
    assert code == 0 and "approved bank-transfer batch" in seeded, seeded
    batch_id, program = _batch(stack)
    transfer = tmp_path / "transfer.txt"

    # the export writes to a temporary file beside the target, then renames it: the kill
    # lands between its opening and a little after (reading, writing, committing)
    export_delay = rng.uniform(0.0, 0.15)
    export_ended = _killed(
        stack, ("batch", "export", batch_id, "--out", str(transfer)), then=export_delay,
        when=lambda: any(p.name.startswith(".transfer.txt.") for p in tmp_path.iterdir()))
    state_after_kill = scalar(engine, "SELECT state FROM payment_batches WHERE id = :b",
                              b=batch_id)
    left = transfer.read_bytes() if transfer.exists() else None
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".transfer.txt.")]
    code, exported = stack.run("batch", "export", batch_id, "--out", str(transfer))
    assert code == 0, exported
    one_run = stack.last_run_seconds  # most of it is the interpreter starting
    data = transfer.read_bytes()
    code, again = stack.run("batch", "export", batch_id, "--out", str(tmp_path / "again.txt"))
    assert code == 0 and "nothing new is paid" in again, again
    records = [r for r in read_transfer_file(io.BytesIO(data)) if isinstance(r, DataRecord)]

    returned = tmp_path / "returned.csv"
    returned.write_bytes("record,reason\n2,口座なし\n".encode("cp932"))
    import_args = ("batch", "import-results", batch_id, str(returned), "--kind", "returned",
                   "--settle-rest")
    import_delay = rng.uniform(0.5, 0.9) * one_run  # near the end: reading, checking, writing
    import_ended = _killed(stack, import_args, when=lambda: True, then=import_delay)
    settled_after_kill = scalar(engine, "SELECT count(*) FROM disbursements "
                                        "WHERE batch_id = :b AND status = 'settled'", b=batch_id)
    code, imported = stack.run(*import_args)
    assert code == 0, imported
    code, twice = stack.run(*import_args)
    assert code == 0, twice
    code, ledger = stack.run("batch", "ledger", program)

    settled = scalar(engine, "SELECT count(*) FROM disbursements "
                             "WHERE batch_id = :b AND status = 'settled'", b=batch_id)
    failed = scalar(engine, "SELECT count(*) FROM disbursements "
                            "WHERE batch_id = :b AND status = 'failed'", b=batch_id)
    # every application of every program: settled at most once
    per_application = scalar(engine, "SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n "
                                     "FROM disbursements WHERE status = 'settled' "
                                     "GROUP BY application_id) AS paid")
    report("payouts", killed="`madoguchi batch export`, then `batch import-results`",
           export_at=f"{export_delay:.3f} s after it opened its temporary file "
                     f"({'had ended' if export_ended else 'mid-way'}; "
                     f"batch then {state_after_kill}, file "
                     f"{'absent' if left is None else f'{len(left)} bytes'}, "
                     f"temporary files left {len(leftovers)})",
           import_at=f"{import_delay:.2f} s after its start (a whole run: {one_run:.2f} s; "
                     f"{'had ended' if import_ended else 'mid-way'}; "
                     f"settled then {settled_after_kill})",
           payments=PAYEES, exported=len(records), exported_yen=sum(r.amount for r in records),
           re_export_identical=data == (tmp_path / "again.txt").read_bytes(),
           settled=settled, failed=failed, most_settlements_per_application=per_application,
           ledger=ledger.strip().splitlines()[0] if ledger.strip() else "")
    assert left is None or left == data  # never a partial file under the real name
    # nor a partial file of accounts left beside it once the export ran again
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".transfer.txt.")]
    assert data == (tmp_path / "again.txt").read_bytes()
    assert (len(records), sum(r.amount for r in records)) == (PAYEES, TOTAL)
    assert (settled, failed, per_application) == (PAYEES - 1, 1, 1)
    assert "settled 0, failed 0, unchanged" in twice
    assert code == 0 and "balanced" in ledger, ledger
