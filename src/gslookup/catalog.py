"""Layered lookup over knowledge-base files, each read through a cached SQLite index.

A lookup reads only what it needs: the names and the one compound it wants,
from an index built once per file. The TOML files stay the source of truth;
an index is keyed by path, size, mtime_ns and tool version, and anything
corrupt, truncated or stale is ignored and rebuilt.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Protocol

from gslookup import __version__, loader
from gslookup.errors import InvalidKnowledgeBase, Problem, UnknownCompound
from gslookup.lookup import NameEntry, name_entries, suggest
from gslookup.model import Compound, KnowledgeBase, Reference
from gslookup.normalize import normalize
from gslookup.progress import indexing

CACHE_FORMAT = 2
SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE names (key TEXT PRIMARY KEY, compound_id TEXT NOT NULL, label TEXT NOT NULL,
                    own INTEGER NOT NULL);
CREATE TABLE compounds (id TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE refs (id TEXT PRIMARY KEY, data TEXT NOT NULL);
"""


class Layer(Protocol):
    source: str
    path: Path
    file_hash: str

    def compound_id(self, key: str) -> str | None: ...
    def compound(self, compound_id: str) -> Compound | None: ...
    def reference(self, ref_id: str) -> Reference | None: ...
    def name_entries(self) -> Iterable[NameEntry]: ...
    def compounds(self) -> Iterable[Compound]: ...


class MemoryLayer:
    """One file, parsed and checked, held in memory."""

    def __init__(self, path: Path, source: str, kb: KnowledgeBase) -> None:
        self.path, self.source, self.kb = path, source, kb
        self.file_hash = kb.hashes[source]
        self.entries = [e for c in kb.compounds.values() for e in name_entries(c)]
        self.names: dict[str, str] = {}
        for key, compound_id, _, _ in self.entries:
            self.names.setdefault(key, compound_id)

    def compound_id(self, key: str) -> str | None:
        return self.names.get(key)

    def compound(self, compound_id: str) -> Compound | None:
        return self.kb.compounds.get(compound_id)

    def reference(self, ref_id: str) -> Reference | None:
        return self.kb.references.get(ref_id)

    def name_entries(self) -> Iterable[NameEntry]:
        return self.entries

    def compounds(self) -> Iterable[Compound]:
        return self.kb.compounds.values()


class SqliteLayer:
    """One file's index on disk: lookups read single rows."""

    def __init__(self, path: Path, source: str, connection: sqlite3.Connection, file_hash: str):
        self.path, self.source, self.db, self.file_hash = path, source, connection, file_hash

    def compound_id(self, key: str) -> str | None:
        row = self.db.execute("SELECT compound_id FROM names WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else None

    def compound(self, compound_id: str) -> Compound | None:
        row = self.db.execute("SELECT data FROM compounds WHERE id = ?", (compound_id,)).fetchone()
        return compound_from_json(compound_id, row[0], self.source) if row else None

    def reference(self, ref_id: str) -> Reference | None:
        row = self.db.execute("SELECT data FROM refs WHERE id = ?", (ref_id,)).fetchone()
        return reference_from_json(ref_id, row[0]) if row else None

    def name_entries(self) -> Iterator[NameEntry]:
        for key, compound_id, label, own in self.db.execute("SELECT * FROM names"):
            yield key, compound_id, label, bool(own)

    def compounds(self) -> Iterator[Compound]:
        for compound_id, data in self.db.execute("SELECT id, data FROM compounds"):
            yield compound_from_json(compound_id, data, self.source)


def compound_to_json(compound: Compound) -> str:
    data = {k: v for k, v in asdict(compound).items() if k not in ("id", "source")}
    return json.dumps(data, default=date.isoformat, ensure_ascii=False)


def compound_from_json(compound_id: str, text: str, source: str) -> Compound:
    data = json.loads(text)
    data["last_reviewed"] = date.fromisoformat(data["last_reviewed"])
    if data.get("compounding") is None:
        data.pop("compounding", None)
    data = {
        k: tuple(v) if isinstance(v, list) and k in _STRING_LISTS else v for k, v in data.items()
    }
    return loader.compound_from_table(compound_id, data, source)


_STRING_LISTS = ("aliases", "routes", "alternatives")


def reference_from_json(ref_id: str, text: str) -> Reference:
    data = json.loads(text)
    data["authors"] = tuple(data.get("authors", ()))
    return Reference(id=ref_id, **data)


def read_layer(path: Path, source: str, today: date, below: Sequence[Layer]) -> MemoryLayer:
    """Parse and check one file, on top of the layers below it."""
    kb = loader.read_file(path, today, source)
    problems = loader.name_clashes(kb) + _check_against(kb, below)
    if problems:
        raise InvalidKnowledgeBase(problems)
    return MemoryLayer(path, source, kb)


def _check_against(kb: KnowledgeBase, below: Sequence[Layer]) -> list[Problem]:
    """Citations, alternatives and names must make sense with the lower layers too."""
    problems: list[Problem] = []
    for compound in kb.compounds.values():
        base = f"compounds.{compound.id}"
        for key, ref in loader.citations(compound):
            if ref not in kb.references and not any(la.reference(ref) for la in below):
                problems.append(
                    loader.problem(
                        kb, compound.source, f"{base}.{key}", f"cites unknown reference {ref!r}"
                    )
                )
        for i, alternative in enumerate(compound.alternatives):
            if alternative not in kb.compounds and not any(
                la.compound(alternative) for la in below
            ):
                problems.append(
                    loader.problem(
                        kb,
                        compound.source,
                        f"{base}.alternatives[{i}]",
                        f"unknown compound id {alternative!r}",
                    )
                )
        for key, label in loader.names_of(compound):
            found = {la.compound_id(normalize(label)) for la in below}
            owners = {owner for owner in found if owner and owner != compound.id}
            if owners:
                problems.append(
                    loader.problem(
                        kb, compound.source, key, f"{label!r} also names {sorted(owners)[0]!r}"
                    )
                )
    return problems


def cache_dir() -> Path:
    from platformdirs import user_cache_path

    return user_cache_path("gslookup", appauthor=False)


def _cache_file(folder: Path, path: Path) -> Path:
    digest = hashlib.sha256(str(path.resolve()).encode("utf-8")).hexdigest()[:24]
    return folder / f"index-{digest}.sqlite"


def _expected_meta(path: Path, below: Sequence[Layer]) -> dict[str, str]:
    stat = path.stat()
    return {
        "path": str(path.resolve()),
        "size": str(stat.st_size),
        "mtime_ns": str(stat.st_mtime_ns),
        "version": f"{__version__}/{CACHE_FORMAT}",
        # The file was checked against these layers; if one changes, check again.
        "below": ",".join(layer.file_hash for layer in below),
    }


def open_layer(
    path: Path, source: str, today: date, folder: Path | None, below: Sequence[Layer] = ()
) -> Layer:
    """The file's cached index when it is there and fresh; otherwise parse, then cache."""
    if folder is None:
        return read_layer(path, source, today, below)
    try:
        expected = _expected_meta(path, below)
    except OSError:
        return read_layer(path, source, today, below)  # raises the loader's clear message
    cached = _open_cached(_cache_file(folder, path), expected, path, source)
    if cached is not None:
        return cached
    with indexing(path):
        layer = read_layer(path, source, today, below)
        _write_cache(_cache_file(folder, path), layer, expected)
    return layer


def _open_cached(db_path: Path, expected: dict[str, str], path: Path, source: str) -> Layer | None:
    if not db_path.is_file():
        return None
    try:
        connection = sqlite3.connect(f"{db_path.as_uri()}?mode=ro", uri=True)
        meta = dict(connection.execute("SELECT key, value FROM meta").fetchall())
        if {k: meta.get(k) for k in expected} != expected or meta.get("complete") != "1":
            connection.close()
            return None
        connection.execute("SELECT count(*) FROM names").fetchone()
        return SqliteLayer(path, source, connection, meta["hash"])
    except sqlite3.Error:
        return None  # corrupt or truncated: never trusted, rebuilt by the caller


def _write_cache(db_path: Path, layer: MemoryLayer, meta: dict[str, str]) -> None:
    """Build beside the target and rename over it, so readers see all or nothing."""
    temporary = db_path.with_name(f".{db_path.name}.{os.getpid()}.tmp")
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.closing(sqlite3.connect(temporary)) as connection:
            connection.executescript(SCHEMA)
            connection.executemany(
                "INSERT OR IGNORE INTO names VALUES (?, ?, ?, ?)", layer.name_entries()
            )
            connection.executemany(
                "INSERT INTO compounds VALUES (?, ?)",
                ((c.id, compound_to_json(c)) for c in layer.kb.compounds.values()),
            )
            connection.executemany(
                "INSERT INTO refs VALUES (?, ?)",
                ((r.id, _reference_json(r)) for r in layer.kb.references.values()),
            )
            rows = {**meta, "hash": layer.file_hash, "complete": "1"}
            connection.executemany("INSERT INTO meta VALUES (?, ?)", rows.items())
            connection.commit()
        os.replace(temporary, db_path)
    except (OSError, sqlite3.Error):
        # A cache that cannot be written (read-only home, full disk) only costs speed.
        with contextlib.suppress(OSError):
            temporary.unlink()


def _reference_json(reference: Reference) -> str:
    return json.dumps({k: v for k, v in asdict(reference).items() if k != "id"}, ensure_ascii=False)


class Catalog:
    """Layers, lowest precedence first; a name resolves in the highest layer that has it."""

    def __init__(self, layers: Sequence[Layer]) -> None:
        self.layers = list(layers)

    def get(self, query: str) -> Compound | None:
        key = normalize(query)
        for layer in reversed(self.layers):
            compound_id = layer.compound_id(key)
            if compound_id is not None:
                return self.compound(compound_id)
        return None

    def find(self, query: str) -> Compound:
        compound = self.get(query)
        if compound is None:
            entries = (e for layer in self.layers for e in layer.name_entries())
            raise UnknownCompound(query, suggest(normalize(query), entries))
        return compound

    def compound(self, compound_id: str) -> Compound | None:
        found = (layer.compound(compound_id) for layer in reversed(self.layers))
        return next((c for c in found if c is not None), None)

    def reference(self, ref_id: str) -> Reference | None:
        found = (layer.reference(ref_id) for layer in reversed(self.layers))
        return next((r for r in found if r is not None), None)

    def all_compounds(self) -> list[Compound]:
        """Every compound, each in its highest-precedence version."""
        merged: dict[str, Compound] = {}
        for layer in self.layers:
            merged.update((c.id, c) for c in layer.compounds())
        return list(merged.values())

    def knowledge_base(self, compounds: Sequence[Compound]) -> KnowledgeBase:
        """Just what views and records of `compounds` need: them, their references, names."""
        kb = KnowledgeBase()
        kb.hashes = {layer.source: layer.file_hash for layer in self.layers}
        for compound in compounds:
            kb.compounds[compound.id] = compound
            if sum(layer.compound(compound.id) is not None for layer in self.layers) > 1:
                kb.overridden.add(compound.id)
        problems: list[Problem] = []
        for compound in compounds:
            for alternative in compound.alternatives:
                found = self.compound(alternative)
                if found is not None:
                    kb.compounds.setdefault(alternative, found)
            for ref_id in compound.cited_ref_ids():
                reference = self.reference(ref_id)
                if reference is None:
                    problems.append(self._dangling(compound, ref_id))
                else:
                    kb.references[ref_id] = reference
        if problems:
            raise InvalidKnowledgeBase(problems)
        return kb

    def _dangling(self, compound: Compound, ref_id: str) -> Problem:
        layer = next(la for la in reversed(self.layers) if la.compound(compound.id) is not None)
        return Problem(
            layer.path, None, f"compounds.{compound.id}", f"cites unknown reference {ref_id!r}"
        )


def open_catalog(
    sources: Sequence[tuple[Path, str]], today: date, use_cache: bool = True
) -> Catalog:
    folder = cache_dir() if use_cache else None
    layers: list[Layer] = []
    problems: list[Problem] = []
    for path, source in sources:
        try:
            layers.append(open_layer(path, source, today, folder, layers))
        except InvalidKnowledgeBase as error:
            problems += error.problems
    if problems:
        raise InvalidKnowledgeBase(problems)
    return Catalog(layers)
