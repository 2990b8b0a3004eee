"""CSV files as records, each read alone: what upload jobs and S3 integrations read.

``csv.reader`` raises ``csv.Error`` for a record it cannot read (a field over
``csv.field_size_limit``, 128 KB, say) and then goes on at the next line. ``csv_records``
turns that error into the record's own problem, so one bad record fails alone and the
records after it are read. The limit itself is the process's (``csv.field_size_limit``
changes it for every reader in the process), so it is kept as it is.

Blank lines and headers are the readers' own rules: upload jobs take the first record as
the header and skip empty records; integrations take the first non-empty record and skip
records whose values are all empty.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import NamedTuple


class CsvRecord(NamedTuple):
    number: int  # its place in the file, the first record (the header) being 1
    line: int  # the file's line it ends on (a quoted value may hold line breaks)
    values: list[str]  # empty when it could not be read
    problem: str | None = None  # why it could not be read (csv's message)


def csv_records(text: str) -> Iterator[CsvRecord]:
    """Every record of ``text``, in order; one that cannot be read carries its problem."""
    reader = csv.reader(io.StringIO(text))
    number = 0
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            number += 1
            yield CsvRecord(number, reader.line_num, [], str(error))
            continue
        number += 1
        yield CsvRecord(number, reader.line_num, values)
