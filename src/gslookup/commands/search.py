"""`gslookup search`: ranked full-text search."""

from __future__ import annotations

from typing import Annotated

import typer

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
)
from gslookup.messages import (
    EXIT_NOT_FOUND,
)
from gslookup.record import (
    parse_fields,
    select,
)
from gslookup.search import hit_json
from gslookup.search import search as search_kb


def search(
    ctx: typer.Context,
    query: Annotated[
        str, typer.Argument(metavar="QUERY", help="Words to find; every word must match.")
    ],
    fmt: Annotated[str | None, format_option(SEARCH_FORMATS)] = None,
    as_json: JsonOpt = False,
    as_jsonl: JsonlOpt = False,
    fields: FieldsOpt = None,
    color: ColorOpt = Color.auto,
) -> None:
    """Search names, aliases, class, mechanism, summary, indications, findings and risks.

    Example: gslookup search bone
    """
    mode = output_mode(as_json, as_jsonl, fmt=fmt, allowed=SEARCH_FORMATS)
    if fields is not None and mode == "terminal":
        mode = "json"  # --fields implies JSON, as everywhere
    hits = search_kb(catalog_of(ctx).all_compounds(), query)
    keep = parse_fields(fields, ["id", "name", "score", "matches"])
    if mode == "json":
        echo_json([select(hit_json(h), keep) for h in hits])
    elif mode == "jsonl":
        echo_jsonl(select(hit_json(h), keep) for h in hits)
    else:
        from gslookup.render import render_search

        draw(ctx, color, lambda console: render_search(console, hits))
    if not hits:  # nothing found is exit 1 in every format
        raise typer.Exit(EXIT_NOT_FOUND)


SEARCH_FORMATS = ("table", "json", "jsonl")
