"""What every command shares: settings, the catalog, output helpers, shared options."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from enum import StrEnum
from typing import Annotated, Any

import typer

from gslookup import config, output, sources
from gslookup.catalog import Catalog, open_catalog
from gslookup.errors import GslookupError
from gslookup.listing import completion_candidates
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
    return [
        CompletionItem(strip_controls(label))
        for label in completion_candidates(compounds, incomplete)
    ]


def _complete_personal(incomplete: str) -> list[str]:
    """Ids in the personal knowledge base: what `remove` and `edit` act on."""
    from gslookup import loader

    personal = sources.personal_path()
    if not personal.exists():
        return []
    try:
        kb = loader.load([(personal, str(personal))], date.today())
    except GslookupError:
        return []
    return sorted(i for i in kb.compounds if i.startswith(incomplete.casefold()))


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


def output_mode(
    as_json: bool,
    as_jsonl: bool,
    as_csv: bool = False,
    fmt: str | None = None,
    allowed: Sequence[str] = ("table", "json", "jsonl", "csv"),
    as_tsv: bool = False,
) -> str:
    """The one output format of `-f/--format` and its shorthands; "terminal" for a table."""
    shorthands = (("json", as_json), ("jsonl", as_jsonl), ("csv", as_csv), ("tsv", as_tsv))
    chosen = [name for name, on in shorthands if on]
    if fmt is not None:
        value = FORMAT_ALIASES.get(fmt.casefold(), fmt.casefold())
        if value not in allowed:
            raise typer.BadParameter(
                f"{fmt!r} is not one of {', '.join(allowed)}", param_hint="'-f' / '--format'"
            )
        chosen.append(value)
    if len(set(chosen)) > 1:
        raise typer.BadParameter(f"choose one of {', '.join(chosen)}", param_hint="output format")
    return "terminal" if not chosen or chosen[0] == "table" else chosen[0]


FORMAT_ALIASES = {"md": "markdown", "text": "table"}


def format_option(allowed: Sequence[str]) -> Any:
    """`-f/--format FORMAT`, case-insensitive, checked by `output_mode`."""
    return typer.Option(
        "--format", "-f", metavar="FORMAT", help=f"Output format: {', '.join(allowed)}."
    )


def draw(
    ctx: typer.Context, color: Color, paint: Callable[[Any], None], max_width: int | None = None
) -> None:
    """Rich output through the pager (when taller than the terminal); a closed pipe is 141."""
    from gslookup.pager import emit
    from gslookup.render import make_console, render_text

    settings = settings_of(ctx)
    console = make_console(config.color(color.value, settings.config))
    text = render_text(console, paint, max_width)
    emit(text, page=settings.pager, configured=settings.config.pager)


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


def cell(value: Any) -> Any:
    """Booleans as `true`/`false`, missing values empty: the same in every CSV and TSV."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value


def write_table(
    items: list[dict[str, Any]], columns: Sequence[str], delimiter: str, header: bool = True
) -> None:
    """CSV or TSV rows through the one CSV writer (formula cells defused); TSV cells never
    hold a tab or a newline."""
    if delimiter == "\t":
        items = [{c: " ".join(str(cell(item[c])).split()) for c in columns} for item in items]
    dialect = "excel-tab" if delimiter == "\t" else "excel"
    writer = output.CsvWriter(list(columns), dialect=dialect, header=header)
    for item in items:
        writer.row({c: cell(item[c]) for c in columns})


def write_csv(items: list[dict[str, Any]]) -> None:
    if items:
        output.write_csv(items, list(items[0]))
