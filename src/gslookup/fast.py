"""The entry point. Plain lookups take a lean path that never imports Typer.

`gslookup NAME [options]` is what people run dozens of times a day, so it
should cost little more than reading the data. Anything else, and anything
this parser is unsure of (help, a bad option, a command), goes to the Typer
app, which gives the canonical answer and error.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from gslookup.options import (
    COMMANDS,
    GLOBAL_BY_NAME,
    ROOT_ONLY,
    SHOW_BY_NAME,
    first_word,
    hoist_global_options,
)


@dataclass
class Parsed:
    flags: set[str] = field(default_factory=set)
    values: dict[str, str] = field(default_factory=dict)
    lists: dict[str, list[str]] = field(default_factory=dict)
    names: list[str] = field(default_factory=list)


def parse(argv: Sequence[str]) -> Parsed | None:
    """The options and names of a plain lookup, or None when the Typer app should decide."""
    args = hoist_global_options(argv)
    start = first_word(args)
    if start is None:
        return None
    if args[start] == "show":
        args = args[:start] + args[start + 1 :]
    elif args[start] in COMMANDS:
        return None
    parsed = Parsed()
    items = iter(args)
    for arg in items:
        if arg == "--":
            parsed.names += items
            break
        if not arg.startswith("-") or arg == "-":
            parsed.names.append(arg)
        elif not _take_option(arg, items, parsed):
            return None
    if not parsed.names or {"as_json", "as_jsonl"} <= parsed.flags:
        return None
    return parsed


def _take_option(arg: str, items: Iterator[str], parsed: Parsed) -> bool:
    """Record one option; False when it is not one this path handles exactly as Typer does."""
    if arg in ROOT_ONLY:
        return False
    name, has_value, value = arg.partition("=")
    spec = GLOBAL_BY_NAME.get(name) or SHOW_BY_NAME.get(name)
    if spec is None or (has_value and not spec.takes_value):
        return False
    if not spec.takes_value:
        parsed.flags.add(spec.dest)
        return True
    if not has_value:
        value = next(items, "-")
        if value.startswith("-"):
            return False
    if spec.choices:
        value = value.casefold()  # choices are case-insensitive, as Typer is told
        if value not in spec.choices:
            return False
    if spec.multiple:
        parsed.lists.setdefault(spec.dest, []).append(value)
    else:
        parsed.values[spec.dest] = value
    return True


def run(argv: Sequence[str]) -> int | None:
    parsed = parse(argv)
    if parsed is None:
        return None
    from pathlib import Path

    from gslookup.answer import ShowRequest, show
    from gslookup.sources import Settings

    settings = Settings(
        kb_files=tuple(Path(p) for p in parsed.lists.get("kb", [])),
        use_user_kb="no_user_kb" not in parsed.flags,
        use_cache="no_cache" not in parsed.flags,
        debug="debug" in parsed.flags,
        pager="no_pager" not in parsed.flags,
    )
    request = ShowRequest(
        names=tuple(parsed.names),
        as_json="as_json" in parsed.flags,
        as_jsonl="as_jsonl" in parsed.flags,
        fields=parsed.values.get("fields"),
        format=parsed.values.get("format"),
        audience=parsed.values.get("audience"),
        sections=tuple(parsed.lists.get("section", [])),
        color=parsed.values.get("color", "auto"),
        brief="brief" in parsed.flags,
        notes="notes" in parsed.flags,
        full="full" in parsed.flags,
    )
    return show(settings, request)


def main() -> None:
    try:
        code = run(sys.argv[1:])
    except KeyboardInterrupt:
        sys.exit(130)
    if code is None:
        from gslookup.cli import main as full_main

        full_main()
    sys.exit(code)
