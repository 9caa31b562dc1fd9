"""`gslookup check`: screening label text, streamed."""

from __future__ import annotations

import sys
from datetime import date
from enum import StrEnum
from typing import Annotated, Any

import typer

from gslookup import kbinfo
from gslookup.commands.common import (
    Color,
    ColorOpt,
    FieldsOpt,
    catalog_of,
)
from gslookup.lines import read_lines
from gslookup.listing import jurisdiction_code
from gslookup.messages import (
    EXIT_NOT_FOUND,
    say,
)
from gslookup.output import CsvWriter, out, stdout_is_terminal
from gslookup.record import (
    dumps_item,
    dumps_line,
    parse_fields,
    select,
)
from gslookup.screening import (
    CONDITIONS,
    CSV_JURISDICTIONS,
    RECORD_KEYS,
    CatalogSource,
    Screener,
    ScreenOptions,
    Summary,
    input_lines,
)
from gslookup.screening import flat as flat_record
from gslookup.text import visible


class CheckFormat(StrEnum):
    table = "table"
    tsv = "tsv"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


Condition = StrEnum("Condition", {c.replace("-", "_"): c for c in CONDITIONS})  # type: ignore[misc]


def check(
    ctx: typer.Context,
    file: Annotated[
        str,
        typer.Argument(
            metavar="[FILE|-]", help="Label text, ingredient lists or names; - reads stdin."
        ),
    ] = "-",
    fmt: Annotated[
        CheckFormat | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            case_sensitive=False,
            help="Output format: table (a terminal's default), tsv (a pipe's default), json, "
            "jsonl, csv.",
        ),
    ] = None,
    fail_on: Annotated[
        list[Condition] | None,
        typer.Option("--fail-on", help="Exit 1 if any line meets this condition (repeatable)."),
    ] = None,
    exact: Annotated[
        bool, typer.Option("--exact", help="Each line is one name, matched whole (0.1.0 mode).")
    ] = False,
    jurisdiction: Annotated[
        str | None,
        typer.Option(metavar="CC", help="not-approved means not approved for humans in CC."),
    ] = None,
    encoding: Annotated[
        str | None,
        typer.Option(help="Input encoding (default: UTF-8, or UTF-16 with a byte-order mark)."),
    ] = None,
    fields: FieldsOpt = None,
    color: ColorOpt = Color.auto,
) -> None:
    """Screen label text: every GH-axis compound named in each line, with its sport verdict.

    Each line may be a name, an ingredient line or a sentence of label text; doses, salts,
    brackets, bullets and blends are understood. Verdicts: prohibited, not-prohibited, unclear,
    possible (a near miss, with a suggestion), no-match. --fail-on conditions: prohibited,
    unclear, possible, not-approved (not approved for humans, in --jurisdiction CC if given),
    no-match (unknown is its old name). A summary goes to stderr.

    Example: gslookup check label.txt --fail-on prohibited --fail-on possible
    """
    keep = parse_fields(fields, RECORD_KEYS)
    code = jurisdiction_code(jurisdiction) if jurisdiction else None
    catalog = catalog_of(ctx)
    screener = Screener(
        CatalogSource(catalog), date.today(), kbinfo.stamp(catalog.knowledge_base([])),
        ScreenOptions(exact=exact, jurisdiction=code),
    )  # fmt: skip
    summary = Summary(conditions=frozenset(c.value for c in fail_on or ()))
    chosen = fmt.value if fmt else ("table" if stdout_is_terminal() else "tsv")
    printer = CheckPrinter(chosen, code, color.value)
    with _open_input(file) as stream:
        for number, line in input_lines(read_lines(stream, encoding), exact):
            results = screener.screen(number, line)
            summary.add(number, results)
            printer.emit([select(record, keep) for record, _ in results])
    printer.close()
    say([f"gslookup: {summary.line()}", *(f"gslookup: {t}" for t in summary.triggers())])
    if summary.triggered:
        raise typer.Exit(EXIT_NOT_FOUND)


def _open_input(file: str) -> Any:
    from contextlib import nullcontext

    if file == "-":
        if sys.stdin.isatty():
            say(["gslookup: reading label text from stdin (Ctrl-D to finish)"])
        return nullcontext(sys.stdin.buffer)
    try:
        return open(file, "rb")
    except OSError as error:
        raise typer.BadParameter(
            f"cannot read {visible(file)}: {error.strerror}", param_hint="FILE"
        ) from None


class CheckPrinter:
    """Prints each line's records as they come, so memory stays flat however long the input."""

    def __init__(self, fmt: str, jurisdiction: str | None, color: str) -> None:
        self.fmt, self.color = fmt, color
        extra = [jurisdiction] if jurisdiction and jurisdiction not in CSV_JURISDICTIONS else []
        self.codes = [*CSV_JURISDICTIONS, *extra]
        self.started = False
        self.writer: Any = None
        self.console: Any = None

    def emit(self, records: list[dict[str, Any]]) -> None:
        if self.fmt == "table":
            self._table(records)
        for item in records:
            if self.fmt == "jsonl":
                out(dumps_line(item))
            elif self.fmt == "json":
                prefix = ",\n  " if self.started else "[\n  "
                out(prefix + dumps_item(item), nl=False)
            elif self.fmt in ("csv", "tsv"):
                self._row(flat_record(item, self.codes))
        self.started = self.started or bool(records)

    def _row(self, row: dict[str, Any]) -> None:
        if self.writer is None:
            self.writer = CsvWriter(
                list(row), dialect="excel-tab" if self.fmt == "tsv" else "excel"
            )
        self.writer.row(row)

    def _table(self, records: list[dict[str, Any]]) -> None:
        # One table per input line, with fixed columns, so a person sees each result at once.
        from gslookup.render import make_console, render_check

        if self.console is None:
            self.console = make_console(self.color)
        render_check(self.console, records, header=not self.started)

    def close(self) -> None:
        if self.fmt == "json":
            out("\n]" if self.started else "[]")
