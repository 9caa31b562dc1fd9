"""The Model Context Protocol server behind `gslookup mcp`: the knowledge base for AI assistants.

Read-only, over stdio. Each tool asks the same core as the CLI (catalog, record, search,
listing, screening, citations, changes) and returns the CLI's JSON for the same question as
structured content, next to the knowledge-base stamp, the review date and staleness flags of
every compound in the answer and the disclaimer, plus a short plain-text rendering.

Domain errors become the SDK's tool errors (the SDK hides the text of any other exception);
the input schemas bound argument types and sizes and refuse unknown arguments, so a bad call
is answered with an error that says what was wrong, and the server keeps serving.
"""

# No `from __future__ import annotations` here: the SDK builds the input schemas from the tool
# functions' annotations at run time.

import logging
import threading
from collections.abc import Callable, Iterable
from datetime import date
from importlib.resources import files
from typing import Annotated, Any, Literal

from mcp.server import MCPServer
from mcp.server.mcpserver.exceptions import (
    ResourceError,
    ResourceNotFoundError,
    ToolError,
    UnexpectedToolError,
)
from mcp.server.mcpserver.resources import FunctionResource
from mcp.server.mcpserver.tools import Tool
from mcp_types import CallToolResult, TextContent, ToolAnnotations
from pydantic import Field, ValidationError
from typing_extensions import TypedDict

from gslookup import __version__, brief, kbinfo, sources
from gslookup.catalog import Catalog, open_catalog
from gslookup.changes import ChangeQuery, changes
from gslookup.citations import format_references
from gslookup.errors import GslookupError, UnknownCompound, UsageError
from gslookup.listing import Filters, jurisdiction_code, rows, statuses
from gslookup.messages import error_lines
from gslookup.model import Compound, KnowledgeBase
from gslookup.output import err_writer
from gslookup.record import (
    DISCLAIMER,
    build_record,
    cited_references,
    dumps,
    is_stale,
    list_outdated,
    select,
)
from gslookup.screening import CatalogSource, Screener, ScreenOptions, Summary, input_lines
from gslookup.search import hit_json, search
from gslookup.sources import Settings

# Bounds on what a caller may send: generous for real questions, small enough that no call can
# make the server spend long or answer with megabytes.
MAX_NAME = 200
MAX_QUERY = 500
MAX_TEXT = 100_000
MAX_SCREEN_LINES = 1_000
MAX_SEARCH_LIMIT = 200
MAX_LISTED_RESOURCES = 1_000
"""Compounds listed as resources; the template reads any id, listed or not."""
COMPOUND_URI = "gslookup://compound/{id}"
SCHEMA_URI = "gslookup://schema/record"

# The choices, spelled out so the input schemas carry them; a test keeps them equal to the
# core's tuples.
RecordField = Literal[
    "schema_version", "id", "name", "aliases", "drug_class", "mechanism", "summary",
    "bottom_line", "plain_summary", "plain_bottom_line", "highest_phase", "routes",
    "approvals", "approval_search", "trials", "sport", "compounding", "findings", "risks",
    "alternatives", "events", "note", "references", "last_reviewed", "stale", "source", "kb",
    "disclaimer",
]  # fmt: skip
Status = Literal["approved", "not-approved", "refused", "withdrawn", "discontinued"]
Phase = Literal["preclinical", "phase-1", "phase-2", "phase-3", "approved"]
Eligibility = Literal["yes", "no", "unclear"]
RefFormat = Literal["text", "markdown", "bibtex", "ris", "csl-json"]
EventKind = Literal[
    "approval", "indication", "refusal", "withdrawal", "discontinuation", "label",
    "designation", "trial", "sport", "compounding", "supply", "other",
]  # fmt: skip

INSTRUCTIONS = (
    "gslookup is an offline, verified and cited reference for growth-hormone secretagogues "
    "(ipamorelin, MK-677, GHRP-2 ...) and other growth-hormone-axis agents (tesamorelin, "
    "somatropin and its long-acting forms, IGF-1). Prefer its answers to memory for "
    "regulatory status, sport (WADA) status, US 503A compounding, development phase, trials, "
    "findings and risks: they are dated and every fact cites a source. Cite the references, "
    "say when the entry was last reviewed (flag `stale` entries), and pass on the disclaimer. "
    "It is an educational reference, not medical advice."
)
READ_ONLY = ToolAnnotations(
    read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False
)


class Stamp(TypedDict):
    version: str
    hash: str


class Reviewed(TypedDict):
    id: str
    last_reviewed: str
    stale: bool
    sport_list_outdated: bool | None


class Provenance(TypedDict):
    kb: Stamp
    reviewed: list[Reviewed]
    disclaimer: str


class LookupResult(Provenance):
    record: dict[str, Any]


class SearchResult(Provenance):
    query: str
    total: int
    results: list[dict[str, Any]]


class ListResult(Provenance):
    compounds: list[dict[str, Any]]


class ScreenResult(Provenance):
    results: list[dict[str, Any]]
    summary: dict[str, int]


class ReferencesResult(Provenance):
    id: str
    name: str
    format: str
    citations: str
    references: list[dict[str, Any]]


class ChangesResult(Provenance):
    events: list[dict[str, Any]]


Answer = tuple[str, dict[str, Any]]
"""(text rendering without the footer, structured content)"""


def reviewed(compound: Compound, today: date) -> Reviewed:
    return {
        "id": compound.id,
        "last_reviewed": compound.last_reviewed.isoformat(),
        "stale": is_stale(compound, today),
        "sport_list_outdated": list_outdated(compound.sport, today),
    }


def provenance(stamp: dict[str, str], compounds: Iterable[Compound], today: date) -> Provenance:
    unique = {c.id: c for c in compounds}
    return {
        "kb": {"version": stamp["version"], "hash": stamp["hash"]},
        "reviewed": [reviewed(c, today) for c in unique.values()],
        "disclaimer": DISCLAIMER,
    }


class Answers:
    """The answers, as plain data; the knowledge bases are opened afresh for every request.

    Opening through the cached indexes costs milliseconds, sees edits made while serving, and
    shares no SQLite connection between the SDK's worker threads.
    """

    def __init__(self, settings: Settings, today: Callable[[], date] = date.today) -> None:
        self.settings, self.today = settings, today
        # Calls run in worker threads, and a stale index is rebuilt through one temporary file
        # per process: one opening at a time, so two calls never write it together.
        self._opening = threading.Lock()

    def open(self) -> tuple[Catalog, date]:
        today = self.today()
        with self._opening:
            catalog = open_catalog(sources.layers(self.settings), today, self.settings.use_cache)
        return catalog, today

    def _stamp(self, catalog: Catalog) -> dict[str, str]:
        return kbinfo.stamp(catalog.knowledge_base([]))

    def record(self, name: str) -> tuple[dict[str, Any], Compound, KnowledgeBase, date]:
        catalog, today = self.open()
        compound = catalog.find(name)
        kb = catalog.knowledge_base([compound])
        return build_record(compound, kb, today, kbinfo.stamp(kb)), compound, kb, today

    def lookup(self, name: str, fields: list[str] | None) -> Answer:
        rec, compound, _, today = self.record(name)
        keep = list(dict.fromkeys(fields)) if fields else None
        content = {"record": select(rec, keep), **provenance(rec["kb"], [compound], today)}
        return brief.record(rec, statuses(compound)), content

    def search(self, query: str, limit: int) -> Answer:
        catalog, today = self.open()
        hits = search(catalog.all_compounds(), query)
        shown = hits[:limit]
        results = [hit_json(h) for h in shown]
        content: dict[str, Any] = {"query": query, "total": len(hits), "results": results}
        content |= provenance(self._stamp(catalog), (h.compound for h in shown), today)
        return brief.search_hits(query, results, len(hits)), content

    def list_compounds(self, filters: Filters) -> Answer:
        catalog, today = self.open()
        compounds = {c.id: c for c in catalog.all_compounds()}
        found = list(rows(compounds.values(), filters))
        content: dict[str, Any] = {"compounds": found}
        content |= provenance(self._stamp(catalog), (compounds[r["id"]] for r in found), today)
        return brief.list_rows(found), content

    def screen(self, text: str) -> Answer:
        # Split as the CLI reads a file, so line numbers agree with `gslookup check`.
        lines = list(input_lines(line.rstrip("\r") for line in text.split("\n")))
        if len(lines) > MAX_SCREEN_LINES:
            raise UsageError(
                f"{len(lines)} lines to screen; at most {MAX_SCREEN_LINES} per call, "
                "so split the text"
            )
        catalog, today = self.open()
        stamp = self._stamp(catalog)
        screener = Screener(CatalogSource(catalog), today, stamp, ScreenOptions())
        summary, results = Summary(), []
        for number, line in lines:
            found = screener.screen(number, line)
            summary.add(number, found)
            results += [record for record, _ in found]
        ids = dict.fromkeys(r["id"] for r in results if r["id"])
        compounds = [c for c in map(catalog.compound, ids) if c is not None]
        content: dict[str, Any] = {"results": results, "summary": _counts(summary)}
        content |= provenance(stamp, compounds, today)
        return brief.screening(results, summary.line()), content

    def references(self, name: str, fmt: str) -> Answer:
        rec, compound, kb, today = self.record(name)
        citations = format_references(cited_references(compound, kb), fmt)
        content: dict[str, Any] = {"id": compound.id, "name": compound.name, "format": fmt}
        content |= {"citations": citations, "references": rec["references"]}
        content |= provenance(rec["kb"], [compound], today)
        return citations.rstrip("\n"), content

    def changes(self, query: ChangeQuery, name: str | None) -> Answer:
        catalog, today = self.open()
        if name is not None:
            query = ChangeQuery(
                query.since, query.until, query.kinds, query.jurisdiction, catalog.find(name).id
            )
        found = changes(catalog.all_compounds(), query, catalog.reference)
        ids = dict.fromkeys(r["id"] for r in found)
        compounds = [c for c in map(catalog.compound, ids) if c is not None]
        content = {"events": found, **provenance(self._stamp(catalog), compounds, today)}
        return brief.change_rows(found), content

    def record_json(self, name: str) -> str:
        """The record as `gslookup NAME --json` prints it (without the final newline)."""
        return dumps(self.record(name)[0])


def _counts(summary: Summary) -> dict[str, int]:
    keys = ("lines", "compounds", "lines_with_compounds", "prohibited", "possible", "no_match")
    return {key: getattr(summary, key) for key in keys}


def error_message(error: GslookupError) -> str:
    """What the CLI would say, without its program-name prefix."""
    return "\n".join(line.removeprefix("gslookup: ") for line in error_lines(error))


def reply(answer: Callable[[], Answer]) -> CallToolResult:
    """Run an answer; a domain error becomes a tool error whose text says what was wrong."""
    try:
        text, content = answer()
    except GslookupError as error:
        raise ToolError(error_message(error)) from None
    footer = brief.footer(content["kb"], content["reviewed"], content["disclaimer"])
    body = TextContent(type="text", text=f"{text}\n\n{footer}")
    return CallToolResult(content=[body], structured_content=content)


def _jurisdiction(text: str | None) -> str | None:
    return None if text is None else jurisdiction_code(text)


Name = Annotated[
    str,
    Field(
        min_length=1,
        max_length=MAX_NAME,
        strict=True,
        description="A compound's id, name, alias, brand, code or salt form (MK-677, Egrifta).",
    ),
]
Jurisdiction = Annotated[
    str | None,
    Field(
        min_length=1,
        max_length=20,
        strict=True,
        description="A two-letter code (US, EU, UK, JP ...) or an agency (FDA, EMA, MHRA ...).",
    ),
]
PartialDate = Annotated[
    str | None,
    Field(
        pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$",
        strict=True,
        description="YYYY, YYYY-MM or YYYY-MM-DD.",
    ),
]


def _tools(answers: Answers) -> list[Tool]:
    def lookup(
        name: Name,
        fields: Annotated[
            list[RecordField] | None,
            Field(min_length=1, max_length=40, description="Keep only these record keys."),
        ] = None,
    ) -> Annotated[CallToolResult, LookupResult]:
        """The verified, cited record of one compound: what is its standing in practice?

        Bottom line, approval status per jurisdiction, sport (WADA) and US 503A compounding
        status, highest development phase, trials, research findings and risks with citations,
        approved alternatives, history, references, review date and disclaimer (the JSON record,
        contract version 1, as `gslookup NAME --json` prints it). An unknown name is an error
        that suggests close names.
        """
        return reply(lambda: answers.lookup(name, list(fields) if fields else None))

    def search(
        query: Annotated[
            str,
            Field(min_length=1, max_length=MAX_QUERY, strict=True, description="Words to find."),
        ],
        limit: Annotated[
            int, Field(ge=1, le=MAX_SEARCH_LIMIT, strict=True, description="Most results.")
        ] = 20,
    ) -> Annotated[CallToolResult, SearchResult]:
        """Ranked full-text search over names, aliases, class, mechanism, summary, indications,
        findings and risks; every word must match, and each result says where it matched.

        Use it to find compounds by a topic ("bone", "cachexia", "GHRH analogue").
        """
        return reply(lambda: answers.search(query, limit))

    def list_compounds(
        status: Annotated[
            Status | None, Field(description="Keep compounds with this human approval status.")
        ] = None,
        jurisdiction: Jurisdiction = None,
        prohibited: Annotated[
            bool | None, Field(strict=True, description="Keep compounds (not) prohibited in sport.")
        ] = None,
        phase: Annotated[Phase | None, Field(description="Keep this highest phase.")] = None,
        compoundable: Annotated[
            Eligibility | None,
            Field(description="Keep compounds a US 503A pharmacy may (yes) or may not (no) use."),
        ] = None,
    ) -> Annotated[CallToolResult, ListResult]:
        """Every compound in the knowledge base, one row each: id, name, class, highest phase,
        human approval status per jurisdiction, sport prohibition and US 503A eligibility.

        Filters combine; `status` with `jurisdiction` means that status in that jurisdiction
        (approved in the US: status=approved, jurisdiction=US).
        """
        return reply(
            lambda: answers.list_compounds(
                Filters(None, status, _jurisdiction(jurisdiction), prohibited, phase, compoundable)
            )
        )

    def screen(
        text: Annotated[
            str,
            Field(
                min_length=1,
                max_length=MAX_TEXT,
                strict=True,
                description="Label text, an ingredient list or names, one item per line.",
            ),
        ],
    ) -> Annotated[CallToolResult, ScreenResult]:
        """Screen a supplement label or a list of names, as `gslookup check` does: every GH-axis
        compound named in each line, with its sport verdict and approval status.

        Doses, salts, brackets, bullets and blends are understood. Verdicts: prohibited,
        not-prohibited, unclear, possible (a near miss, with a suggestion), no-match.
        """
        return reply(lambda: answers.screen(text))

    def references(
        name: Name,
        format: Annotated[RefFormat, Field(description="Citation format.")] = "text",
    ) -> Annotated[CallToolResult, ReferencesResult]:
        """A compound's references, formatted for citing or for reference managers: text,
        Markdown, BibTeX, RIS or CSL-JSON (as `gslookup refs NAME --format FORMAT`)."""
        return reply(lambda: answers.references(name, format))

    def changes(
        since: PartialDate = None,
        until: PartialDate = None,
        kind: Annotated[
            EventKind | Annotated[list[EventKind], Field(min_length=1, max_length=20)] | None,
            Field(description="Keep this kind of event, or any of these kinds."),
        ] = None,
        jurisdiction: Jurisdiction = None,
        name: Annotated[
            str | None,
            Field(
                min_length=1, max_length=MAX_NAME, strict=True, description="Only this compound."
            ),
        ] = None,
    ) -> Annotated[CallToolResult, ChangesResult]:
        """What changed, newest first: approvals, refusals, withdrawals, label and Prohibited
        List changes, compounding decisions, shortages, each dated and cited.

        A partial date is a span: since=2024 keeps everything from 2024-01-01.
        """
        kinds = (kind,) if isinstance(kind, str) else tuple(kind or ())

        def answer() -> Answer:
            query = ChangeQuery(since, until, kinds, _jurisdiction(jurisdiction))
            return answers.changes(query, name)

        return reply(answer)

    return [strict(fn) for fn in (lookup, search, list_compounds, screen, references, changes)]


class StrictTool(Tool):
    """A tool whose argument errors read as one line per argument, without echoing the input."""

    async def run(
        self, arguments: dict[str, Any], context: Any, convert_result: bool = False
    ) -> Any:
        try:
            return await super().run(arguments, context, convert_result)
        except ToolError as error:
            cause = error.__cause__
            if isinstance(error, UnexpectedToolError) or not isinstance(cause, ValidationError):
                raise
            raise ToolError(argument_errors(self.name, cause)) from cause


def argument_errors(tool: str, error: ValidationError) -> str:
    problems = dict.fromkeys(f"{_where(e['loc'])}: {e['msg']}" for e in error.errors())
    return f"invalid arguments for {tool}: " + "; ".join(list(problems)[:10])


def _where(loc: tuple[int | str, ...]) -> str:
    # Drop pydantic's union-branch tags ("literal['a','b']", "list[...]"): keys and indexes only.
    parts = [str(p) for p in loc if isinstance(p, int) or p.isidentifier()]
    return ".".join(parts) or "arguments"


def strict(fn: Callable[..., CallToolResult]) -> Tool:
    """A read-only tool that refuses unknown arguments.

    The SDK drops them by default, so a misspelt filter ("clas", "jurisdicton") would quietly
    widen the answer; refused, it is an error that names the argument.
    """
    tool = StrictTool.from_function(fn, annotations=READ_ONLY)
    arguments = tool.fn_metadata.arg_model
    arguments.model_config["extra"] = "forbid"
    arguments.model_rebuild(force=True)
    tool.parameters["additionalProperties"] = False
    return tool


def _add_resources(server: MCPServer, answers: Answers) -> None:
    def read(compound_id: str) -> str:
        try:
            return answers.record_json(compound_id[:MAX_NAME])
        except UnknownCompound as error:
            raise ResourceNotFoundError(error_message(error)) from None
        except GslookupError as error:
            raise ResourceError(error_message(error)) from None

    @server.resource(
        COMPOUND_URI,
        name="compound",
        title="Compound record",
        description="The JSON record (contract version 1) of a compound, by id.",
        mime_type="application/json",
    )
    def compound_record(id: str) -> str:
        return read(id)

    @server.resource(
        SCHEMA_URI,
        name="record-schema",
        title="JSON Schema of the record",
        description="The JSON Schema (draft 2020-12) of the compound record.",
        mime_type="application/schema+json",
    )
    def schema() -> str:
        return files("gslookup").joinpath("schema.json").read_text(encoding="utf-8")

    catalog, _ = answers.open()
    for compound in sorted(catalog.all_compounds(), key=lambda c: c.id)[:MAX_LISTED_RESOURCES]:
        server.add_resource(
            FunctionResource.from_function(
                fn=_reader(read, compound.id),
                uri=COMPOUND_URI.format(id=compound.id),
                name=compound.id,
                title=compound.name,
                description=f"{compound.name}: {compound.drug_class}",
                mime_type="application/json",
            )
        )


def _reader(read: Callable[[str], str], compound_id: str) -> Callable[[], str]:
    return lambda: read(compound_id)


def build_server(settings: Settings, today: Callable[[], date] = date.today) -> MCPServer:
    """The server, with its tools and resources; nothing is served until `run`."""
    answers = Answers(settings, today)
    server = MCPServer(
        "gslookup",
        title="gslookup",
        description="Verified, cited reference for growth-hormone-axis compounds.",
        instructions=INSTRUCTIONS,
        version=__version__,
        log_level="DEBUG" if settings.debug else "WARNING",
        tools=_tools(answers),
    )
    _add_resources(server, answers)
    return server


def serve(settings: Settings) -> None:
    """Serve over stdio until the client closes the connection."""
    # Plain lines on stderr, set up before the SDK's own (Rich) logging set-up, which then
    # leaves them alone: stdout carries protocol messages only.
    logging.basicConfig(
        stream=err_writer(),
        level=logging.DEBUG if settings.debug else logging.WARNING,
        format="gslookup mcp: %(levelname)s %(name)s: %(message)s",
    )
    # Building opens the knowledge bases (to list the resources), so a broken file stops the
    # command here, with file, line and problem, before anything is served.
    server = build_server(settings)
    server.run("stdio")
