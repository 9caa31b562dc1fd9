"""`gslookup NAME`: the everyday path, shared by the lean start-up and the Typer app."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from difflib import get_close_matches

from gslookup import config, kbinfo, sources
from gslookup.catalog import Catalog, open_catalog
from gslookup.errors import UnknownCompound, UsageError
from gslookup.messages import EXIT_OK, handle
from gslookup.model import Compound
from gslookup.options import COMMANDS, RECENT_EVENTS, SECTIONS
from gslookup.output import out
from gslookup.record import RECORD_FIELDS, build_record, dumps, dumps_line, parse_fields, select
from gslookup.sources import Settings


@dataclass(frozen=True)
class ShowRequest:
    names: tuple[str, ...]
    as_json: bool = False
    as_jsonl: bool = False
    fields: str | None = None
    audience: str | None = None
    """None when not given: the terminal view's default wording."""
    sections: tuple[str, ...] = ()
    color: str = "auto"
    brief: bool = False
    notes: bool = False
    full: bool = False
    """The whole answer even when the config file asks for the brief view."""
    format: str | None = None

    @property
    def output(self) -> str:
        """table, json, jsonl or markdown; `--fields` implies json, as gh's `--json FIELDS`."""
        chosen = {name for name, on in (("json", self.as_json), ("jsonl", self.as_jsonl)) if on}
        if self.format:
            chosen.add("markdown" if self.format == "md" else self.format)
        if len(chosen) > 1:
            raise UsageError(f"choose one output format (got {', '.join(sorted(chosen))})")
        if not chosen:
            return "json" if self.fields is not None else "table"
        return chosen.pop()

    @property
    def machine(self) -> bool:
        return self.output in ("json", "jsonl")


def check_request(request: ShowRequest) -> None:
    """Options that cannot work together are an error that says why, never silently ignored."""
    if not request.names or any(not name.strip() for name in request.names):
        raise UsageError("a compound name cannot be empty")
    terminal_only = [
        option
        for option, given in (
            ("--section", bool(request.sections)),
            ("--audience", request.audience is not None),
            ("--brief", request.brief),
            ("--notes", request.notes),
        )
        if given
    ]
    shape = f"{', '.join(terminal_only)} only shape{'s' * (len(terminal_only) == 1)}"
    if request.machine and terminal_only:
        raise UsageError(
            f"{shape} the terminal view; JSON always holds the whole record "
            "(choose keys with --fields)"
        )
    if request.output == "markdown":
        if request.fields is not None:
            raise UsageError("--fields chooses keys of JSON, not of Markdown")
        if set(terminal_only) - {"--audience"}:
            raise UsageError(f"{shape} the terminal view; Markdown holds the whole answer")
    if request.brief and request.full:
        raise UsageError("--brief and --full ask for opposite views: use one of them")
    if request.brief and request.sections:
        raise UsageError("--brief and --section both choose what to show: use one of them")
    if request.notes and request.audience == "patient":
        raise UsageError("--notes is for the clinician view: the patient view never shows them")


def show(settings: Settings, request: ShowRequest) -> int:
    """Print the answer for every name; return the exit code. Errors are reported here."""
    try:
        check_request(request)
        _show(settings, request)
    except BaseException as error:
        if isinstance(error, SystemExit):
            raise
        return handle(error, settings.debug, sources.personal_path())
    return EXIT_OK


def _find(catalog: Catalog, name: str, first: bool) -> Compound:
    """A compound; a first word closer to a command than to any name suggests the command."""
    try:
        return catalog.find(name)
    except UnknownCompound:
        close = get_close_matches(name.casefold(), COMMANDS, n=1, cutoff=0.75) if first else []
        if close:
            raise UnknownCompound(name, close, commands=True) from None
        raise


def _show(settings: Settings, request: ShowRequest) -> None:
    today = date.today()
    catalog = open_catalog(sources.layers(settings), today, settings.use_cache)
    # The same compound named twice (or by two of its names) is shown once.
    found = {
        c.id: c for c in (_find(catalog, name, i == 0) for i, name in enumerate(request.names))
    }
    compounds = list(found.values())
    kb = catalog.knowledge_base(compounds)
    stamp = kbinfo.stamp(kb)
    if request.machine:
        keep = parse_fields(request.fields, RECORD_FIELDS)
        records = [select(build_record(c, kb, today, stamp), keep) for c in compounds]
        lines: Sequence[str]
        if request.output == "jsonl":
            lines = [dumps_line(r) for r in records]
        else:
            lines = [dumps(records[0] if len(records) == 1 else records)]
        out("".join(line + "\n" for line in lines), nl=False)
        return
    if request.output == "markdown":
        from gslookup.markdown import to_markdown

        audience = config.audience(request.audience, settings.config)
        out(to_markdown(compounds, kb, audience, stamp), nl=False)
        return
    from gslookup.pager import emit
    from gslookup.render import ViewOptions, make_console, render_many, render_text

    options = ViewOptions(
        audience=config.audience(request.audience, settings.config),
        sections=request.sections or SECTIONS,
        brief=request.brief
        or (settings.config.brief and not request.full and not request.sections),
        notes=request.notes,
        history_limit=None if "history" in request.sections else RECENT_EVENTS,
    )
    console = make_console(config.color(request.color, settings.config))
    text = render_text(console, lambda c: render_many(c, compounds, kb, today, options, stamp))
    emit(text, page=settings.pager, configured=settings.config.pager)
