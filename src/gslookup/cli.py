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
    settings,
    show,
)
from gslookup.commands.common import _complete_names
from gslookup.messages import (
    EXIT_BROKEN_PIPE,
    EXIT_INTERRUPTED,
    EXIT_OK,
    handle,
)
from gslookup.options import (
    GLOBAL_OPTIONS,
    ROOT_ONLY,
    first_word,
    hoist_global_options,
    option,
)
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

    def format_commands(self, ctx: Context, formatter: Any) -> None:
        """Each command's whole first line, wrapped rather than cut off."""
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=500)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

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
    invoke_without_command=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

# `\b` keeps Click from rewrapping the list (and from breaking option names at hyphens).
GLOBAL_EPILOG = (
    "\b\nGlobal options, before or after the command:\n"
    + "\n".join(
        f"  {' '.join(o.names) + ' FILE' * o.takes_value:<14}{o.help}" for o in GLOBAL_OPTIONS
    )
    + f"\n  {'-h, --help':<14}Show the help (also: gslookup help COMMAND)."
)

config_app = typer.Typer(
    help="The config file: defaults for audience, brief, pager and colour.",
    no_args_is_help=True,
    epilog=GLOBAL_EPILOG,
)

kb_app = typer.Typer(
    help="Inspect, check and export knowledge bases.", no_args_is_help=True, epilog=GLOBAL_EPILOG
)
app.add_typer(kb_app, name="kb")
app.add_typer(config_app, name="config")


def _version(value: bool) -> None:
    if value:
        out(f"gslookup {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    kb: Annotated[
        list[Path] | None, typer.Option("--kb", metavar="FILE", help=option("kb").help)
    ] = None,
    no_user_kb: Annotated[
        bool, typer.Option("--no-user-kb", help=option("no_user_kb").help)
    ] = False,
    no_cache: Annotated[bool, typer.Option("--no-cache", help=option("no_cache").help)] = False,
    debug: Annotated[bool, typer.Option("--debug", help=option("debug").help)] = False,
    no_pager: Annotated[bool, typer.Option("--no-pager", help=option("no_pager").help)] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", "-V", callback=_version, is_eager=True, help="Print the version."
        ),
    ] = False,
) -> None:
    """Offline reference for growth-hormone secretagogues and GH-axis agents."""
    ctx.obj = Settings(
        kb_files=tuple(kb or ()),
        use_user_kb=not no_user_kb,
        use_cache=not no_cache,
        debug=debug,
        pager=not no_pager,
    )
    if ctx.invoked_subcommand is None:  # bare `gslookup`: the help, as a normal answer
        out(ctx.get_help())
        raise typer.Exit()


def help_(
    ctx: typer.Context,
    topic: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[COMMAND]",
            help="A command (list, kb info ...), or 'format' for the knowledge-base format.",
        ),
    ] = None,
) -> None:
    """Show the help of gslookup or of one command.

    Example: gslookup help list
    """
    if topic == ["format"]:
        from gslookup.kbformat import format_text

        out(format_text(), nl=False)
        return
    root = ctx.find_root()
    command: Any = root.command
    context = root
    for word in topic or []:
        found = command.get_command(context, word) if hasattr(command, "get_command") else None
        if found is None:
            raise typer.BadParameter(f"no command named {word!r}", param_hint="COMMAND")
        command, context = found, Context(found, info_name=word, parent=context)
    out(command.get_help(context))


# Registered here, in the order `--help` lists them; every --help names the global options.
app.command(epilog=GLOBAL_EPILOG)(show.show)
app.command("list", epilog=GLOBAL_EPILOG)(listing.list_)
app.command("changes", epilog=GLOBAL_EPILOG)(history.changes_)
app.command(epilog=GLOBAL_EPILOG)(search.search)
app.command(epilog=GLOBAL_EPILOG)(compare.compare)
app.command(epilog=GLOBAL_EPILOG)(refs.refs)
app.command(epilog=GLOBAL_EPILOG)(check.check)
app.command(epilog=GLOBAL_EPILOG)(schema.schema)
app.command(epilog=GLOBAL_EPILOG)(personal.add)
app.command(epilog=GLOBAL_EPILOG)(personal.remove)
app.command(epilog=GLOBAL_EPILOG)(personal.edit)
app.command(epilog=GLOBAL_EPILOG)(mcp.mcp)
app.command("help", epilog=GLOBAL_EPILOG)(help_)
app.command("completion", epilog=GLOBAL_EPILOG)(settings.completion)
config_app.command("path", epilog=GLOBAL_EPILOG)(settings.config_path)
config_app.command("example", epilog=GLOBAL_EPILOG)(settings.config_example)
kb_app.command("validate", epilog=GLOBAL_EPILOG)(kb.kb_validate)
kb_app.command("info", epilog=GLOBAL_EPILOG)(kb.kb_info)
kb_app.command("path", epilog=GLOBAL_EPILOG)(kb.kb_path)
kb_app.command("export", epilog=GLOBAL_EPILOG)(kb.kb_export)
kb_app.command("template", epilog=GLOBAL_EPILOG)(kb.kb_template)


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
