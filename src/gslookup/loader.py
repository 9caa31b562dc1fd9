"""Loading and validation: TOML files in, a checked KnowledgeBase out.

Every problem is collected before raising, so one run of `kb validate`
shows them all, each with file, line and key path.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from gslookup import fields
from gslookup.errors import InvalidKnowledgeBase, Problem
from gslookup.locate import locate
from gslookup.model import (
    BUNDLED,
    CORE_JURISDICTIONS,
    Approval,
    ApprovalSearch,
    Citation,
    Compound,
    Compounding,
    Event,
    KnowledgeBase,
    Reference,
    Sport,
    Trial,
)
from gslookup.normalize import normalize

SCHEMA_VERSION = 1
COMPOUND_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
REFERENCE_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
TOP_LEVEL = ("schema_version", "compounds", "references")


def bundled_path() -> Path:
    """The knowledge base shipped with the package (in the wheel) or in the source tree."""
    packaged = Path(__file__).parent / "data" / "compounds.toml"
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parents[2] / "data" / "compounds.toml"


MAX_LOCATED = 100


class _Collector:
    """Gathers problems for one file, finding each key's line on demand."""

    def __init__(self, path: Path, text: str) -> None:
        self.path, self.text = path, text
        self.problems: list[Problem] = []

    def report(self, key: str, reason: str) -> None:
        line = None
        if len(self.problems) < MAX_LOCATED:  # nobody reads line numbers past the first few
            line = locate(self.text, key)
        self.problems.append(Problem(self.path, line, key, reason))


NESTED_TOO_DEEPLY = "not valid TOML: arrays or tables nested too deeply"


def read_file(
    path: Path, today: date, source: str | None = None, data: bytes | None = None
) -> KnowledgeBase:
    """Parse and format-check one file; raise InvalidKnowledgeBase listing every problem.

    `data` is the file's content when the caller has already read (and hashed) it, so the
    facts and the hash that vouches for them come from the same bytes.
    """
    data = read_bytes(path) if data is None else data
    text = _decode(path, data)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line, reason = toml_error_position(error)
        raise InvalidKnowledgeBase([Problem(path, line, "", f"not valid TOML: {reason}")]) from None
    except RecursionError:
        raise InvalidKnowledgeBase([Problem(path, None, "", NESTED_TOO_DEEPLY)]) from None
    collector = _Collector(path, text)
    source = source or str(path)
    kb = _build(raw, collector, today, source)
    kb.files[source] = (path, text)
    kb.hashes[source] = hashlib.sha256(data).hexdigest()
    kb.reference_sources = dict.fromkeys(kb.references, source)
    if collector.problems:
        raise InvalidKnowledgeBase(collector.problems)
    return kb


_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$|\s*\(at end of document\)$")


def toml_error_position(error: tomllib.TOMLDecodeError) -> tuple[int | None, str]:
    """(line, reason) from tomllib's message, which carries the position as text before 3.14."""
    message = str(error)
    match = _POSITION.search(message)
    line = int(match.group(1)) if match and match.group(1) else None
    reason = message[: match.start()] if match else message
    return line, f"{reason} (column {match.group(2)})" if match and match.group(2) else reason


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise InvalidKnowledgeBase([Problem(path, None, "", _os_reason(error))]) from None


def _decode(path: Path, data: bytes) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        reason = f"not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start})"
        raise InvalidKnowledgeBase([Problem(path, line, "", reason)]) from None
    if not text.strip():
        raise InvalidKnowledgeBase([Problem(path, None, "", "the file is empty")])
    # Notepad starts UTF-8 files with a byte-order mark; it is not part of the TOML.
    return text.removeprefix("\ufeff")


def _os_reason(error: OSError) -> str:
    return error.strerror or type(error).__name__


def _build(raw: dict[str, Any], out: _Collector, today: date, source: str) -> KnowledgeBase:
    for key in raw:
        if key not in TOP_LEVEL:
            out.report(key, f"unknown top-level key (known: {', '.join(TOP_LEVEL)})")
    version = raw.get("schema_version", SCHEMA_VERSION)
    if version != SCHEMA_VERSION:
        out.report("schema_version", f"{version!r} is not supported (this gslookup reads 1)")
    kb = KnowledgeBase()
    for ref_id, value in _tables(raw, "references", REFERENCE_ID, out):
        checked = fields.check_table(
            value, fields.REFERENCE, f"references.{ref_id}", out.report, today
        )
        if checked is not None:
            kb.references[ref_id] = Reference(id=ref_id, **checked)
    for compound_id, value in _tables(raw, "compounds", COMPOUND_ID, out):
        key = f"compounds.{compound_id}"
        checked = fields.check_table(value, fields.COMPOUND, key, out.report, today)
        if checked is not None and _sport_agrees(checked["sport"], f"{key}.sport", out.report):
            kb.compounds[compound_id] = compound_from_table(compound_id, checked, source)
    return kb


def _sport_agrees(sport: dict[str, Any], key: str, report: fields.Report) -> bool:
    """`prohibited` stays for contract-v1 readers, so it must say what `status` says."""
    status = sport.get("status")
    if status is None or (status == "prohibited") == sport["prohibited"]:
        return True
    report(
        f"{key}.prohibited",
        f"must be {str(status == 'prohibited').lower()} when status is {status!r}",
    )
    return False


def _tables(
    raw: dict[str, Any], section: str, id_pattern: re.Pattern[str], out: _Collector
) -> Iterable[tuple[str, dict[str, Any]]]:
    tables = raw.get(section, {})
    if not isinstance(tables, dict):
        out.report(section, "expected a table of tables")
        return
    for table_id, value in tables.items():
        if not id_pattern.fullmatch(table_id):
            out.report(f"{section}.{table_id}", "ids are lowercase letters, digits and hyphens")
        elif not isinstance(value, dict):
            out.report(f"{section}.{table_id}", "expected a table")
        else:
            yield table_id, value


def compound_from_table(compound_id: str, c: dict[str, Any], source: str) -> Compound:
    return Compound(
        id=compound_id,
        name=c["name"],
        drug_class=c["drug_class"],
        summary=c["summary"],
        bottom_line=c["bottom_line"],
        highest_phase=c["highest_phase"],
        last_reviewed=c["last_reviewed"],
        approvals=tuple(Approval(**_tupled(a)) for a in c["approvals"]),
        sport=Sport(**_tupled(c["sport"])),
        aliases=c.get("aliases", ()),
        mechanism=c.get("mechanism"),
        plain_summary=c.get("plain_summary"),
        plain_bottom_line=c.get("plain_bottom_line"),
        routes=c.get("routes", ()),
        trials=tuple(Trial(**_tupled(t)) for t in c.get("trials", ())),
        compounding=Compounding(**_tupled(c["compounding"])) if "compounding" in c else None,
        findings=tuple(Citation(**_tupled(f)) for f in c.get("findings", ())),
        risks=tuple(Citation(**_tupled(r)) for r in c.get("risks", ())),
        alternatives=c.get("alternatives", ()),
        events=tuple(Event(**_tupled(e)) for e in c.get("events", ())),
        approval_search=_approval_search(c.get("approval_search")),
        note=c.get("note"),
        source=source,
    )


def _approval_search(table: dict[str, Any] | None) -> ApprovalSearch | None:
    return None if table is None else ApprovalSearch(**_tupled(table))


def _tupled(table: dict[str, Any]) -> dict[str, Any]:
    return {k: tuple(v) if isinstance(v, list) else v for k, v in table.items()}


def load(
    sources: Sequence[tuple[Path, str]],
    today: date,
    strict: bool = False,
    contents: Mapping[Path, bytes] | None = None,
) -> KnowledgeBase:
    """Read (path, source label) pairs, lowest precedence first, and check them together.

    `contents` gives the bytes of files already read (a pipe can be read only once) or
    about to be written (a write is validated as the file it leaves behind).
    """
    layers: list[KnowledgeBase] = []
    problems: list[Problem] = []
    for path, source in sources:
        try:
            layers.append(read_file(path, today, source, (contents or {}).get(path)))
        except InvalidKnowledgeBase as error:
            problems += error.problems
    if problems:
        raise InvalidKnowledgeBase(problems)
    kb = merge(layers)
    problems = cross_check(kb) + (strict_problems(kb) if strict else [])
    if problems:
        raise InvalidKnowledgeBase(problems)
    return kb


def merge(layers: Sequence[KnowledgeBase]) -> KnowledgeBase:
    """Merge layers, lowest precedence first; a later compound or reference replaces one."""
    merged = KnowledgeBase()
    for layer in layers:
        merged.overridden.update(set(layer.compounds) & set(merged.compounds))
        merged.compounds.update(layer.compounds)
        merged.references.update(layer.references)
        merged.files.update(layer.files)
        merged.hashes.update(layer.hashes)
        merged.reference_sources.update(layer.reference_sources)
    return merged


def problem(kb: KnowledgeBase, source: str, key: str, reason: str) -> Problem:
    path, text = kb.files.get(source, (Path(source), ""))
    return Problem(path, locate(text, key) if text else None, key, reason)


def cross_check(kb: KnowledgeBase) -> list[Problem]:
    """Problems that span tables: dangling citations, shared aliases, unknown alternatives."""
    problems: list[Problem] = []

    def report(compound: Compound, key: str, reason: str) -> None:
        problems.append(problem(kb, compound.source, key, reason))

    for compound in kb.compounds.values():
        base = f"compounds.{compound.id}"
        for key, ref in citations(compound):
            if ref not in kb.references:
                report(compound, f"{base}.{key}", f"cites unknown reference {ref!r}")
        for i, alternative in enumerate(compound.alternatives):
            if alternative not in kb.compounds:
                report(
                    compound, f"{base}.alternatives[{i}]", f"unknown compound id {alternative!r}"
                )
        for key, reason in search_contradictions(compound):
            report(compound, f"{base}.{key}", reason)
    return problems + name_clashes(kb)


def search_contradictions(compound: Compound) -> Iterator[tuple[str, str]]:
    """A regulator cannot both have a row and have been searched without a record."""
    if compound.approval_search is None:
        return
    rows = {a.jurisdiction for a in compound.approvals}
    seen: set[str] = set()
    for i, code in enumerate(compound.approval_search.without_record):
        key = f"approval_search.without_record[{i}]"
        if code in rows:
            yield key, f"{code} has an approval row, so it was not searched without a record"
        elif code in seen:
            yield key, f"{code} is listed twice"
        seen.add(code)


def citations(compound: Compound) -> Iterable[tuple[str, str]]:
    groups: list[tuple[str, tuple[str, ...]]] = []
    groups += [(f"approvals[{i}].refs", a.refs) for i, a in enumerate(compound.approvals)]
    groups += [(f"trials[{i}].refs", t.refs) for i, t in enumerate(compound.trials)]
    groups.append(("sport.refs", compound.sport.refs))
    if compound.compounding:
        groups.append(("compounding.refs", compound.compounding.refs))
    groups += [(f"findings[{i}].refs", f.refs) for i, f in enumerate(compound.findings)]
    groups += [(f"risks[{i}].refs", r.refs) for i, r in enumerate(compound.risks)]
    groups += [(f"events[{i}].refs", e.refs) for i, e in enumerate(compound.events)]
    for key, refs in groups:
        for j, ref in enumerate(refs):
            yield f"{key}[{j}]", ref


def names_of(compound: Compound) -> list[tuple[str, str]]:
    """(key path, text) of every name a compound answers to: id, name and aliases."""
    base = f"compounds.{compound.id}"
    named = [(base, compound.id), (f"{base}.name", compound.name)]
    return named + [(f"{base}.aliases[{i}]", a) for i, a in enumerate(compound.aliases)]


def name_clashes(kb: KnowledgeBase) -> list[Problem]:
    """Names or aliases that would name two compounds (after normalisation)."""
    owner: dict[str, str] = {}
    problems = []
    for compound in kb.compounds.values():
        for key, label in names_of(compound):
            first = owner.setdefault(normalize(label), compound.id)
            if first != compound.id:
                problems.append(
                    problem(kb, compound.source, key, f"{label!r} also names {first!r}")
                )
    return problems


def strict_problems(kb: KnowledgeBase) -> list[Problem]:
    """Rules for curated, bundled data only (validate --strict)."""
    problems: list[Problem] = []

    def report(source: str, key: str, reason: str) -> None:
        problems.append(problem(kb, source, key, reason))

    cited: set[str] = set()
    for compound in kb.compounds.values():
        base, path = f"compounds.{compound.id}", compound.source
        cited.update(ref for _, ref in citations(compound))
        jurisdictions = {a.jurisdiction for a in compound.approvals}
        for needed in ("US", "EU"):
            if needed not in jurisdictions:
                report(path, f"{base}.approvals", f"no {needed} status (strict)")
        for name in ("plain_summary", "plain_bottom_line", "mechanism"):
            if not getattr(compound, name):
                report(path, f"{base}.{name}", "missing (strict)")
        for i, risk in enumerate(compound.risks):
            if not risk.refs:
                report(path, f"{base}.risks[{i}].refs", "a risk without a reference (strict)")
        for i, row in enumerate(compound.approvals):
            if not row.refs:
                report(path, f"{base}.approvals[{i}].refs", "a row without a source (strict)")
        for key, reason in curated_gaps(compound):
            report(path, f"{base}.{key}", f"{reason} (strict)")
    for ref in kb.references.values():
        path = kb.reference_sources.get(ref.id, BUNDLED)
        if not (ref.pmid or ref.doi or ref.url or ref.nct):
            report(path, f"references.{ref.id}", "needs a pmid, doi, url or nct (strict)")
        if ref.id not in cited:
            report(path, f"references.{ref.id}", "cited by no compound (strict)")
    return problems


SPORT_KEYS = ("named", "specified", "list_year")
LIST_SECTION = re.compile(r"^[SMP]\d+(\.\d+)*$")
# The kinds of event that can stand behind a dated approval row of each status. A discontinued
# or withdrawn row is dated by its approval, and its end is an event of its own.
EVENT_FOR_STATUS = {
    "approved": ("approval", "indication"),
    "discontinued": ("approval", "indication", "discontinuation"),
    "withdrawn": ("approval", "withdrawal"),
    "refused": ("refusal",),
    "not-approved": ("refusal", "withdrawal", "other"),
}


def curated_gaps(compound: Compound) -> Iterator[tuple[str, str]]:
    """(key, reason) for what curated data must carry: the sport model, compounding, history."""
    sport = compound.sport
    for name in SPORT_KEYS:
        if getattr(sport, name) is None:
            yield f"sport.{name}", "missing"
    if sport.status == "prohibited" and not sport.section:
        yield "sport.section", "missing for a prohibited substance"
    if sport.section and not LIST_SECTION.match(sport.section):
        yield "sport.section", f"{sport.section!r} is not a List section such as S2.2.4"
    if compound.compounding is None:
        yield "compounding", "missing"
    yield from _event_gaps(compound)
    yield from _search_gaps(compound)


def _search_gaps(compound: Compound) -> Iterator[tuple[str, str]]:
    """An approved compound has been searched with every core regulator (issue 14)."""
    if not compound.approved_somewhere():
        return
    if compound.approval_search is None:
        yield "approval_search", "missing for a compound approved somewhere"
        return
    covered = {a.jurisdiction for a in compound.approvals}
    covered.update(compound.approval_search.without_record)
    missing = [code for code in CORE_JURISDICTIONS if code not in covered]
    if missing:
        yield (
            "approval_search.without_record",
            f"neither an approval row nor searched without a record: {', '.join(missing)}",
        )


def _event_gaps(compound: Compound) -> Iterator[tuple[str, str]]:
    events = compound.events
    for i, (earlier, later) in enumerate(zip(events, events[1:], strict=False)):
        if later.date < earlier.date:
            yield f"events[{i + 1}].date", f"{later.date} comes before {earlier.date}: oldest first"
    for i, row in enumerate(compound.approvals):
        if row.date and not any(_event_backs(e, row) for e in events):
            kinds = " or ".join(EVENT_FOR_STATUS.get(row.status, ("approval",)))
            yield f"approvals[{i}].date", f"no {kinds} event dated {row.date} in {row.jurisdiction}"


def _event_backs(event: Event, row: Approval) -> bool:
    return (
        event.date == row.date
        and event.kind in EVENT_FOR_STATUS.get(row.status, ("approval",))
        and event.jurisdiction in (None, row.jurisdiction)
    )
