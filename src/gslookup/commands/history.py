"""`gslookup changes`: what changed, and when, across the knowledge base."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import typer

from gslookup.changes import CHANGE_FIELDS, ChangeQuery
from gslookup.changes import changes as find_changes
from gslookup.commands.common import (
    Color,
    ColorOpt,
    FieldsOpt,
    JsonlOpt,
    JsonOpt,
    catalog_of,
    draw,
    echo_json,
    echo_jsonl,
    format_option,
    output_mode,
    write_csv,
)
from gslookup.model import EVENT_KINDS
from gslookup.record import (
    parse_fields,
    select,
)

EventKind = StrEnum("EventKind", {k: k for k in EVENT_KINDS})  # type: ignore[misc]


def changes_(
    ctx: typer.Context,
    since: Annotated[
        str | None, typer.Option(metavar="DATE", help="Events on or after DATE (YYYY[-MM[-DD]]).")
    ] = None,
    until: Annotated[
        str | None, typer.Option(metavar="DATE", help="Events on or before DATE.")
    ] = None,
    kind: Annotated[
        list[EventKind] | None, typer.Option(help="Keep this kind of event (repeatable).")
    ] = None,
    jurisdiction: Annotated[
        str | None, typer.Option(metavar="CC", help="Keep events in this jurisdiction.")
    ] = None,
    compound_id: Annotated[
        str | None, typer.Option("--id", metavar="ID", help="Keep events of this compound.")
    ] = None,
    fmt: Annotated[str | None, format_option(CHANGES_FORMATS)] = None,
    as_json: JsonOpt = False,
    as_jsonl: JsonlOpt = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV with a header row.")] = False,
    fields: FieldsOpt = None,
    color: ColorOpt = Color.auto,
) -> None:
    """What changed for GH-axis compounds, newest first: approvals, List and compounding changes.

    Example: gslookup changes --since 2024-01-01 --kind approval --kind compounding
    """
    mode = output_mode(as_json, as_jsonl, as_csv, fmt=fmt, allowed=CHANGES_FORMATS)
    if fields is not None and mode == "terminal":
        mode = "json"  # --fields implies JSON, as everywhere
    query = ChangeQuery(since, until, tuple(k.value for k in kind or ()), jurisdiction, compound_id)
    catalog = catalog_of(ctx)
    found = find_changes(catalog.all_compounds(), query, catalog.reference)
    keep = parse_fields(fields, CHANGE_FIELDS)
    if mode == "json":
        echo_json([select(r, keep) for r in found])
    elif mode == "jsonl":
        echo_jsonl(select(r, keep) for r in found)
    elif mode == "csv":
        write_csv([_flat_change(select(r, keep)) for r in found])
    else:
        from gslookup.render import render_changes

        draw(ctx, color, lambda console: render_changes(console, found), max_width=None)


def _flat_change(row: dict[str, Any]) -> dict[str, Any]:
    flat_row = dict(row)
    if "refs" in row:
        flat_row["refs"] = "; ".join(row["refs"])
    if "references" in row:
        flat_row["references"] = "; ".join(r["url"] or r["title"] for r in row["references"])
    return flat_row


CHANGES_FORMATS = ("table", "json", "jsonl", "csv")
