"""What only the registry extract as a whole shows (ADR 0063): a resident number twice, a
household without a head or with two, and so which households cannot be written. Fed, row by
row, what `registry_rows.seen_of` reads of each row (in the writing process, from the chunks
the import's workers checked: ADR 0080)."""

from __future__ import annotations

from array import array
from collections.abc import Collection

from application.residents.registry_rows import HEAD, RowError, Seen, label

__all__ = ["RegistryFileCheck"]


class RegistryFileCheck:
    """What pass one remembers of the file, compactly (a million rows is a real town): each
    resident number with its first row, each household's rows, heads and 住民 members, and which
    households cannot be written because one of their rows is wrong. Feed every row to `add`
    (as `seen_of` reads it), then call `finish` once for the errors only the whole file
    shows."""

    def __init__(self) -> None:
        self.first_rows: dict[str, int] = {}  # resident number → the row it first appears in
        self.unidentified = 0  # rows whose resident number cannot be read
        self._duplicates: dict[str, list[int]] = {}
        self._household_index: dict[str, int] = {}
        # per household: [first row, rows, 住民 rows, head rows...]
        self._households: list[list[int]] = []
        self._household_names: list[str] = []
        self._household_of_row = array("i")  # row number → household index, -1 if none
        self._tainted: set[int] = set()

    def add(self, seen: Seen) -> None:
        """One row as `seen_of` read it."""
        row, number, household, resident, head, valid = seen
        index = self._household(household, row) if household is not None else -1
        if len(self._household_of_row) <= row:
            self._household_of_row.extend([-1] * (row + 1 - len(self._household_of_row)))
        self._household_of_row[row] = index
        if index >= 0:
            entry = self._households[index]
            entry[1] += 1
            entry[2] += resident
            if head:
                entry.append(row)
            if not valid:
                self._tainted.add(index)
        if number is None:
            self.unidentified += 1
        elif number in self.first_rows:
            self._duplicates.setdefault(number, [self.first_rows[number]]).append(row)
        else:
            self.first_rows[number] = row

    def _household(self, number: str, row: int) -> int:
        index = self._household_index.get(number)
        if index is None:
            index = self._household_index[number] = len(self._households)
            self._households.append([row, 0, 0])
            self._household_names.append(number)
        return index

    def finish(self) -> list[RowError]:
        """The file-level errors; afterwards `writable` and `rows_to_write` are final."""
        errors: list[RowError] = []
        for number, rows in self._duplicates.items():
            listed = "・".join(f"{row}行目" for row in rows)
            errors.append(RowError(rows[1], label("resident_number"),
                                   f"{number} が{listed}で重複しています。"))
            self._tainted.update(self._household_of_row[row] for row in rows)
        self._tainted.discard(-1)
        for index, (first_row, _rows, residents, *heads) in enumerate(self._households):
            number = self._household_names[index]
            if residents and not heads:
                errors.append(RowError(first_row, label("relationship"),
                                       f"世帯番号 {number} に世帯主がいません"
                                       f"（続柄が「{HEAD}」の行がありません）。"))
                self._tainted.add(index)
            elif len(heads) > 1:
                listed = "・".join(f"{row}行目" for row in heads)
                errors.append(RowError(heads[1], label("relationship"),
                                       f"世帯番号 {number} に世帯主が{len(heads)}人います"
                                       f"（{listed}）。"))
                self._tainted.add(index)
        return sorted(errors, key=lambda error: error.row or 0)

    @property
    def seen(self) -> Collection[str]:
        """Every resident number the file names, readable rows or not."""
        return self.first_rows.keys()

    @property
    def rows_to_write(self) -> int:
        return sum(entry[1] for index, entry in enumerate(self._households)
                   if index not in self._tainted)

    def writable(self, household_number: str) -> bool:
        """Whether a valid row of this household is written (a household is written whole or
        not)."""
        return self._household_index[household_number] not in self._tainted
