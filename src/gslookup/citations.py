"""References in the formats reference managers read: text, Markdown, BibTeX, RIS, CSL-JSON."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import fields, replace
from typing import Any
from urllib.parse import quote

from gslookup.model import Reference
from gslookup.text import escape_unsafe, safe_link, strip_controls

FORMATS = ("text", "markdown", "bibtex", "ris", "csl-json")
JOURNAL_KINDS = ("research", "review", "guideline")


def pubmed_url(pmid: str) -> str:
    return f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"


def doi_url(doi: str) -> str:
    return "https://doi.org/" + quote(doi, safe="/:;()._-")


def _is_article(ref: Reference) -> bool:
    return ref.kind in JOURNAL_KINDS and bool(ref.journal)


def _people(ref: Reference) -> tuple[list[tuple[str, str]], bool]:
    """(family, given) pairs, and whether the list was cut short with 'et al.'."""
    people, more = [], False
    for author in ref.authors:
        if author.rstrip(".").casefold() == "et al":
            more = True
            continue
        family, _, given = author.rpartition(" ")
        people.append((family, given) if family and given.isupper() else (author, ""))
    return people, more


def _author_line(ref: Reference) -> str:
    people, more = _people(ref)
    names = [f"{family} {given}".strip() for family, given in people]
    if more or len(names) > 6:
        names = names[:6] + ["et al"]
    return ", ".join(names)


def _ids(ref: Reference) -> list[str]:
    parts = []
    if ref.pmid:
        parts.append(f"PMID {ref.pmid}")
    if ref.doi:
        parts.append(f"doi:{ref.doi}")
    if ref.nct:
        parts.append(ref.nct)
    if ref.url:
        parts.append(ref.url)
    return parts


def as_text(refs: Sequence[Reference]) -> str:
    lines = []
    for n, ref in enumerate(refs, start=1):
        head = ". ".join(p for p in (_author_line(ref), ref.title, ref.journal) if p)
        year = f" {ref.year}." if ref.year else ""
        lines.append(f"[{n}] {head}.{year} " + " · ".join(_ids(ref)))
    return "\n".join(line.rstrip() for line in lines) + "\n"


def as_markdown(refs: Sequence[Reference]) -> str:
    """Markdown in which no data is markup: text escaped, links only to http(s) URLs."""
    lines = []
    for n, ref in enumerate(refs, start=1):
        links = [_md_link(label, url) for label, url in _links(ref)]
        authors = md_escape(_author_line(ref))
        parts = [authors + "." if authors else "", f"*{md_escape(ref.title)}*."]
        parts += [
            f"{md_escape(ref.journal)}." if ref.journal else "",
            f"{ref.year}." if ref.year else "",
        ]
        lines.append(f"{n}. " + " ".join(p for p in parts if p) + " " + " · ".join(links))
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _links(ref: Reference) -> list[tuple[str, str]]:
    links = []
    if ref.pmid:
        links.append((f"PMID {ref.pmid}", pubmed_url(ref.pmid)))
    if ref.doi:
        links.append((f"doi:{ref.doi}", doi_url(ref.doi)))
    if ref.nct:
        links.append((ref.nct, f"https://clinicaltrials.gov/study/{ref.nct}"))
    if ref.url and not links:
        links.append((ref.url, ref.url))
    return links


def _md_link(label: str, url: str) -> str:
    if not safe_link(url):
        return md_escape(label)
    # Percent-encode what could end the link target or open HTML.
    target = re.sub(r"[()<>\[\]\\\s\"'`]", lambda m: f"%{ord(m.group()):02X}", url)
    return f"[{md_escape(label)}]({target})"


def md_escape(text: str) -> str:
    """Text that CommonMark shows literally: markup, table and HTML characters escaped.

    The one Markdown escaper: references here and the answer in `markdown.py` both use it.
    """
    return re.sub(r"([\\`*_\[\]<>&~|#])", r"\\\1", text)


_BIBTEX_SPECIAL = {c: "\\" + c for c in "&%$#_{}"}
_BIBTEX_SPECIAL.update(
    {"~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "\\": r"\textbackslash{}"}
)


def _bib(text: str) -> str:
    return "".join(_BIBTEX_SPECIAL.get(c, c) for c in text)


def bibtex_key(ref: Reference) -> str:
    return re.sub(r"[^A-Za-z0-9_:-]", "", ref.id.replace(".", "-")) or "ref"


def as_bibtex(refs: Sequence[Reference]) -> str:
    entries = []
    for ref in refs:
        people, more = _people(ref)
        authors = [f"{f}, {g}" if g else f"{{{f}}}" for f, g in people] + (
            ["others"] if more else []
        )
        article = _is_article(ref)
        fields: list[tuple[str, str | None]] = [
            ("author", " and ".join(_bib(a) for a in authors) or None),
            ("title", "{" + _bib(ref.title) + "}"),
            ("journal" if article else "howpublished", _bib(ref.journal) if ref.journal else None),
            ("year", str(ref.year) if ref.year else None),
            ("doi", ref.doi),
            ("pmid", ref.pmid),
            ("url", ref.url or (pubmed_url(ref.pmid) if ref.pmid else None)),
            ("note", f"ClinicalTrials.gov {ref.nct}" if ref.nct else None),
        ]
        body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields if v)
        entries.append(f"@{'article' if article else 'misc'}{{{bibtex_key(ref)},\n{body}\n}}")
    return "\n\n".join(entries) + "\n"


def as_ris(refs: Sequence[Reference]) -> str:
    records = []
    for ref in refs:
        people, _ = _people(ref)
        tags: list[tuple[str, str | None]] = [("TY", "JOUR" if _is_article(ref) else "GEN")]
        tags += [("AU", f"{f}, {g}" if g else f) for f, g in people]
        tags += [
            ("TI", ref.title),
            ("JO" if _is_article(ref) else "PB", ref.journal),
            ("PY", str(ref.year) if ref.year else None),
            ("DO", ref.doi),
            ("AN", f"PMID:{ref.pmid}" if ref.pmid else None),
            ("UR", ref.url or (pubmed_url(ref.pmid) if ref.pmid else None)),
            ("N1", f"ClinicalTrials.gov {ref.nct}" if ref.nct else None),
            ("ID", ref.id),
        ]
        lines = [f"{tag}  - {_one_line(value)}" for tag, value in tags if value]
        records.append("\n".join([*lines, "ER  - "]))
    return "\n\n".join(records) + "\n"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def csl_item(ref: Reference) -> dict[str, Any]:
    people, _ = _people(ref)
    item: dict[str, Any] = {
        "id": ref.id,
        "type": "article-journal" if _is_article(ref) else "document",
        "title": ref.title,
    }
    if people:
        item["author"] = [{"family": f, "given": g} if g else {"literal": f} for f, g in people]
    optional = {
        "container-title": ref.journal,
        "DOI": ref.doi,
        "PMID": ref.pmid,
        "URL": ref.url or (pubmed_url(ref.pmid) if ref.pmid else None),
        "note": f"ClinicalTrials.gov {ref.nct}" if ref.nct else None,
    }
    item.update({k: v for k, v in optional.items() if v})
    if ref.year:
        item["issued"] = {"date-parts": [[ref.year]]}
    return item


def as_csl_json(refs: Sequence[Reference]) -> str:
    return json.dumps([csl_item(r) for r in refs], ensure_ascii=False, indent=2) + "\n"


FORMATTERS: dict[str, Callable[[Sequence[Reference]], str]] = {
    "text": as_text,
    "markdown": as_markdown,
    "bibtex": as_bibtex,
    "ris": as_ris,
    "csl-json": as_csl_json,
}


def format_references(refs: Sequence[Reference], fmt: str) -> str:
    """References in one format. Text-like formats get data without control characters
    before their own escaping, so no escape can be half-removed into visible debris;
    CSL-JSON keeps the data exact and escapes it instead."""
    if fmt == "csl-json":
        return escape_unsafe(as_csl_json(refs))
    return FORMATTERS[fmt]([_cleaned(ref) for ref in refs])


def _cleaned(ref: Reference) -> Reference:
    changes: dict[str, Any] = {
        f.name: strip_controls(v) for f in fields(ref) if isinstance(v := getattr(ref, f.name), str)
    }
    changes["authors"] = tuple(strip_controls(a) for a in ref.authors)
    return replace(ref, **changes)
