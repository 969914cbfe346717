"""Workbook benchmark: ``cdo validate`` of an .xlsx sheet against ``frictionless validate``
of the same file, in one run.

Writes the first ``--rows`` rows of the validation benchmark's dirty file (generated as
``bench/validate.py`` generates it, if missing) as an .xlsx workbook the way Excel's and
pandas' exporters write one (xlsxwriter: shared strings; numbers, dates, datetimes and
booleans as native cells, the injected errors as the text they are), then runs, each as
its own process:

* ``cdo validate FILE --schema schema.json --format json --limit-errors 10000000``
  (``--repeat`` times, the median)
* ``frictionless validate FILE --schema schema.json --json --limit-errors 10000000``
  (once: it takes tens of seconds)

and prints wall time, peak RSS, rows per second, the ratio, and whether both reported the
same errors.

    python bench/workbook.py [--rows 100000] [--repeat 3] [--out bench/out]
"""

from __future__ import annotations

import csv
import json
import statistics
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

from common import ROOT, SCHEMA, dataset, options, require_schema
from validate import found_errors, run


def write_workbook(source: Path, target: Path, rows: int, schema: dict[str, Any]) -> None:
    """The first ``rows`` rows of ``source`` as a sheet of native cells where they parse."""
    import xlsxwriter

    types = [field["type"] for field in schema["fields"]]
    book = xlsxwriter.Workbook(str(target))
    sheet = book.add_worksheet("skoly")
    day = book.add_format({"num_format": "d.m.yyyy"})
    moment = book.add_format({"num_format": "d.m.yyyy hh:mm:ss"})
    with source.open(encoding="utf-8", newline="") as handle:
        for y, row in enumerate(csv.reader(handle)):
            if y > rows:
                break
            for x, text in enumerate(row):
                kind = types[x] if y and x < len(types) else "string"
                _write(sheet, y, x, text, kind, day, moment)
    book.close()


def _write(sheet: Any, y: int, x: int, text: str, kind: str, day: Any, moment: Any) -> None:
    try:
        if kind == "integer" and text:
            sheet.write_number(y, x, int(text))
        elif kind == "number" and text:
            sheet.write_number(y, x, float(text))
        elif kind == "date" and text:
            parsed = date.fromisoformat(text)
            sheet.write_datetime(y, x, datetime(parsed.year, parsed.month, parsed.day), day)
        elif kind == "datetime" and text:
            sheet.write_datetime(y, x, datetime.fromisoformat(text), moment)
        elif kind == "boolean" and text in ("true", "false"):
            sheet.write_boolean(y, x, text == "true")
        elif text:
            sheet.write_string(y, x, text)
    except ValueError:  # an injected error: the text it is
        sheet.write_string(y, x, text)


def main() -> None:
    parser = options(__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    require_schema()
    python = sys.executable
    source = dataset(args.out, 1_000_000, 0.001)
    schema = json.loads(SCHEMA.read_text("utf-8"))
    workbook = args.out / f"schools-{args.rows}-dirty.xlsx"
    if not workbook.exists():
        write_workbook(source, workbook, args.rows, schema)
    limit = ["--limit-errors", "10000000"]
    times, peaks, ours = [], [], ""
    for _ in range(args.repeat):
        command = [python, "-m", "cdo_toolkit", "validate", str(workbook), "--schema"]
        seconds, peak, ours = run([*command, str(SCHEMA), "--format", "json", *limit], ROOT)
        times.append(seconds)
        peaks.append(peak)
    frictionless = str(Path(python).with_name("frictionless"))
    # Frictionless reads only paths inside the folder it runs in: the schema beside the file.
    beside = args.out / "schema.json"
    if not beside.exists():
        beside.write_text(SCHEMA.read_text("utf-8"), "utf-8")
    their_seconds, their_peak, theirs = run(
        [frictionless, "validate", workbook.name, "--schema", beside.name, "--json", *limit],
        args.out,
    )
    same = found_errors(ours) == found_errors(theirs)
    errors = len(found_errors(ours))
    print(f"{'rows':>9} {'tool':<13} {'seconds':>8} {'peak MiB':>9} {'rows/s':>9} {'ratio':>6}")
    cdo_seconds = statistics.median(times)
    for tool, seconds, peak in (
        ("cdo validate", cdo_seconds, max(peaks)),
        ("frictionless", their_seconds, their_peak),
    ):
        print(
            f"{args.rows:>9,} {tool:<13} {seconds:>8.2f} {peak:>9.0f} "
            f"{args.rows / seconds:>9,.0f} {seconds / cdo_seconds:>5.1f}×"
        )
    print(f"errors found: {errors}; the same in both: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
