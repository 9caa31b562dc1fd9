"""`gslookup NAME`: the everyday path, shared by the lean start-up and the Typer app."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from gslookup import kbinfo, sources
from gslookup.catalog import open_catalog
from gslookup.messages import EXIT_OK, handle
from gslookup.options import RECENT_EVENTS, SECTIONS
from gslookup.output import out
from gslookup.record import RECORD_FIELDS, build_record, dumps, dumps_line, parse_fields, select
from gslookup.sources import Settings


@dataclass(frozen=True)
class ShowRequest:
    names: tuple[str, ...]
    as_json: bool = False
    as_jsonl: bool = False
    fields: str | None = None
    audience: str = "clinician"
    sections: tuple[str, ...] = ()
    color: str = "auto"


def show(settings: Settings, request: ShowRequest) -> int:
    """Print the answer for every name; return the exit code. Errors are reported here."""
    try:
        _show(settings, request)
    except BaseException as error:
        if isinstance(error, SystemExit):
            raise
        return handle(error, settings.debug, sources.personal_path())
    return EXIT_OK


def _show(settings: Settings, request: ShowRequest) -> None:
    today = date.today()
    catalog = open_catalog(sources.layers(settings), today, settings.use_cache)
    compounds = [catalog.find(name) for name in request.names]
    kb = catalog.knowledge_base(compounds)
    stamp = kbinfo.stamp(kb)
    if request.as_json or request.as_jsonl:
        keep = parse_fields(request.fields, RECORD_FIELDS)
        records = [select(build_record(c, kb, today, stamp), keep) for c in compounds]
        lines: Sequence[str]
        if request.as_jsonl:
            lines = [dumps_line(r) for r in records]
        else:
            lines = [dumps(records[0] if len(records) == 1 else records)]
        out("".join(line + "\n" for line in lines), nl=False)
        return
    from gslookup.render import make_console, render_many

    sections = request.sections or SECTIONS
    console = make_console(request.color)
    history = None if "history" in request.sections else RECENT_EVENTS
    render_many(console, compounds, kb, today, request.audience, sections, stamp, history)
