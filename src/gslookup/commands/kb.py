"""`gslookup kb ...`: inspect, check and export knowledge bases."""

from __future__ import annotations

import json
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from gslookup import kbinfo, loader, sources, store
from gslookup.commands.common import (
    load_kb,
    settings_of,
)
from gslookup.lookup import Index
from gslookup.output import out
from gslookup.text import escape_unsafe, visible


class ExportFormat(StrEnum):
    toml = "toml"
    json = "json"


def kb_validate(
    ctx: typer.Context,
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="[FILE...]", help="Files to check (default: the knowledge bases in use)."
        ),
    ] = None,
    strict: Annotated[
        bool,
        typer.Option(help="Also apply the rules for curated data (US and EU rows, identifiers)."),
    ] = False,
) -> None:
    """Check knowledge-base files; print every problem with file, line and key.

    Example: gslookup kb validate --strict data/compounds.toml
    """
    bundled = (loader.bundled_path(), "bundled")
    if files:
        # Checked on top of the bundled data, which they may cite and must not clash with.
        named = [(p, str(p)) for p in files if p.resolve() != bundled[0].resolve()]
        layers, checked = [bundled, *named], {label for _, label in named}
        if len(named) < len(files):
            checked.add("bundled")
    else:
        layers = sources.layers(settings_of(ctx))
        checked = {label for _, label in layers}
    kb = loader.load(layers, date.today(), strict=strict)
    compounds = sum(c.source in checked for c in kb.compounds.values())
    references = sum(kb.reference_sources.get(r) in checked for r in kb.references)
    out(
        f"ok: {compounds} compounds, {references} references in {len(checked)} "
        f"file{'s' * (len(checked) != 1)}{' (strict)' if strict else ''}"
    )


def kb_info(ctx: typer.Context) -> None:
    """Print the knowledge base's version, size and review dates.

    Example: gslookup kb info
    """
    for label, value in kbinfo.describe(load_kb(ctx)):
        out(f"{label + ':':<16}{visible(value)}")


def kb_path() -> None:
    """Print the path of your personal knowledge base (it may not exist yet).

    Example: cat "$(gslookup kb path)"
    """
    out(str(sources.personal_path()))


def kb_export(
    ctx: typer.Context,
    names: Annotated[
        list[str] | None,
        typer.Argument(metavar="[NAME...]", help="Only these compounds (default: all)."),
    ] = None,
    fmt: Annotated[
        ExportFormat,
        typer.Option(
            "--format", "-f", metavar="FORMAT", case_sensitive=False, help="toml or json."
        ),
    ] = ExportFormat.toml,
) -> None:
    """Print the merged knowledge base, or some entries with the references they cite.

    Example: gslookup kb export ipamorelin > ipamorelin.toml
    """
    kb = load_kb(ctx)
    index = Index(kb)
    ids = sorted({index.find(name).id for name in names}) if names else sorted(kb.compounds)
    document = store.entry_document(kb, ids)
    if fmt is ExportFormat.json:
        text = json.dumps(
            {"schema_version": 1, **document}, ensure_ascii=False, indent=2, default=str
        )
        out(escape_unsafe(text))
    else:
        out(escape_unsafe(store.dumps(document)), nl=False)


def kb_template() -> None:
    """Print a commented starter entry to fill in and add.

    Example: gslookup kb template > mine.toml && $EDITOR mine.toml && gslookup add mine.toml
    """
    from gslookup.kbformat import TEMPLATE

    out(TEMPLATE, nl=False)
