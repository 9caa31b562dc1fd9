"""`gslookup compare`: compounds side by side."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from gslookup import kbinfo
from gslookup.commands.common import (
    Color,
    ColorOpt,
    FieldsOpt,
    JsonOpt,
    _complete_labels,
    draw,
    echo_json,
    format_option,
    lookup,
    output_mode,
)
from gslookup.record import (
    RECORD_FIELDS,
    build_record,
    parse_fields,
    select,
)


def compare(
    ctx: typer.Context,
    names: Annotated[
        list[str],
        typer.Argument(
            metavar="NAME...", help="Two or more compounds.", autocompletion=_complete_labels
        ),
    ],
    fmt: Annotated[str | None, format_option(("table", "json"))] = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
    color: ColorOpt = Color.auto,
) -> None:
    """Compare compounds side by side: class, phase, status, WADA, routes, risks, review date.

    Example: gslookup compare ipamorelin macimorelin somatropin
    """
    if len(names) < 2:
        raise typer.BadParameter("compare needs at least two names", param_hint="NAME...")
    mode = output_mode(as_json, False, fmt=fmt, allowed=("table", "json"))
    compounds, kb = lookup(ctx, names)
    if mode == "json" or fields is not None:
        keep = parse_fields(fields, RECORD_FIELDS)
        stamp, today = kbinfo.stamp(kb), date.today()
        echo_json([select(build_record(c, kb, today, stamp), keep) for c in compounds])
        return
    from gslookup.render import render_compare

    draw(ctx, color, lambda console: render_compare(console, compounds), max_width=None)
