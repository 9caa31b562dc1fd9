"""`gslookup list`: every compound, one row each, with filters."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Annotated

import typer

from gslookup.commands.common import (
    Color,
    ColorOpt,
    JsonlOpt,
    JsonOpt,
    catalog_of,
    draw,
    echo_json,
    echo_jsonl,
    output_mode,
    write_table,
)
from gslookup.listing import MAIN_JURISDICTIONS, Filters, flat, known_jurisdiction, rows
from gslookup.output import stdout_is_terminal
from gslookup.record import (
    parse_fields,
    select,
)


class Status(StrEnum):
    approved = "approved"
    not_approved = "not-approved"
    refused = "refused"
    withdrawn = "withdrawn"
    discontinued = "discontinued"


class Phase(StrEnum):
    preclinical = "preclinical"
    phase_1 = "phase-1"
    phase_2 = "phase-2"
    phase_3 = "phase-3"
    approved = "approved"


class Compoundable(StrEnum):
    yes = "yes"
    no = "no"
    unclear = "unclear"


class Sort(StrEnum):
    id = "id"
    name = "name"
    drug_class = "class"
    phase = "phase"


LIST_FORMATS = ("table", "tsv", "csv", "json", "jsonl")


def list_(
    ctx: typer.Context,
    drug_class: Annotated[
        str | None, typer.Option("--class", metavar="TEXT", help="Keep classes containing TEXT.")
    ] = None,
    status: Annotated[Status | None, typer.Option(help="Keep this status.")] = None,
    jurisdiction: Annotated[
        str | None,
        typer.Option(
            metavar="CC",
            help="Keep compounds with a status recorded in CC (US, EU, JP ..., or an agency "
            "such as FDA, EMA); with --status, that status in CC.",
        ),
    ] = None,
    prohibited: Annotated[
        bool | None,
        typer.Option("--prohibited/--not-prohibited", help="Keep compounds prohibited in sport."),
    ] = None,
    phase: Annotated[Phase | None, typer.Option(help="Keep this highest phase.")] = None,
    compoundable: Annotated[
        Compoundable | None,
        typer.Option(help="Keep compounds a US 503A pharmacy may (yes) or may not (no) compound."),
    ] = None,
    sort: Annotated[Sort, typer.Option(help="Order of the rows.")] = Sort.id,
    limit: Annotated[
        int | None, typer.Option(metavar="N", min=1, help="Show at most N rows.")
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="Output format: table (a terminal's default), tsv (a pipe's default), "
            "csv, json, jsonl.",
        ),
    ] = None,
    as_json: JsonOpt = False,
    as_jsonl: JsonlOpt = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV with a header row.")] = False,
    as_tsv: Annotated[bool, typer.Option("--tsv", help="Print tab-separated rows.")] = False,
    no_headers: Annotated[
        bool, typer.Option("--no-headers", help="Leave out the header row (table, TSV, CSV).")
    ] = False,
    fields: Annotated[
        str | None,
        typer.Option("--fields", help="Keep only these keys (JSON) or columns (CSV, TSV)."),
    ] = None,
    color: ColorOpt = Color.auto,
) -> None:
    """List all compounds: id, name, class, highest phase, status per jurisdiction, WADA.

    Example: gslookup list --status approved --jurisdiction FDA -f json | jq -r '.[].id'
    """
    mode = output_mode(as_json, as_jsonl, as_csv, fmt, LIST_FORMATS, as_tsv)
    if mode == "terminal" and fields is not None:
        mode = "json"  # --fields implies JSON, as everywhere; CSV and TSV honour it too
    elif mode == "terminal" and fmt is None and not stdout_is_terminal():
        mode = "tsv"  # untruncated rows for a pipe, as gh does
    catalog = catalog_of(ctx)
    compounds = catalog.all_compounds()
    code = None
    if jurisdiction is not None:
        code = known_jurisdiction(
            jurisdiction, (a.jurisdiction for c in compounds for a in c.approvals)
        )
    filters = Filters(
        drug_class,
        status.value if status else None,
        code,
        prohibited,
        phase.value if phase else None,
        compoundable.value if compoundable else None,
    )
    found = list(rows(compounds, filters, sort.value, limit))
    if mode == "terminal":
        from gslookup.render import render_list

        draw(
            ctx, color, lambda console: render_list(console, found, not no_headers), max_width=None
        )
    elif mode in ("json", "jsonl"):
        keep = parse_fields(fields, LIST_FIELDS)
        (echo_json if mode == "json" else echo_jsonl)([select(r, keep) for r in found])
    else:
        codes = _ordered({j for r in found for j in r["status"]} | set(MAIN_JURISDICTIONS))
        flat_rows = [flat(r, codes) for r in found]
        columns = list(flat_rows[0]) if flat_rows else []
        keep_columns = parse_fields(fields, columns) or columns
        write_table([{k: r[k] for k in keep_columns} for r in flat_rows], keep_columns,
                    "\t" if mode == "tsv" else ",", header=not no_headers)  # fmt: skip


LIST_FIELDS = ["id", "name", "drug_class", "short_class", "highest_phase", "status", "veterinary",
               "prohibited", "sport_status", "sport_section", "compoundable"]  # fmt: skip


def _ordered(codes: Iterable[str]) -> list[str]:
    return sorted(codes, key=lambda c: (c not in MAIN_JURISDICTIONS, c != "US", c))
