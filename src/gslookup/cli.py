"""The command line: the Typer app, its global options and the one place errors become exit codes.

Commands live in `gslookup.commands`, one module each; they parse arguments, call the core
and hand results to a renderer.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from typer._click.core import Context
from typer._click.exceptions import ClickException
from typer.core import TyperGroup

from gslookup import __version__, sources
from gslookup.commands import (
    check,
    compare,
    history,
    kb,
    listing,
    mcp,
    personal,
    refs,
    schema,
    search,
    show,
)
from gslookup.commands.common import _complete_names
from gslookup.messages import (
    EXIT_BROKEN_PIPE,
    EXIT_INTERRUPTED,
    EXIT_OK,
    handle,
)
from gslookup.options import ROOT_ONLY, first_word, hoist_global_options, option
from gslookup.output import err_writer, out, silence_stdout
from gslookup.sources import Settings


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


# Registered here, in the order `--help` lists them.
app.command()(show.show)
app.command("list")(listing.list_)
app.command("changes")(history.changes_)
app.command()(search.search)
app.command()(compare.compare)
app.command()(refs.refs)
app.command()(check.check)
app.command()(schema.schema)
app.command()(personal.add)
app.command()(personal.remove)
app.command()(personal.edit)
app.command()(mcp.mcp)
kb_app.command("validate")(kb.kb_validate)
kb_app.command("info")(kb.kb_info)
kb_app.command("path")(kb.kb_path)
kb_app.command("export")(kb.kb_export)


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
