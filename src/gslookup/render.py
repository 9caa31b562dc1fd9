"""The terminal view. The only module that imports Rich; loaded only on paths that draw."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

from rich import box
from rich.console import (
    Console,
    ConsoleOptions,
    ConsoleRenderable,
    Group,
    RenderableType,
    RenderResult,
)
from rich.console import RenderHook as _RenderHook
from rich.padding import Padding
from rich.panel import Panel
from rich.rule import Rule
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich.text import Text

from gslookup.citations import doi_url
from gslookup.listing import (
    MAIN_JURISDICTIONS,
    jurisdiction_status,
)
from gslookup.model import BUNDLED, Approval, Citation, Compound, KnowledgeBase, Reference
from gslookup.options import RECENT_EVENTS, SECTIONS
from gslookup.output import stdout_closed
from gslookup.record import DISCLAIMER, cited_references, is_stale, list_outdated
from gslookup.search import Hit
from gslookup.text import safe_link, strip_controls
from gslookup.wording import (
    HEADINGS,
    PHASE_LABELS,
    StripPart,
    regulatory_strip,
    search_line,
    sport_strip,
)

STATUS_STYLES = {
    "approved": "bold green",
    "not-approved": "yellow",
    "refused": "bold red",
    "withdrawn": "bold red",
    "discontinued": "magenta",
}
PROSE_WIDTH = 100
"""The widest the view gets: longer lines are hard to read, whatever the terminal."""
BRIEF_RISKS = 3


def make_console(
    color: str = "auto", file: IO[str] | None = None, width: int | None = None
) -> Console:
    """Colour: an explicit --color beats NO_COLOR, which beats terminal detection.

    Every console gslookup draws on sanitises what it draws (see `Sanitise`).
    """
    if file is None and stdout_closed():
        raise BrokenPipeError
    if color == "always":
        console = _Console(
            file=file, force_terminal=True, no_color=False, width=width, highlight=False
        )
    elif color == "never":
        console = _Console(
            file=file, color_system=None, no_color=True, width=width, highlight=False
        )
    else:
        console = _Console(file=file, width=width, highlight=False)
    console.push_render_hook(Sanitise())
    return console


class _Console(Console):
    def on_broken_pipe(self) -> None:
        """Rich exits 1 here, which means "not found"; a closed pipe is exit 141."""
        self.quiet = True
        raise BrokenPipeError


class Sanitise(_RenderHook):
    """The chokepoint for Rich: whatever a renderer built, each segment's text is sanitised
    and a hyperlink survives only when its target is a plain http(s) URL."""

    def process_renderables(self, renderables: list[ConsoleRenderable]) -> list[ConsoleRenderable]:
        return [_Clean(r) for r in renderables]


class _Clean:
    def __init__(self, renderable: ConsoleRenderable) -> None:
        self.renderable = renderable

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for segment in console.render(self.renderable, options):
            if segment.control:
                continue
            style = segment.style
            if style is not None and style.link and not safe_link(style.link):
                style = style.clear_meta_and_links()
            yield Segment(strip_controls(segment.text), style)


def safe(text: str | None, style: str | Style = "") -> Text:
    """Knowledge-base text, shown literally: never parsed as markup, never an escape sequence."""
    return Text(strip_controls(text or ""), style=style)


@dataclass(frozen=True)
class ViewOptions:
    """What the terminal view of a compound shows."""

    audience: str = "clinician"
    sections: Sequence[str] = SECTIONS
    brief: bool = False
    notes: bool = False
    """The curators' `note` fields (provenance); never in the patient view."""
    history_limit: int | None = RECENT_EVENTS


class _View:
    def __init__(
        self,
        compound: Compound,
        kb: KnowledgeBase,
        today: date,
        options: ViewOptions,
        stamp: dict[str, str] | None = None,
    ) -> None:
        self.c, self.kb, self.today, self.options = compound, kb, today, options
        self.audience, self.history_limit = options.audience, options.history_limit
        self.notes = options.notes and options.audience == "clinician"
        self.stamp = stamp
        self.refs = cited_references(compound, kb)
        self.numbers = {ref.id: i for i, ref in enumerate(self.refs, start=1)}

    def marks(self, refs: Iterable[str]) -> Text:
        numbers = sorted({self.numbers[r] for r in refs if r in self.numbers})
        return Text("".join(f"[{n}]" for n in numbers), style="cyan")

    def heading(self, section: str) -> Text:
        return Text(HEADINGS[self.audience][section], style="bold underline")

    def title(self) -> RenderableType:
        title = safe(self.c.name, "bold")
        if self.audience == "clinician":
            title.append("  ").append(safe(self.c.drug_class, "dim"))
        if self.c.source != BUNDLED:
            overrides = ", overrides the bundled one" if self.c.id in self.kb.overridden else ""
            title.append("\n").append(
                safe(f"personal entry{overrides} ({self.c.source})", "italic")
            )
        return title

    def status_strip(self) -> RenderableType:
        """The answer at a glance: where it is approved, sport, compounding, how far it got."""
        return Group(self.regulatory_strip(), self.other_strip())

    def regulatory_strip(self) -> Text:
        return _styled(regulatory_strip(self.c))

    def other_strip(self) -> Text:
        return _styled(sport_strip(self.c, patient=self.audience == "patient"))

    def stale_warning(self) -> RenderableType | None:
        if not is_stale(self.c, self.today):
            return None
        reviewed = self.c.last_reviewed.isoformat()
        return Text(
            f"Note: this entry was last reviewed on {reviewed}, more than 12 months ago. "
            "Facts may have changed; check the references.",
            style="yellow",
        )

    def bottom_line(self) -> RenderableType:
        patient = self.audience == "patient"
        line = (self.c.plain_bottom_line if patient else None) or self.c.bottom_line
        return Panel(
            safe(line), title=self.heading("bottom-line"), title_align="left", box=box.ROUNDED
        )

    def identity(self) -> RenderableType:
        patient = self.audience == "patient"
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column()
        summary = (self.c.plain_summary if patient else None) or self.c.summary
        rows: list[tuple[str, str | None]] = [
            ("Summary", summary),
            ("Class", None if patient else self.c.drug_class),
            ("Mechanism", None if patient else self.c.mechanism),
            ("Also known as", ", ".join(self.c.aliases) or None),
            ("Routes", ", ".join(self.c.routes) or None),
        ]
        for label, value in rows:
            if value:
                grid.add_row(label, safe(value))
        return grid

    def approvals(self) -> RenderableType:
        if not self.c.approvals:
            return Text("No regulatory information in this entry.", style="dim")
        # Product, indication and note share one wide column, so narrow terminals stay readable.
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=True)
        table.add_column("Where", no_wrap=True)
        table.add_column("Status", no_wrap=True)
        table.add_column("Product, indication, date", ratio=1, overflow="fold")
        for a in self.c.approvals:
            where = safe(a.jurisdiction + (f" ({a.agency})" if a.agency else ""))
            status = safe(a.status, STATUS_STYLES.get(a.status, ""))
            table.add_row(where, status, self.approval_detail(a))
        searched = self.search_lines()
        return Group(table, *searched) if searched else table

    def search_lines(self) -> list[Text]:
        search, line = self.c.approval_search, search_line(self.c)
        note = search.note if search and self.notes else None
        return [safe(text, "dim") for text in (line, note) if text]

    def approval_detail(self, a: Approval) -> Text:
        head = " · ".join(strip_controls(p) for p in (a.product, a.date) if p)
        detail = Text(head, style="bold") if head else Text()
        if a.species != "human":
            detail.append(f" [veterinary: {strip_controls(a.species)}]", "italic")
        for part, style in ((a.indication, ""), (a.note if self.notes else None, "dim")):
            if part:
                detail.append("\n" if detail.plain else "").append(safe(part, style))
        if not detail.plain:
            detail.append("-", "dim")
        return detail.append(" ").append(self.marks(a.refs))

    def sport(self) -> RenderableType:
        s = self.c.sport
        line = Text.assemble(f"{strip_controls(s.authority or 'WADA')}: ", self.sport_status())
        if s.list_year:
            line.append(f" ({s.list_year} List)")
        elif s.as_of:
            line.append(f" (list of {strip_controls(s.as_of)})")
        line.append(" ").append(self.marks(s.refs))
        lines: list[RenderableType] = [line]
        if s.note and self.notes:
            lines.append(safe(s.note, "dim"))
        elif s.status == "unclear":
            lines.append(Text(UNCLEAR_SPORT, "yellow"))
        lines.append(self.compounding())
        return Group(*lines)

    def sport_status(self) -> Text:
        s = self.c.sport
        if s.status == "unclear":
            return Text("Status unclear", "bold yellow")
        if s.status != "prohibited":
            return Text("Not prohibited", "green")
        when = {"at-all-times": "at all times", "in-competition": "in competition only"}
        details = [when.get(s.when or "", "")]
        details.append(f"section {strip_controls(s.section)}" if s.section else "")
        if s.named is not None:
            details.append("named on the List" if s.named else "covered by its class")
        details.append("non-specified" if s.specified is False else "")
        return Text("Prohibited", "bold red").append(
            "".join(f", {d}" if i else f" {d}" for i, d in enumerate(d for d in details if d))
        )

    def list_warning(self) -> RenderableType | None:
        s = self.c.sport
        if not list_outdated(s, self.today):
            return None
        return Text(
            f"Note: the sport status reflects the {s.list_year} Prohibited List; a newer List "
            "is in force. Check the current List.",
            style="yellow",
        )

    def compounding(self) -> Text:
        c = self.c.compounding
        if c is None:
            return Text("US compounding (503A): no information in this entry.", style="dim")
        eligible = {"yes": "may be compounded", "no": "may not be compounded", "unclear": "unclear"}
        line = Text("US compounding (503A): ")
        line.append(eligible.get(c.us_503a_eligible, c.us_503a_eligible), "bold")
        if c.us_503a_basis != "unknown":
            line.append(f" ({strip_controls(c.us_503a_basis)})")
        line.append(". ").append(safe(c.us_503a))
        if c.as_of:
            line.append(f" (as of {strip_controls(c.as_of)})")
        line.append(" ").append(self.marks(c.refs))
        if c.note and self.notes:
            line.append("\n").append(safe(c.note, "dim"))
        return line

    def development(self) -> RenderableType:
        phase = PHASE_LABELS.get(self.c.highest_phase, self.c.highest_phase)
        lines: list[RenderableType] = [
            Text.assemble(("Highest phase reached: ", "bold"), strip_controls(phase))
        ]
        for t in self.c.trials:
            head = " · ".join(strip_controls(p) for p in (t.id, t.phase, t.status, t.sponsor) if p)
            line = Text("• ").append(head or "Study", "bold")
            if t.condition:
                line.append(": ").append(safe(t.condition))
            if t.outcome:
                line.append(". Outcome: ").append(safe(t.outcome))
            lines.append(line.append(" ").append(self.marks(t.refs)))
        return Group(*lines)

    def citations(self, items: Sequence[Citation], empty: str) -> RenderableType:
        if not items:
            return Text(empty, style="dim")
        lines = []
        for item in items:
            line = Text("• ").append(safe(item.text))
            if item.evidence:
                line.append(f" ({strip_controls(item.evidence)})", "dim")
            lines.append(line.append(" ").append(self.marks(item.refs)))
        return Group(*lines)

    def findings(self) -> RenderableType:
        return self.citations(self.c.findings, "No findings recorded in this entry.")

    def risks(self) -> RenderableType:
        return self.citations(self.c.risks, "No risks recorded in this entry.")

    def alternatives(self) -> RenderableType:
        if not self.c.alternatives:
            return Text("None listed.", style="dim")
        lines = []
        for alt_id in self.c.alternatives:
            alt = self.kb.compounds.get(alt_id)
            name = alt.name if alt else alt_id
            lines.append(
                Text("• ").append(safe(name)).append(safe(f"  (gslookup {alt_id})", "dim"))
            )
        return Group(*lines)

    def history(self) -> RenderableType:
        events = self.c.events
        if not events:
            return Text("No events recorded in this entry.", style="dim")
        shown = events if self.history_limit is None else events[-self.history_limit :]
        lines: list[RenderableType] = []
        for event in reversed(shown):
            where = f" {event.jurisdiction}" if event.jurisdiction else ""
            head = Text(f"{strip_controls(event.date)}{strip_controls(where)} ", style="bold")
            head.append(f"({strip_controls(event.kind)}) ", "dim")
            lines.append(head.append(safe(event.text)).append(" ").append(self.marks(event.refs)))
        if len(shown) < len(events):
            more = len(events) - len(shown)
            lines.append(
                Text(
                    f"{more} earlier event{'s' * (more != 1)}: gslookup {self.c.id} -s history",
                    "dim",
                )
            )
        return Group(*lines)

    def references(self) -> list[Text]:
        lines: list[Text] = []
        for n, ref in enumerate(self.refs, 1):
            found = reference_lines(n, ref)
            source = self.kb.reference_sources.get(ref.id, BUNDLED)
            if self.c.source == BUNDLED and source != BUNDLED:
                # A bundled entry citing a reference replaced in another file (W4).
                found[0].append(safe(f" (this reference from {source})", "italic yellow"))
            lines += found
        if not lines:
            lines.append(Text("No references.", style="dim"))
        if self.c.note and self.notes:
            lines.append(
                Text.assemble(("\nAbout the evidence: ", "bold"), safe(self.c.note, "dim"))
            )
        elif self.audience == "clinician" and has_notes(self.c):
            lines.append(
                Text(f"\nCurators' notes on the sources: gslookup {self.c.id} --notes", "dim")
            )
        return lines

    def brief_risks(self) -> RenderableType:
        risks = self.c.risks[:BRIEF_RISKS]
        if not risks:
            return Text("No risks recorded in this entry.", style="dim")
        # One line each: the full view has the whole text and its references.
        return Group(
            *(Text("• ", no_wrap=True, overflow="ellipsis").append(safe(r.text)) for r in risks)
        )

    def brief_alternatives(self) -> Text:
        line = Text(f"{HEADINGS[self.audience]['alternatives']}: ", "bold")
        names = [self.kb.compounds[a].name if a in self.kb.compounds else a
                 for a in self.c.alternatives]  # fmt: skip
        return line.append(safe(", ".join(names) or "none listed"))

    def brief_more(self) -> Text:
        return Text(
            f"More: gslookup {self.c.id} (full view) · reviewed "
            f"{self.c.last_reviewed.isoformat()} · {SHORT_DISCLAIMER}",
            style="dim",
        )

    def source(self) -> str:
        return "bundled knowledge base" if self.c.source == BUNDLED else self.c.source


UNCLEAR_SPORT = (
    "No ruling either way was found: ask your anti-doping organisation before use "
    "(a therapeutic use exemption may apply)."
)


def has_notes(compound: Compound) -> bool:
    """Whether the entry carries curators' notes that the view leaves out without --notes."""
    compounding = compound.compounding.note if compound.compounding else None
    found = [compound.note, compound.sport.note, compounding, *(a.note for a in compound.approvals)]
    return any(found)


SHORT_DISCLAIMER = "an educational reference, not medical advice"
STRIP_STYLES = {"approved": "green", "not-prohibited": "bold green", "unclear": "bold yellow",
                "prohibited": "bold"}  # fmt: skip


def _styled(parts: Sequence[StripPart]) -> Text:
    return Text(" · ").join(Text(p.text, STRIP_STYLES.get(p.tone, "")) for p in parts)


def footer(views: Sequence[_View]) -> RenderableType:
    """One footer for the whole answer: review dates, sources, stamp, disclaimer."""
    if len(views) == 1:
        dates = views[0].c.last_reviewed.isoformat()
    else:
        dates = ", ".join(f"{v.c.last_reviewed.isoformat()} ({v.c.name})" for v in views)
    sources = ", ".join(dict.fromkeys(v.source() for v in views))
    line = Text(f"Last reviewed {dates} · source{'s' * (', ' in sources)}: ")
    line.append(safe(sources))
    stamp = views[0].stamp if views else None
    if stamp:
        line.append(f" · knowledge base {stamp['version']} ({stamp['hash']})")
    return Group(line, Text(DISCLAIMER, style="dim italic"))


def reference_lines(number: int, ref: Reference) -> list[Text]:
    """A reference; a bare URL goes on its own line, never wrapped in the middle."""
    line = reference_line(number, ref)
    if ref.url and not (ref.pmid or ref.doi or ref.nct):
        url = strip_controls(ref.url)
        return [line, Text(url, Style(link=url), no_wrap=True, overflow="ignore")]
    return [line]


def reference_line(number: int, ref: Reference) -> Text:
    line = Text(f"[{number}] ", style="cyan")
    if ref.authors:
        line.append(safe(_authors(ref.authors).rstrip(".") + ". "))
    line.append(safe(ref.title, "italic"))
    details = [p for p in (ref.journal, str(ref.year) if ref.year else None) if p]
    if details:
        line.append(safe(". " + " ".join(details)))
    for label, url in _identifiers(ref):
        if label != ref.url:
            link = Style(link=url) if url and safe_link(url) else ""
            line.append(" · ").append(safe(label, link))
    return line


def _authors(authors: Sequence[str]) -> str:
    return (
        ", ".join(authors)
        if len(authors) <= 3
        else f"{authors[0]}, {authors[1]}, {authors[2]}, et al."
    )


def _identifiers(ref: Reference) -> list[tuple[str, str | None]]:
    ids: list[tuple[str, str | None]] = []
    if ref.pmid:
        ids.append((f"PMID {ref.pmid}", f"https://pubmed.ncbi.nlm.nih.gov/{ref.pmid}/"))
    if ref.doi:
        ids.append((f"doi:{ref.doi}", doi_url(ref.doi)))
    if ref.nct:
        ids.append((ref.nct, f"https://clinicaltrials.gov/study/{ref.nct}"))
    if ref.url and not (ref.pmid or ref.doi or ref.nct):
        ids.append((ref.url, ref.url))
    return ids


def render_compound(
    console: Console,
    compound: Compound,
    kb: KnowledgeBase,
    today: date,
    options: ViewOptions | None = None,
    stamp: dict[str, str] | None = None,
) -> None:
    """One compound, with its footer."""
    view = _View(compound, kb, today, options or ViewOptions(), stamp)
    _draw(console, view)
    console.print()
    console.print(footer([view]))


def _draw(console: Console, view: _View) -> None:
    console.print(view.title())
    console.print(view.status_strip())
    for warning in (view.stale_warning(), view.list_warning()):
        if warning:
            console.print(warning)
    if view.options.brief:
        _draw_brief(console, view)
        return
    drawers: dict[str, Callable[[], RenderableType]] = {
        "identity": view.identity,
        "approvals": view.approvals,
        "sport": view.sport,
        "development": view.development,
        "findings": view.findings,
        "risks": view.risks,
        "alternatives": view.alternatives,
        "history": view.history,
    }
    for section in SECTIONS:
        if section not in view.options.sections:
            continue
        if section == "bottom-line":
            console.print(view.bottom_line())
            continue
        console.print()
        console.print(view.heading(section))
        if section == "references":
            _print_lines(console, view.references())
        else:
            console.print(Padding(drawers[section](), (0, 0, 0, 2)))


def _print_lines(console: Console, lines: Sequence[Text]) -> None:
    """Indented lines; one that must not wrap (a URL) may run past the edge instead."""
    for line in lines:
        if line.no_wrap:
            console.print(Text("  ").append(line), no_wrap=True, overflow="ignore", crop=False)
        else:
            console.print(Padding(line, (0, 0, 0, 2)))


def _draw_brief(console: Console, view: _View) -> None:
    """One screen: bottom line, key risks, alternatives, and where to read more."""
    console.print(view.bottom_line())
    console.print()
    console.print(view.heading("risks"))
    console.print(Padding(view.brief_risks(), (0, 0, 0, 2)))
    console.print()
    console.print(view.brief_alternatives())
    console.print(view.brief_more())


def render_many(
    console: Console,
    compounds: Sequence[Compound],
    kb: KnowledgeBase,
    today: date,
    options: ViewOptions | None = None,
    stamp: dict[str, str] | None = None,
) -> None:
    """Several compounds, one shared footer; the brief view keeps only its own last line."""
    views = [_View(c, kb, today, options or ViewOptions(), stamp) for c in compounds]
    for i, view in enumerate(views):
        if i:
            console.print(Rule())
        _draw(console, view)
    if not (options and options.brief):
        console.print()
        console.print(footer(views))


def render_text(
    console: Console, draw: Callable[[Console], None], max_width: int | None = PROSE_WIDTH
) -> str:
    """What `draw` prints, as text for the pager; prose at most PROSE_WIDTH columns wide."""
    if max_width is not None:
        console.width = min(console.width, max_width)
    with console.capture() as captured:
        draw(console)
    return captured.get()


def render_list(console: Console, rows: Sequence[dict[str, Any]], header: bool = True) -> None:
    """One row per compound at any width: long ids, names and classes are cut, never wrapped."""
    table = Table(box=box.SIMPLE_HEAD if header else None, show_header=header, show_edge=False,
                  pad_edge=False, padding=(0, 1, 0, 0))  # fmt: skip
    cells = [
        (safe(r["id"], "bold"), safe(r["name"]), safe(r["short_class"]),
         Text(LIST_PHASES.get(r["highest_phase"], r["highest_phase"])), status_cell(r),
         wada_cell(r))
        for r in rows
    ]  # fmt: skip
    labels = ("ID", "Name", "Class", "Phase", "Status", "WADA")
    widths = [max([len(label), *(c[i].cell_len for c in cells)]) for i, label in enumerate(labels)]
    for label, width in zip(
        labels, _fit(widths, console.width - 2 * (len(labels) - 1)), strict=True
    ):
        table.add_column(label, no_wrap=True, overflow="ellipsis", width=width)
    for row in cells:
        table.add_row(*row)
    console.print(table)
    if header:
        console.print(Text(f"{len(rows)} compound{'s' * (len(rows) != 1)}", style="dim"))


def _fit(widths: list[int], room: int) -> list[int]:
    """Shrink the name, then the class, then the id (what people type) until the row fits."""
    widths = list(widths)
    for column, floor in ((1, 8), (2, 13), (0, 13), (1, 4), (2, 6), (0, 6)):
        while sum(widths) > room and widths[column] > floor:
            widths[column] -= 1
    return widths


LIST_PHASES = {"preclinical": "pre", "phase-1": "1", "phase-2": "2", "phase-3": "3",
               "approved": "appr."}  # fmt: skip
STATUS_MARKS = {"approved": "✓", "not-approved": "✗", "refused": "✗", "withdrawn": "✗",
                "discontinued": "–"}  # fmt: skip
LIST_OTHERS = 1
"""Jurisdictions shown beyond the US and the EU before `+N`."""


def status_cell(row: dict[str, Any]) -> Text:
    """`US✗ EU✗ JP✓ +2 vet`: approved marks in green, others plain."""
    found: dict[str, str] = row["status"]
    others = [j for j, s in found.items() if j not in MAIN_JURISDICTIONS and s == "approved"]
    cell = Text()
    for code in [*(j for j in MAIN_JURISDICTIONS if j in found), *others[:LIST_OTHERS]]:
        status = found[code]
        cell.append(" " if cell.plain else "").append(
            f"{code}{STATUS_MARKS.get(status, '?')}", "green" if status == "approved" else ""
        )
    if len(others) > LIST_OTHERS:
        cell.append(f" +{len(others) - LIST_OTHERS}")
    if row["veterinary"]:
        cell.append(" vet", "italic")
    return cell


def wada_cell(row: dict[str, Any]) -> Text:
    """The section when prohibited (most rows, so plain); the exceptions stand out."""
    if row["sport_status"] == "prohibited":
        return Text(row["sport_section"] or "prohibited")
    if row["sport_status"] == "unclear":
        return Text("unclear", "yellow")
    return Text("no", "green")


def render_search(console: Console, hits: Sequence[Hit]) -> None:
    if not hits:
        console.print(Text("No matches.", style="dim"))
        return
    for hit in hits:
        line = Text.assemble(
            safe(hit.compound.name, "bold"), " ", safe(f"({hit.compound.id})", "dim")
        )
        console.print(line)
        for match in hit.matches[:3]:
            console.print(
                Text("  ").append(safe(match.field, "cyan")).append(": ").append(safe(match.text))
            )


def render_compare(console: Console, compounds: Sequence[Compound]) -> None:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=True)
    table.add_column("", style="bold", no_wrap=True)
    for compound in compounds:
        table.add_column(safe(compound.name), ratio=1, overflow="fold")
    jurisdictions = sorted(
        {a.jurisdiction for c in compounds for a in c.approvals},
        key=lambda j: (j not in ("US", "EU"), j != "US", j),
    )
    aspects: list[tuple[str, Callable[[Compound], Text]]] = [
        ("Class", lambda c: safe(c.drug_class)),
        ("Highest phase", lambda c: safe(PHASE_LABELS.get(c.highest_phase, c.highest_phase))),
    ]
    aspects += [(f"Status {j}", _status_cell(j)) for j in jurisdictions]
    aspects += [
        ("WADA", lambda c: Text("prohibited", "red") if c.sport.prohibited else Text("no")),
        ("Routes", lambda c: safe(", ".join(c.routes) or "-")),
        ("Key risks", lambda c: safe("\n".join(f"• {r.text}" for r in c.risks[:3]) or "-")),
        ("Last reviewed", lambda c: safe(c.last_reviewed.isoformat())),
    ]
    for label, cell in aspects:
        table.add_row(label, *(cell(c) for c in compounds))
    console.print(table)


def _status_cell(jurisdiction: str) -> Callable[[Compound], Text]:
    def cell(compound: Compound) -> Text:
        value = jurisdiction_status(compound, jurisdiction)
        return safe(value or "-", STATUS_STYLES.get(value or "", ""))

    return cell


def render_changes(console: Console, rows: Sequence[dict[str, Any]]) -> None:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=True)
    table.add_column("Date", no_wrap=True)
    table.add_column("Compound", no_wrap=True)
    table.add_column("Kind", no_wrap=True)
    table.add_column("Where", no_wrap=True)
    table.add_column("What changed", ratio=1, overflow="fold")
    for row in rows:
        table.add_row(
            safe(row["date"], "bold"),
            safe(row["id"]),
            safe(row["kind"]),
            safe(row["jurisdiction"] or "-"),
            safe(row["text"]),
        )
    console.print(table)
    console.print(Text(f"{len(rows)} event{'s' * (len(rows) != 1)}", style="dim"))


VERDICT_STYLES = {"prohibited": "bold red", "unclear": "bold yellow", "possible": "yellow"}


def render_check(console: Console, rows: Sequence[dict[str, Any]], header: bool) -> None:
    """One batch of `check` results; the input wraps inside its cell."""
    table = Table(
        box=box.SIMPLE_HEAD, show_header=header, show_edge=False, pad_edge=False, expand=True
    )
    for label, width in (("Line", 4), ("Verdict", 14), ("Compound", 20), ("WADA", 7)):
        table.add_column(label, width=width, no_wrap=True, overflow="ellipsis")
    table.add_column("Input", ratio=1, overflow="fold")
    for row in rows:
        compound = row.get("id") or (f"{row['suggestion']}?" if row.get("suggestion") else "-")
        sport = row.get("sport") or {}
        table.add_row(
            str(row.get("line", "")),
            safe(row.get("verdict", ""), VERDICT_STYLES.get(row.get("verdict", ""), "")),
            safe(compound),
            safe(sport.get("section") or "-"),
            safe(row.get("input", "")),
        )
    console.print(table)
