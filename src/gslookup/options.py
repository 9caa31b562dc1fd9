"""The one definition of the lookup options and the global options.

Both the Typer app and the lean start-up path (`fast.py`) read these: the
Typer declarations take their names, choices, defaults and help from here,
and a test checks that the two never drift apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

COLORS = ("auto", "always", "never")
AUDIENCES = ("clinician", "patient")
SHOW_FORMATS = ("table", "json", "jsonl", "markdown", "md")
SECTIONS = (
    "bottom-line",
    "identity",
    "approvals",
    "sport",
    "development",
    "findings",
    "risks",
    "alternatives",
    "history",
    "references",
)
RECENT_EVENTS = 5
"""How many events the default view shows; `-s history` shows them all."""


@dataclass(frozen=True)
class Option:
    names: tuple[str, ...]
    dest: str
    help: str
    takes_value: bool = False
    multiple: bool = False
    choices: tuple[str, ...] = ()
    default: str | None = None


GLOBAL_OPTIONS = (
    Option(("--kb",), "kb", "An extra knowledge-base file (repeatable); highest precedence.",
           takes_value=True, multiple=True),
    Option(("--no-user-kb",), "no_user_kb", "Skip the personal knowledge base."),
    Option(("--no-cache",), "no_cache", "Do not use the index cache."),
    Option(("--debug",), "debug", "Show tracebacks of errors."),
    Option(("--no-pager",), "no_pager", "Print directly, never through a pager."),
)  # fmt: skip

SHOW_OPTIONS = (
    Option(("--format", "-f"), "format", "Output: table (the terminal view), json, jsonl or "
           "markdown (md).", takes_value=True, choices=SHOW_FORMATS),
    Option(("--json",), "as_json", "Print the JSON record (an array for several names)."),
    Option(("--jsonl",), "as_jsonl", "Print one JSON record per line."),
    Option(("--fields",), "fields", "Keep only these keys in JSON (a,b,c).", takes_value=True),
    Option(("--audience",), "audience", "Wording of the terminal view (default clinician).",
           takes_value=True, choices=AUDIENCES),
    Option(("--brief", "-b"), "brief", "One screen: status, bottom line, key risks, alternatives."),
    Option(("--full",), "full", "The whole answer, even when the config file sets brief."),
    Option(("--notes",), "notes", "Also show the curators' notes on sources (clinician view)."),
    Option(("--section", "-s"), "section", "Show only this section (repeatable).",
           takes_value=True, multiple=True, choices=SECTIONS),
    Option(("--color",), "color", "Colour: auto, always or never.", takes_value=True,
           choices=COLORS, default="auto"),
)  # fmt: skip

COMMANDS = ("show", "list", "changes", "search", "compare", "refs", "check", "schema", "add",
            "remove", "edit", "mcp", "help", "completion", "kb", "config")  # fmt: skip
"""The commands, for the lean path (which leaves them to Typer) and for "Did you mean"."""

ROOT_ONLY = ("--help", "-h", "--version", "-V", "--install-completion", "--show-completion")


def option(dest: str, table: Sequence[Option] = SHOW_OPTIONS + GLOBAL_OPTIONS) -> Option:
    return next(o for o in table if o.dest == dest)


def _by_name(table: Sequence[Option]) -> dict[str, Option]:
    return {name: o for o in table for name in o.names}


GLOBAL_BY_NAME = _by_name(GLOBAL_OPTIONS)
SHOW_BY_NAME = _by_name(SHOW_OPTIONS)


def hoist_global_options(args: Sequence[str]) -> list[str]:
    """Move global options, wherever they stand before `--`, to the front."""
    front: list[str] = []
    rest: list[str] = []
    items = iter(args)
    for arg in items:
        if arg == "--":
            rest += [arg, *items]
            break
        name, has_value, _ = arg.partition("=")
        found = GLOBAL_BY_NAME.get(name)
        if found is None or (has_value and not found.takes_value):
            rest.append(arg)
        elif found.takes_value and not has_value:
            front += [arg, next(items, "")]
        else:
            front.append(arg)
    return front + rest


def first_word(args: Sequence[str]) -> int | None:
    """Index of the first argument that is not a (hoisted) global option."""
    skip = False
    for i, arg in enumerate(args):
        name = arg.partition("=")[0]
        if skip:
            skip = False
        elif name in GLOBAL_BY_NAME:
            skip = GLOBAL_BY_NAME[name].takes_value and "=" not in arg
        else:
            return i
    return None
