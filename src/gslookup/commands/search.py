"""`gslookup search`: ranked full-text search."""

from __future__ import annotations

from typing import Annotated

import typer

from gslookup.commands.common import (
    Color,
    ColorOpt,
    FieldsOpt,
    JsonOpt,
    catalog_of,
    echo_json,
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
    query: Annotated[str, typer.Argument(help="Words to find; every word must match.")],
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
    color: ColorOpt = Color.auto,
) -> None:
    """Search names, aliases, class, mechanism, summary, indications, findings and risks.

    Example: gslookup search bone
    """
    hits = search_kb(catalog_of(ctx).all_compounds(), query)
    if as_json:
        keep = parse_fields(fields, ["id", "name", "score", "matches"])
        echo_json([select(hit_json(h), keep) for h in hits])
        return
    from gslookup.render import make_console, render_search

    render_search(make_console(color.value), hits)
    if not hits:
        raise typer.Exit(EXIT_NOT_FOUND)
