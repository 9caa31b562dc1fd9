"""The command line: parse arguments, call the core, hand results to a renderer, map errors."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from typer._click.core import Context
from typer._click.exceptions import ClickException
from typer.core import TyperGroup

from gslookup import __version__, answer, kbinfo, loader, sources, store
from gslookup.answer import ShowRequest
from gslookup.catalog import Catalog, open_catalog
from gslookup.citations import format_references
from gslookup.errors import InvalidKnowledgeBase
from gslookup.listing import MAIN_JURISDICTIONS, Filters, flat, rows
from gslookup.lookup import Index
from gslookup.messages import (
    EXIT_BROKEN_PIPE,
    EXIT_INTERRUPTED,
    EXIT_NOT_FOUND,
    EXIT_OK,
    error_lines,
    handle,
    say,
)
from gslookup.model import Compound, KnowledgeBase
from gslookup.options import ROOT_ONLY, first_word, hoist_global_options, option
from gslookup.output import CsvWriter, err, err_writer, out, silence_stdout, write_csv
from gslookup.record import (
    RECORD_FIELDS,
    build_record,
    cited_references,
    dumps,
    dumps_item,
    dumps_line,
    parse_fields,
    select,
)
from gslookup.screening import bounded_lines, screen
from gslookup.screening import names as names_in
from gslookup.search import search as search_kb
from gslookup.sources import Settings
from gslookup.text import MAX_SHOWN, escape_unsafe, shown, strip_controls, visible


class Color(StrEnum):
    auto = "auto"
    always = "always"
    never = "never"


class Audience(StrEnum):
    clinician = "clinician"
    patient = "patient"


class Section(StrEnum):
    bottom_line = "bottom-line"
    identity = "identity"
    approvals = "approvals"
    sport = "sport"
    development = "development"
    findings = "findings"
    risks = "risks"
    alternatives = "alternatives"
    references = "references"


class RefFormat(StrEnum):
    text = "text"
    markdown = "markdown"
    bibtex = "bibtex"
    ris = "ris"
    csl_json = "csl-json"


class CheckFormat(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


class Condition(StrEnum):
    unknown = "unknown"
    not_approved = "not-approved"
    prohibited = "prohibited"


class Status(StrEnum):
    approved = "approved"
    not_approved = "not-approved"
    refused = "refused"
    withdrawn = "withdrawn"
    discontinued = "discontinued"


class Phase(StrEnum):
    preclinical = "preclinical"
    phase_1 = "phase-1"
    phase_2 = "phase-2"
    phase_3 = "phase-3"
    approved = "approved"


class ExportFormat(StrEnum):
    toml = "toml"
    json = "json"


class LookupGroup(TyperGroup):
    """`gslookup NAME` means `gslookup show NAME`; the one place errors become exit codes."""

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        args = hoist_global_options(args)
        first = first_word(args)
        if first is not None and args[first] not in self.commands:
            if args[first] not in ROOT_ONLY:
                args.insert(first, "show")
        return super().parse_args(ctx, args)

    def invoke(self, ctx: Context) -> Any:
        try:
            return super().invoke(ctx)
        except (ClickException, typer.Exit, typer.Abort):
            raise
        except (Exception, KeyboardInterrupt) as error:
            raise typer.Exit(handle(error, _debug(ctx), sources.personal_path())) from None

    def shell_complete(self, ctx: Context, incomplete: str) -> list[Any]:
        return [*super().shell_complete(ctx, incomplete), *_complete_names(incomplete)]


def _debug(ctx: Context) -> bool:
    return bool(getattr(ctx.obj, "debug", False))


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


app = typer.Typer(
    cls=LookupGroup,
    name="gslookup",
    help=(
        "Offline reference for growth-hormone secretagogues and GH-axis agents.\n\n"
        "gslookup NAME answers: what is the standing of this compound in practice?\n\n"
        "Examples:\n\n"
        "  gslookup ipamorelin\n\n"
        "  gslookup MK-677 --json | jq .approvals\n\n"
        "  gslookup check names.txt --fail-on prohibited\n\n"
        "Global options (--kb, --no-user-kb, --no-cache, --debug) work before or after "
        "the command.\n\n"
        "Exit codes: 0 found or passed, 1 not found or a --fail-on condition met, "
        "2 usage error or invalid knowledge base, 70 unexpected error, "
        "130 interrupted, 141 output pipe closed."
    ),
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
kb_app = typer.Typer(help="Inspect, check and export knowledge bases.", no_args_is_help=True)
app.add_typer(kb_app, name="kb")


def _version(value: bool) -> None:
    if value:
        out(f"gslookup {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    kb: Annotated[list[Path] | None, typer.Option("--kb", help=option("kb").help)] = None,
    no_user_kb: Annotated[
        bool, typer.Option("--no-user-kb", help=option("no_user_kb").help)
    ] = False,
    no_cache: Annotated[bool, typer.Option("--no-cache", help=option("no_cache").help)] = False,
    debug: Annotated[bool, typer.Option("--debug", help=option("debug").help)] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Offline reference for growth-hormone secretagogues and GH-axis agents."""
    ctx.obj = Settings(
        kb_files=tuple(kb or ()), use_user_kb=not no_user_kb, use_cache=not no_cache, debug=debug
    )


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


@app.command()
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
        Audience, typer.Option("--audience", help=option("audience").help)
    ] = Audience.clinician,
    section: Annotated[
        list[Section] | None,
        typer.Option("--section", "-s", help=option("section").help),
    ] = None,
    color: Annotated[Color, typer.Option("--color", help=option("color").help)] = Color.auto,
) -> None:
    """Show what is known about compounds (the default command: `gslookup NAME`).

    Example: gslookup ipamorelin --section approvals --section sport
    """
    output_mode(as_json, as_jsonl)
    request = ShowRequest(
        names=tuple(names),
        as_json=as_json,
        as_jsonl=as_jsonl,
        fields=fields,
        audience=audience.value,
        sections=tuple(s.value for s in section or ()),
        color=color.value,
    )
    code = answer.show(settings_of(ctx), request)
    if code:
        raise typer.Exit(code)


def catalog_of(ctx: typer.Context) -> Catalog:
    """The knowledge bases in use, read through their cached indexes."""
    settings = settings_of(ctx)
    return open_catalog(sources.layers(settings), date.today(), settings.use_cache)


def lookup(ctx: typer.Context, names: Sequence[str]) -> tuple[list[Compound], KnowledgeBase]:
    """The named compounds, and just the data their views need."""
    catalog = catalog_of(ctx)
    compounds = [catalog.find(name) for name in names]
    return compounds, catalog.knowledge_base(compounds)


@app.command("list")
def list_(
    ctx: typer.Context,
    drug_class: Annotated[
        str | None, typer.Option("--class", help="Keep classes containing this text.")
    ] = None,
    status: Annotated[Status | None, typer.Option(help="Keep this status.")] = None,
    jurisdiction: Annotated[
        str | None, typer.Option(help="With --status: in this jurisdiction (US, EU, JP ...).")
    ] = None,
    prohibited: Annotated[
        bool | None,
        typer.Option("--prohibited/--not-prohibited", help="Keep compounds prohibited in sport."),
    ] = None,
    phase: Annotated[Phase | None, typer.Option(help="Keep this highest phase.")] = None,
    as_json: JsonOpt = False,
    as_jsonl: JsonlOpt = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV with a header row.")] = False,
    fields: FieldsOpt = None,
    color: ColorOpt = Color.auto,
) -> None:
    """List all compounds: id, name, class, highest phase, status per jurisdiction, WADA.

    Example: gslookup list --status approved --jurisdiction US --json | jq -r '.[].id'
    """
    mode = output_mode(as_json, as_jsonl, as_csv)
    filters = Filters(
        drug_class,
        status.value if status else None,
        jurisdiction,
        prohibited,
        phase.value if phase else None,
    )
    found = list(rows(catalog_of(ctx).all_compounds(), filters))
    keep = parse_fields(
        fields, ["id", "name", "drug_class", "highest_phase", "status", "prohibited"]
    )
    if mode == "json":
        echo_json([select(r, keep) for r in found])
    elif mode == "jsonl":
        echo_jsonl(select(r, keep) for r in found)
    elif mode == "csv":
        codes = sorted({j for r in found for j in r["status"]} | set(MAIN_JURISDICTIONS))
        flat_rows = [flat(select(r, keep), _ordered(codes)) for r in found]
        if flat_rows:
            write_csv(flat_rows, list(flat_rows[0]))
    else:
        from gslookup.render import make_console, render_list

        render_list(make_console(color.value), found)


def _ordered(codes: Iterable[str]) -> list[str]:
    return sorted(codes, key=lambda c: (c not in MAIN_JURISDICTIONS, c != "US", c))


@app.command()
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
        echo_json([select(_hit_json(h), keep) for h in hits])
        return
    from gslookup.render import make_console, render_search

    render_search(make_console(color.value), hits)
    if not hits:
        raise typer.Exit(EXIT_NOT_FOUND)


def _hit_json(hit: Any) -> dict[str, Any]:
    return {
        "id": hit.compound.id,
        "name": hit.compound.name,
        "score": hit.score,
        "matches": [{"field": m.field, "text": m.text} for m in hit.matches],
    }


@app.command()
def compare(
    ctx: typer.Context,
    names: Annotated[
        list[str],
        typer.Argument(
            metavar="NAME...", help="Two or more compounds.", autocompletion=_complete_labels
        ),
    ],
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
    color: ColorOpt = Color.auto,
) -> None:
    """Compare compounds side by side: class, phase, status, WADA, routes, risks, review date.

    Example: gslookup compare ipamorelin macimorelin somatropin
    """
    if len(names) < 2:
        raise typer.BadParameter("compare needs at least two names", param_hint="NAME...")
    compounds, kb = lookup(ctx, names)
    if as_json:
        keep = parse_fields(fields, RECORD_FIELDS)
        stamp, today = kbinfo.stamp(kb), date.today()
        echo_json([select(build_record(c, kb, today, stamp), keep) for c in compounds])
        return
    from gslookup.render import make_console, render_compare

    render_compare(make_console(color.value), compounds)


@app.command()
def refs(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="A compound name.", autocompletion=_complete_labels)],
    fmt: Annotated[RefFormat, typer.Option("--format", "-f", help="Output format.")] = (
        RefFormat.text
    ),
) -> None:
    """Print a compound's references as text, Markdown, BibTeX, RIS or CSL-JSON.

    Example: gslookup refs ipamorelin --format bibtex > ipamorelin.bib
    """
    (compound,), kb = lookup(ctx, [name])
    out(format_references(cited_references(compound, kb), fmt.value), nl=False)


@app.command()
def check(
    ctx: typer.Context,
    file: Annotated[
        str, typer.Argument(metavar="[FILE|-]", help="One name per line; - reads stdin.")
    ] = "-",
    fmt: Annotated[CheckFormat, typer.Option("--format", "-f", help="Output format.")] = (
        CheckFormat.table
    ),
    fail_on: Annotated[
        list[Condition] | None,
        typer.Option(
            "--fail-on", help="Exit 1 if any line is unknown / not-approved / prohibited."
        ),
    ] = None,
    fields: FieldsOpt = None,
) -> None:
    """Screen a list of names, one per line (blank lines and # comments are skipped).

    Example: gslookup check - --format csv --fail-on prohibited < names.txt
    """
    keep = parse_fields(fields, ["input", "id", "name", "status", "prohibited", "verdict"])
    index = catalog_of(ctx)
    conditions = {c.value for c in fail_on or ()}
    met = False
    with _open_lines(file) as stream:
        results = (screen(index, name) for name in names_in(bounded_lines(stream)))
        for _, hits in _stream_check(results, fmt.value, keep):
            met = met or bool(conditions & set(hits))
    if met:
        raise typer.Exit(EXIT_NOT_FOUND)


def _open_lines(file: str) -> Any:
    if file == "-":
        from contextlib import nullcontext

        return nullcontext(sys.stdin)
    try:
        return open(file, encoding="utf-8-sig", errors="replace")
    except OSError as error:
        raise typer.BadParameter(
            f"cannot read {shown(file)}: {error.strerror}", param_hint="FILE"
        ) from None


def _stream_check(
    results: Iterator[tuple[dict[str, Any], list[str]]], fmt: str, keep: list[str] | None
) -> Iterator[tuple[dict[str, Any], list[str]]]:
    """Print each result as it comes, so memory stays flat however long the input."""
    first = True
    writer: Any = None
    for result, hits in results:
        item = select(result, keep)
        if fmt == "jsonl":
            out(dumps_line(item))
        elif fmt == "json":
            out(("[\n  " if first else ",\n  ") + dumps_item(item), nl=False)
        elif fmt == "csv":
            row = {**item, "status": _status_text(item["status"])} if "status" in item else item
            writer = writer or CsvWriter(list(row))
            writer.row(row)
        else:
            out(_check_line(result, first))
        first = False
        yield result, hits
    if fmt == "json":
        out("[]" if first else "\n]")


def _status_text(status: dict[str, str]) -> str:
    return "; ".join(f"{code}: {value}" for code, value in status.items())


def _check_line(result: dict[str, Any], first: bool) -> str:
    header = f"{'VERDICT':<13}{'ID':<22}{'US':<14}{'EU':<14}INPUT\n" if first else ""
    status = result["status"]
    cells = [
        result["verdict"],
        result["id"] or "-",
        status.get("US", "-"),
        status.get("EU", "-"),
    ]
    widths = (13, 22, 14, 14)
    line = "".join(f"{cell:<{w}}" for cell, w in zip(cells, widths, strict=True))
    return header + line + visible(result["input"], limit=MAX_SHOWN)


@app.command()
def schema() -> None:
    """Print the JSON Schema (draft 2020-12) of the --json record.

    Example: gslookup schema > gslookup-record.schema.json
    """
    from importlib.resources import files

    out(files("gslookup").joinpath("schema.json").read_text(encoding="utf-8"), nl=False)


@app.command()
def add(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A knowledge-base file with your entries.")],
    replace: Annotated[
        bool, typer.Option(help="Replace personal entries that have the same id.")
    ] = False,
) -> None:
    """Add the compounds and references in FILE to your personal knowledge base.

    Example: gslookup add my-formulary.toml
    """
    settings = settings_of(ctx)
    below = [layer for layer in sources.layers(settings) if layer[1] == "bundled"]
    notes: list[str] = []
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


@app.command()
def remove(
    ctx: typer.Context,
    compound_id: Annotated[
        str, typer.Argument(metavar="NAME", help="A personal entry's id, name or alias.")
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


@app.command()
def edit(
    ctx: typer.Context,
    compound_id: Annotated[str, typer.Argument(metavar="NAME", help="The entry to edit.")],
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


@kb_app.command("validate")
def kb_validate(
    ctx: typer.Context,
    files: Annotated[
        list[Path] | None,
        typer.Argument(help="Files to check (default: the knowledge bases in use)."),
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


@kb_app.command("info")
def kb_info(ctx: typer.Context) -> None:
    """Print the knowledge base's version, size and review dates.

    Example: gslookup kb info
    """
    for label, value in kbinfo.describe(load_kb(ctx)):
        out(f"{label + ':':<16}{visible(value)}")


@kb_app.command("path")
def kb_path() -> None:
    """Print the path of your personal knowledge base (it may not exist yet).

    Example: cat "$(gslookup kb path)"
    """
    out(str(sources.personal_path()))


@kb_app.command("export")
def kb_export(
    ctx: typer.Context,
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="toml or json.")] = (
        ExportFormat.toml
    ),
) -> None:
    """Print the merged knowledge base (bundled, personal and extra files).

    Example: gslookup kb export --format json | jq '.compounds | keys'
    """
    kb = load_kb(ctx)
    document = store.entry_document(kb, sorted(kb.compounds))
    if fmt is ExportFormat.json:
        text = json.dumps(
            {"schema_version": 1, **document}, ensure_ascii=False, indent=2, default=str
        )
        out(escape_unsafe(text))
    else:
        out(escape_unsafe(store.dumps(document)), nl=False)


def main() -> NoReturn:
    try:
        code = app(standalone_mode=False)
    except ClickException as error:
        # Click's usage errors quote what was typed: they go out through the sanitiser too.
        error.show(file=err_writer())  # type: ignore[arg-type]
        sys.exit(error.exit_code)
    except (KeyboardInterrupt, typer.Abort):
        sys.exit(EXIT_INTERRUPTED)
    except BrokenPipeError:
        silence_stdout()
        sys.exit(EXIT_BROKEN_PIPE)
    sys.exit(code if isinstance(code, int) else EXIT_OK)
