"""The answer as Markdown, for clinical notes, e-mails and patient handouts (`-f markdown`)."""

from __future__ import annotations

from collections.abc import Sequence

from gslookup.citations import md_escape
from gslookup.model import Citation, Compound, KnowledgeBase, Reference
from gslookup.record import DISCLAIMER, cited_references
from gslookup.text import strip_controls
from gslookup.wording import HEADINGS, regulatory_strip, search_line, sport_strip


def escape(text: str | None) -> str:
    """Knowledge-base text as literal Markdown on one line."""
    return md_escape(" ".join(strip_controls(text or "").split()))


class _Writer:
    def __init__(self, compound: Compound, kb: KnowledgeBase, audience: str) -> None:
        self.c, self.kb, self.audience = compound, kb, audience
        self.refs = cited_references(compound, kb)
        self.numbers = {ref.id: i for i, ref in enumerate(self.refs, start=1)}

    def marks(self, refs: Sequence[str]) -> str:
        numbers = sorted({self.numbers[r] for r in refs if r in self.numbers})
        return "".join(f" \\[{n}\\]" for n in numbers)

    def heading(self, key: str) -> str:
        return f"## {HEADINGS[self.audience][key]}"

    def lines(self) -> list[str]:
        patient = self.audience == "patient"
        out = [f"# {escape(self.c.name)}", ""]
        if not patient:
            out += [f"*{escape(self.c.drug_class)}*", ""]
        strip = [*regulatory_strip(self.c), *sport_strip(self.c, patient)]
        out += [" · ".join(escape(p.text) for p in strip), ""]
        bottom = (self.c.plain_bottom_line if patient else None) or self.c.bottom_line
        out += [self.heading("bottom-line"), "", escape(bottom), ""]
        out += self.approvals() + self.sport() + self.citations("risks", self.c.risks)
        if not patient:
            out += self.citations("findings", self.c.findings)
        out += self.alternatives() + self.references()
        return out

    def approvals(self) -> list[str]:
        rows = [self.heading("approvals"), "", "| Where | Status | Product, indication, date |",
                "|---|---|---|"]  # fmt: skip
        for a in self.c.approvals:
            where = a.jurisdiction + (f" ({a.agency})" if a.agency else "")
            if a.species != "human":
                where += f", veterinary: {a.species}"
            detail = "; ".join(escape(p) for p in (a.product, a.indication, a.date) if p)
            rows.append(f"| {escape(where)} | {escape(a.status)} | {detail or '-'}"
                        f"{self.marks(a.refs)} |")  # fmt: skip
        searched = search_line(self.c)
        return [*rows, "", *([escape(searched), ""] if searched else [])]

    def sport(self) -> list[str]:
        s, c = self.c.sport, self.c.compounding
        lines = [self.heading("sport"), "", f"- {escape(sport_strip(self.c)[0].text)}"
                 f"{self.marks(s.refs)}"]  # fmt: skip
        if c is not None:
            lines.append(f"- US compounding (503A): {escape(c.us_503a)}{self.marks(c.refs)}")
        return [*lines, ""]

    def citations(self, key: str, items: Sequence[Citation]) -> list[str]:
        if not items:
            return []
        lines = [f"- {escape(item.text)}{self.marks(item.refs)}" for item in items]
        return [self.heading(key), "", *lines, ""]

    def alternatives(self) -> list[str]:
        if not self.c.alternatives:
            return []
        names = [self.kb.compounds[a].name if a in self.kb.compounds else a
                 for a in self.c.alternatives]  # fmt: skip
        return [self.heading("alternatives"), "", *(f"- {escape(n)}" for n in names), ""]

    def references(self) -> list[str]:
        lines = [f"{n}. {reference(ref)}" for n, ref in enumerate(self.refs, start=1)]
        return [self.heading("references"), "", *lines, ""] if lines else []


def reference(ref: Reference) -> str:
    parts = [escape(", ".join(ref.authors[:3]) + (" et al." if len(ref.authors) > 3 else ""))]
    parts.append(f"*{escape(ref.title)}*")
    parts.append(escape(" ".join(p for p in (ref.journal, str(ref.year or "")) if p)))
    if ref.pmid:
        parts.append(f"PMID [{ref.pmid}](https://pubmed.ncbi.nlm.nih.gov/{ref.pmid}/)")
    if ref.doi:
        parts.append(f"doi:[{escape(ref.doi)}](https://doi.org/{ref.doi})")
    if ref.url and not (ref.pmid or ref.doi):
        parts.append(f"<{strip_controls(ref.url)}>")
    return ". ".join(p for p in parts if p)


def to_markdown(
    compounds: Sequence[Compound], kb: KnowledgeBase, audience: str, stamp: dict[str, str]
) -> str:
    """The answer for every compound, one shared footer with review dates and disclaimer."""
    lines: list[str] = []
    for compound in compounds:
        lines += _Writer(compound, kb, audience).lines()
    reviewed = ", ".join(f"{escape(c.name)} {c.last_reviewed.isoformat()}" for c in compounds)
    lines += ["---", "", f"Last reviewed: {reviewed} · knowledge base {stamp['version']} "
              f"({stamp['hash']})", "", f"*{DISCLAIMER}*", ""]  # fmt: skip
    return "\n".join(lines)
