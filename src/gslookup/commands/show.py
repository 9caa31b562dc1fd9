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
from gslookup.options import SECTIONS, option


class Audience(StrEnum):
    clinician = "clinician"
    patient = "patient"


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
    notes: Annotated[bool, typer.Option("--notes", help=option("notes").help)] = False,
    no_pager: Annotated[bool, typer.Option("--no-pager", help=option("no_pager").help)] = False,
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
        audience=audience.value if audience else None,
        sections=tuple(s.value for s in section or ()),
        color=color.value,
        brief=brief,
        notes=notes,
        pager=not no_pager,
    )
    code = answer.show(settings_of(ctx), request)
    if code:
        raise typer.Exit(code)
