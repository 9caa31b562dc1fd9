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
from gslookup.output import err
from gslookup.text import visible


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
    notes: list[str] = []
    if str(file) == "-":
        with tempfile.TemporaryDirectory() as folder:
            file = Path(folder) / "stdin.toml"
            file.write_text(sys.stdin.read(), encoding="utf-8")
            added, replaced, refs = store.add(
                sources.personal_path(), file, below, date.today(), replace, notes
            )
    else:
        added, replaced, refs = store.add(
            sources.personal_path(), file, below, date.today(), replace, notes
        )
    for compound_id in added:
        err(f"added {compound_id}")
    for compound_id in replaced:
        err(f"replaced {compound_id}")
    for ref_id in refs:
        err(f"replaced reference {ref_id}")
    for note in notes:
        err(f"note: {note}")


def remove(
    ctx: typer.Context,
    compound_id: Annotated[
        str,
        typer.Argument(
            metavar="NAME",
            help="A personal entry's id, name or alias.",
            autocompletion=_complete_personal,
        ),
    ],
) -> None:
    """Remove an entry from your personal knowledge base (bundled entries cannot be removed).

    Example: gslookup remove testorelin
    """
    bundled = loader.load([(loader.bundled_path(), "bundled")], date.today())
    notes: list[str] = []
    personal = sources.personal_path()
    removed, dropped = store.remove(personal, compound_id, bundled, date.today(), notes)
    err(f"removed {removed}")
    for ref in dropped:
        err(f"removed reference {ref} (no longer cited)")
    for note in notes:
        err(f"note: {note}")
    if removed in bundled.compounds:
        err(f"the bundled entry for {removed} applies again")
    else:
        err(f"no entry with the id {removed} remains")
    err(f"the previous file is kept as {visible(str(personal))}.bak")


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

    notes: list[str] = []
    saved = edit_entry(kb, compound, sources.personal_path(), date.today(), ask_again, notes)
    for note in notes:
        err(f"note: {note}")
    message = (
        f"saved {compound.id} to {visible(str(saved))}" if saved else "no changes; nothing saved"
    )
    err(message)
