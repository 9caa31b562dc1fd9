"""`gslookup NAME` / `gslookup show NAME`: the answer for one or more compounds."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from gslookup import answer
from gslookup.answer import ShowRequest
from gslookup.commands.common import (
    Color,
    _complete_labels,
    output_mode,
    settings_of,
)
from gslookup.options import SECTIONS, SHOW_FORMATS, option


class Audience(StrEnum):
    clinician = "clinician"
    patient = "patient"


ShowFormat = StrEnum("ShowFormat", {name: name for name in SHOW_FORMATS})  # type: ignore[misc]


# One list of sections, the option table's, so `-s` and the lean path never disagree.


Section = StrEnum("Section", {name.replace("-", "_"): name for name in SECTIONS})  # type: ignore[misc]


def show(
    ctx: typer.Context,
    names: Annotated[
        list[str],
        typer.Argument(
            metavar="NAME...",
            help="Compound names, aliases, brands or codes.",
            autocompletion=_complete_labels,
        ),
    ],
    fmt: Annotated[
        ShowFormat | None,
        typer.Option("--format", "-f", case_sensitive=False, help=option("format").help),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help=option("as_json").help)] = False,
    as_jsonl: Annotated[bool, typer.Option("--jsonl", help=option("as_jsonl").help)] = False,
    fields: Annotated[str | None, typer.Option("--fields", help=option("fields").help)] = None,
    audience: Annotated[
        Audience | None, typer.Option("--audience", help=option("audience").help)
    ] = None,
    section: Annotated[
        list[Section] | None,
        typer.Option("--section", "-s", help=option("section").help),
    ] = None,
    color: Annotated[Color, typer.Option("--color", help=option("color").help)] = Color.auto,
    brief: Annotated[bool, typer.Option("--brief", "-b", help=option("brief").help)] = False,
    full: Annotated[bool, typer.Option("--full", help=option("full").help)] = False,
    notes: Annotated[bool, typer.Option("--notes", help=option("notes").help)] = False,
) -> None:
    """Show what is known about compounds (the default command: `gslookup NAME`).

    Example: gslookup ipamorelin --brief (or -s approvals -s sport for chosen sections)
    """
    output_mode(as_json, as_jsonl)
    request = ShowRequest(
        names=tuple(names),
        as_json=as_json,
        as_jsonl=as_jsonl,
        fields=fields,
        format=fmt.value if fmt else None,
        audience=audience.value if audience else None,
        sections=tuple(s.value for s in section or ()),
        color=color.value,
        brief=brief,
        notes=notes,
        full=full,
    )
    code = answer.show(settings_of(ctx), request)
    if code:
        raise typer.Exit(code)
