"""The command line: parse arguments, call the core, hand results to a renderer, map errors."""

from __future__ import annotations

import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from typer._click.core import Context
from typer.core import TyperGroup

from gslookup import __version__, kbinfo, loader
from gslookup.errors import GslookupError, InvalidKnowledgeBase, UnknownCompound
from gslookup.lookup import Index
from gslookup.model import Compound, KnowledgeBase
from gslookup.record import build_record, dumps, dumps_line
from gslookup.text import shown

EXIT_FOUND, EXIT_NOT_FOUND, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
ROOT_OPTIONS = {"--help", "-h", "--version", "--install-completion", "--show-completion"}


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


class LookupGroup(TyperGroup):
    """`gslookup NAME` means `gslookup show NAME`; domain errors become messages and exit codes."""

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ROOT_OPTIONS:
            args = ["show", *args]
        return super().parse_args(ctx, args)

    def invoke(self, ctx: Context) -> Any:
        try:
            return super().invoke(ctx)
        except GslookupError as error:
            report(error)
            raise typer.Exit(error.exit_code) from None
        except KeyboardInterrupt:
            raise typer.Exit(EXIT_INTERRUPTED) from None


def report(error: GslookupError) -> None:
    if isinstance(error, UnknownCompound):
        message = f"gslookup: no compound named {shown(error.query)}."
        if error.suggestions:
            message += f" Did you mean: {', '.join(error.suggestions)}?"
        typer.echo(message, err=True)
    elif isinstance(error, InvalidKnowledgeBase):
        for problem in error.problems:
            typer.echo(_problem_line(problem), err=True)
        count = len(error.problems)
        typer.echo(
            f"gslookup: invalid knowledge base ({count} problem{'s' * (count != 1)})", err=True
        )
    else:
        typer.echo(f"gslookup: {error}", err=True)


def _problem_line(problem: Any) -> str:
    where = f"{problem.path}:{problem.line}" if problem.line else str(problem.path)
    return (
        f"{where}: {problem.key}: {problem.reason}" if problem.key else f"{where}: {problem.reason}"
    )


app = typer.Typer(
    cls=LookupGroup,
    name="gslookup",
    help=(
        "Offline reference for growth-hormone secretagogues and GH-axis agents.\n\n"
        "gslookup NAME answers: what is the standing of this compound in practice?\n\n"
        "Examples:\n\n"
        "  gslookup ipamorelin\n\n"
        "  gslookup MK-677 --json | jq .approvals\n\n"
        "  gslookup kb validate --strict\n\n"
        "Exit codes: 0 found, 1 not found, 2 usage error or invalid knowledge base, "
        "130 interrupted."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
kb_app = typer.Typer(help="Inspect and check knowledge-base files.", no_args_is_help=True)
app.add_typer(kb_app, name="kb")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"gslookup {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Offline reference for growth-hormone secretagogues and GH-axis agents."""


def load_kb(strict: bool = False) -> KnowledgeBase:
    return loader.load([(loader.bundled_path(), "bundled")], date.today(), strict=strict)


@app.command()
def show(
    names: Annotated[
        list[str],
        typer.Argument(metavar="NAME...", help="Compound names, aliases, brands or codes."),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON record(s).")] = False,
    as_jsonl: Annotated[
        bool, typer.Option("--jsonl", help="Print one JSON record per line.")
    ] = False,
    audience: Annotated[
        Audience, typer.Option(help="Wording of the terminal view.")
    ] = Audience.clinician,
    section: Annotated[
        list[Section] | None,
        typer.Option("--section", "-s", help="Show only this section (repeatable)."),
    ] = None,
    color: Annotated[Color, typer.Option(help="Colour: auto, always or never.")] = Color.auto,
) -> None:
    """Show what is known about compounds (the default command).

    Example: gslookup ipamorelin --section approvals --section sport
    """
    if as_json and as_jsonl:
        raise typer.BadParameter("use --json or --jsonl, not both", param_hint="--json/--jsonl")
    kb = load_kb()
    index = Index(kb)
    compounds = find_all(index, names)
    today = date.today()
    if as_json or as_jsonl:
        records = [build_record(c, kb, today) for c in compounds]
        if as_jsonl:
            typer.echo("\n".join(dumps_line(r) for r in records))
        else:
            typer.echo(dumps(records[0] if len(records) == 1 else records))
        return
    from gslookup.render import SECTIONS, make_console, render_many

    sections = [s.value for s in section] if section else list(SECTIONS)
    console = make_console(color.value)
    render_many(console, compounds, kb, today, audience.value, sections)


def find_all(index: Index, names: list[str]) -> list[Compound]:
    """All names resolved, or UnknownCompound for the first that is not (nothing is printed)."""
    found: list[Compound] = []
    for name in names:
        found.append(index.find(name))
    return found


@app.command()
def schema() -> None:
    """Print the JSON Schema (draft 2020-12) of the --json record.

    Example: gslookup schema > gslookup-record.schema.json
    """
    from importlib.resources import files

    typer.echo(files("gslookup").joinpath("schema.json").read_text(encoding="utf-8"), nl=False)


@kb_app.command("validate")
def kb_validate(
    files: Annotated[
        list[Path] | None,
        typer.Argument(help="Files to check (default: the bundled knowledge base)."),
    ] = None,
    strict: Annotated[
        bool,
        typer.Option(help="Also apply the rules for curated data (US and EU rows, identifiers)."),
    ] = False,
) -> None:
    """Check knowledge-base files; print every problem with file, line and key.

    Example: gslookup kb validate --strict data/compounds.toml
    """
    paths = files or [loader.bundled_path()]
    kb = loader.load([(p, str(p)) for p in paths], date.today(), strict=strict)
    typer.echo(
        f"ok: {len(kb.compounds)} compounds, {len(kb.references)} references"
        f" in {len(paths)} file{'s' * (len(paths) != 1)}{' (strict)' if strict else ''}"
    )


@kb_app.command("info")
def kb_info() -> None:
    """Print the knowledge base's version, size and review dates.

    Example: gslookup kb info
    """
    for label, value in kbinfo.describe(load_kb(), loader.bundled_path()):
        typer.echo(f"{label + ':':<18}{value}")


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(EXIT_INTERRUPTED)
