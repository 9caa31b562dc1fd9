"""`gslookup list`: every compound, one row each, with filters."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Annotated

import typer

from gslookup.commands.common import (
    Color,
    ColorOpt,
    FieldsOpt,
    JsonlOpt,
    JsonOpt,
    catalog_of,
    echo_json,
    echo_jsonl,
    output_mode,
    write_csv,
)
from gslookup.listing import MAIN_JURISDICTIONS, Filters, flat, rows
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


def list_(
    ctx: typer.Context,
    drug_class: Annotated[
        str | None, typer.Option("--class", help="Keep classes containing this text.")
    ] = None,
    status: Annotated[Status | None, typer.Option(help="Keep this status.")] = None,
    jurisdiction: Annotated[
        str | None, typer.Option(help="With --status: in this jurisdiction (US, EU, JP ...).")
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
    as_json: JsonOpt = False,
    as_jsonl: JsonlOpt = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV with a header row.")] = False,
    fields: FieldsOpt = None,
    color: ColorOpt = Color.auto,
) -> None:
    """List all compounds: id, name, class, highest phase, status per jurisdiction, WADA.

    Example: gslookup list --status approved --jurisdiction US --json | jq -r '.[].id'
    """
    mode = output_mode(as_json, as_jsonl, as_csv)
    filters = Filters(
        drug_class,
        status.value if status else None,
        jurisdiction,
        prohibited,
        phase.value if phase else None,
        compoundable.value if compoundable else None,
    )
    found = list(rows(catalog_of(ctx).all_compounds(), filters))
    keep = parse_fields(fields, LIST_FIELDS)
    if mode == "json":
        echo_json([select(r, keep) for r in found])
    elif mode == "jsonl":
        echo_jsonl(select(r, keep) for r in found)
    elif mode == "csv":
        codes = sorted({j for r in found for j in r["status"]} | set(MAIN_JURISDICTIONS))
        write_csv([flat(select(r, keep), _ordered(codes)) for r in found])
    else:
        from gslookup.render import make_console, render_list

        render_list(make_console(color.value), found)


LIST_FIELDS = ["id", "name", "drug_class", "highest_phase", "status", "prohibited", "compoundable"]


def _ordered(codes: Iterable[str]) -> list[str]:
    return sorted(codes, key=lambda c: (c not in MAIN_JURISDICTIONS, c != "US", c))
