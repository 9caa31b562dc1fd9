"""`gslookup add`, `remove`, `edit`: the personal knowledge base."""

from __future__ import annotations

import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from gslookup import loader, sources, store
from gslookup.commands.common import (
    _complete_labels,
    _complete_personal,
    load_kb,
    settings_of,
)
from gslookup.errors import InvalidKnowledgeBase
from gslookup.lookup import Index
from gslookup.messages import (
    error_lines,
    say,
)


def add(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE", help="A knowledge-base file with your entries, or - for standard input."
        ),
    ],
    replace: Annotated[
        bool, typer.Option(help="Replace personal entries that have the same id.")
    ] = False,
) -> None:
    """Add the compounds and references in FILE to your personal knowledge base.

    Example: gslookup kb template > mine.toml; gslookup add mine.toml (or: add - < mine.toml)
    """
    settings = settings_of(ctx)
    below = [layer for layer in sources.layers(settings) if layer[1] == "bundled"]
    if str(file) == "-":
        with tempfile.TemporaryDirectory() as folder:
            file = Path(folder) / "stdin.toml"
            file.write_text(sys.stdin.read(), encoding="utf-8")
            added, replaced = store.add(sources.personal_path(), file, below, date.today(), replace)
    else:
        added, replaced = store.add(sources.personal_path(), file, below, date.today(), replace)
    for compound_id in added:
        typer.echo(f"added {compound_id}", err=True)
    for compound_id in replaced:
        typer.echo(f"replaced {compound_id}", err=True)


def remove(
    ctx: typer.Context,
    compound_id: Annotated[
        str,
        typer.Argument(
            metavar="ID", help="A personal entry's id.", autocompletion=_complete_personal
        ),
    ],
) -> None:
    """Remove an entry from your personal knowledge base (bundled entries cannot be removed).

    Example: gslookup remove testorelin
    """
    bundled = loader.load([(loader.bundled_path(), "bundled")], date.today())
    personal = sources.personal_path()
    dropped = store.remove(personal, compound_id, bundled, date.today())
    typer.echo(f"removed {compound_id}", err=True)
    for ref in dropped:
        typer.echo(f"removed reference {ref} (no longer cited)", err=True)
    if compound_id in bundled.compounds:
        typer.echo(f"the bundled entry for {compound_id} applies again", err=True)
    else:
        typer.echo(f"no entry with the id {compound_id} remains", err=True)
    typer.echo(f"the previous file is kept as {personal}.bak", err=True)


def edit(
    ctx: typer.Context,
    compound_id: Annotated[
        str,
        typer.Argument(metavar="NAME", help="The entry to edit.", autocompletion=_complete_labels),
    ],
) -> None:
    """Edit an entry in $VISUAL or $EDITOR: your personal one, or a copy of the bundled one.

    Example: EDITOR=nano gslookup edit ipamorelin
    """
    from gslookup.editing import can_ask, edit_entry

    kb = load_kb(ctx)
    compound = Index(kb).find(compound_id)

    def ask_again(error: InvalidKnowledgeBase) -> bool:
        say(error_lines(error, sources.personal_path()))
        return can_ask() and typer.confirm("Edit again?", default=True, err=True)

    saved = edit_entry(kb, compound, sources.personal_path(), date.today(), ask_again)
    message = f"saved {compound.id} to {saved}" if saved else "no changes; nothing saved"
    typer.echo(message, err=True)
