"""What every command shares: settings, the catalog, output helpers, shared options."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from enum import StrEnum
from typing import Annotated, Any

import typer

from gslookup import output, sources
from gslookup.catalog import Catalog, open_catalog
from gslookup.model import Compound, KnowledgeBase
from gslookup.options import option
from gslookup.output import out
from gslookup.record import (
    dumps,
    dumps_line,
)
from gslookup.sources import Settings
from gslookup.text import strip_controls


class Color(StrEnum):
    auto = "auto"
    always = "always"
    never = "never"


def _complete_names(incomplete: str) -> list[Any]:
    from typer._click.shell_completion import CompletionItem

    try:
        compounds = open_catalog(sources.layers(Settings()), date.today()).all_compounds()
    except Exception:  # noqa: BLE001 - a <TAB> must never print a traceback into the shell
        return []
    # Completions reach the shell's screen without passing gslookup's output layer.
    labels = {strip_controls(label) for c in compounds for label in (c.id, c.name, *c.aliases)}
    wanted = incomplete.casefold()
    return [
        CompletionItem(label) for label in sorted(labels) if label.casefold().startswith(wanted)
    ]


def _complete_labels(incomplete: str) -> list[str]:
    return [item.value for item in _complete_names(incomplete)]


def settings_of(ctx: typer.Context) -> Settings:
    settings = ctx.find_root().obj
    return settings if isinstance(settings, Settings) else Settings()


def load_kb(ctx: typer.Context) -> KnowledgeBase:
    return sources.load(settings_of(ctx), date.today())


def echo_json(value: Any) -> None:
    out(dumps(value))


def echo_jsonl(items: Iterable[dict[str, Any]]) -> None:
    for item in items:
        out(dumps_line(item))


def output_mode(as_json: bool, as_jsonl: bool, as_csv: bool = False) -> str:
    chosen = [name for name, on in (("json", as_json), ("jsonl", as_jsonl), ("csv", as_csv)) if on]
    if len(chosen) > 1:
        raise typer.BadParameter(
            f"choose one of --{', --'.join(chosen)}", param_hint="output format"
        )
    return chosen[0] if chosen else "terminal"


JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


JsonlOpt = Annotated[bool, typer.Option("--jsonl", help="Print one JSON object per line.")]


FieldsOpt = Annotated[
    str | None, typer.Option("--fields", help="Keep only these keys in JSON (a,b,c).")
]


ColorOpt = Annotated[Color, typer.Option("--color", help=option("color").help)]


def catalog_of(ctx: typer.Context) -> Catalog:
    """The knowledge bases in use, read through their cached indexes."""
    settings = settings_of(ctx)
    return open_catalog(sources.layers(settings), date.today(), settings.use_cache)


def lookup(ctx: typer.Context, names: Sequence[str]) -> tuple[list[Compound], KnowledgeBase]:
    """The named compounds, and just the data their views need."""
    catalog = catalog_of(ctx)
    compounds = [catalog.find(name) for name in names]
    return compounds, catalog.knowledge_base(compounds)


def write_csv(items: list[dict[str, Any]]) -> None:
    if items:
        output.write_csv(items, list(items[0]))
