"""Layered lookup over knowledge-base files, each read through a cached SQLite index.

A lookup reads only what it needs: the names and the one compound it wants,
from an index built once per file. The TOML files stay the source of truth and
the index is never trusted: it is keyed by the SHA-256 of the file's bytes (so
an edit that keeps size and mtime is never served stale), every row carries a
digest of its content and of that file hash, checked when the row is read, and
any damage found at any point (a bad digest, a malformed page, an undecodable
value) makes the layer fall back to parsing the file and rebuild the index.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from gslookup import __version__, loader
from gslookup.errors import InvalidKnowledgeBase, Problem, UnknownCompound
from gslookup.lookup import NameEntry, name_entries, suggest
from gslookup.model import Compound, KnowledgeBase, Reference
from gslookup.normalize import normalize
from gslookup.progress import indexing

CACHE_FORMAT = 4
# Indexes not rebuilt for this long, or whose file is gone, are pruned when one is written.
PRUNE_AFTER_SECONDS = 30 * 24 * 3600
MAX_CACHE_BYTES = 256 * 1024 * 1024
SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE names (key TEXT PRIMARY KEY, compound_id TEXT NOT NULL, label TEXT NOT NULL,
                    own INTEGER NOT NULL, digest TEXT NOT NULL);
CREATE TABLE compounds (id TEXT PRIMARY KEY, data TEXT NOT NULL, digest TEXT NOT NULL);
CREATE TABLE refs (id TEXT PRIMARY KEY, data TEXT NOT NULL, digest TEXT NOT NULL);
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


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class CacheDamaged(Exception):
    """An index row does not match its digest, or the index cannot be read."""


def row_digest(file_hash: str, *parts: object) -> str:
    """Ties a row to its content and to the file it was built from."""
    digest = hashlib.sha256(file_hash.encode("ascii"))
    for part in parts:
        digest.update(b"\x00" + str(part).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:32]


class SqliteLayer:
    """One file's index on disk: lookups read single rows, each checked against its digest.

    On any sign of damage the layer parses the file instead (`fallback`), deletes the
    index so the next run rebuilds it, and answers from the parsed file from then on.
    """

    def __init__(
        self, path: Path, source: str, connection: sqlite3.Connection, file_hash: str
    ) -> None:
        self.path, self.source, self.db, self.file_hash = path, source, connection, file_hash
        self.fallback: Callable[[], MemoryLayer] | None = None
        self.memory: MemoryLayer | None = None

    def _rows(self, sql: str, *args: str) -> list[Any]:
        if self.memory is not None:
            raise CacheDamaged("already fell back")
        try:
            return self.db.execute(sql, args).fetchall()
        except (sqlite3.Error, UnicodeError, ValueError) as error:
            raise CacheDamaged(str(error)) from error

    def _checked(self, digest: object, *parts: object) -> None:
        if digest != row_digest(self.file_hash, *parts):
            raise CacheDamaged(f"row {parts[0]!r} does not match its digest")

    def _use_file(self) -> MemoryLayer:
        """Give up on the index: parse the file, and delete the index for a rebuild."""
        if self.memory is None:
            if self.fallback is None:
                raise CacheDamaged("no fallback")
            self.memory = self.fallback()
            with contextlib.suppress(sqlite3.Error):
                self.db.close()
        return self.memory

    def compound_id(self, key: str) -> str | None:
        if not key.isascii() and not _encodable(key):
            return None  # a byte that was not UTF-8 (surrogateescape) names nothing in a file
        try:
            rows = self._rows(
                "SELECT compound_id, label, own, digest FROM names WHERE key = ?", key
            )
            for compound_id, label, own, digest in rows:
                self._checked(digest, key, compound_id, label, own)
                return str(compound_id)
            return None
        except CacheDamaged:
            return self._use_file().compound_id(key)

    def compound(self, compound_id: str) -> Compound | None:
        try:
            rows = self._rows("SELECT data, digest FROM compounds WHERE id = ?", compound_id)
            for data, digest in rows:
                self._checked(digest, compound_id, data)
                return compound_from_json(compound_id, data, self.source)
            return None
        except (CacheDamaged, ValueError, KeyError, TypeError):
            return self._use_file().compound(compound_id)

    def reference(self, ref_id: str) -> Reference | None:
        try:
            rows = self._rows("SELECT data, digest FROM refs WHERE id = ?", ref_id)
            for data, digest in rows:
                self._checked(digest, ref_id, data)
                return reference_from_json(ref_id, data)
            return None
        except (CacheDamaged, ValueError, KeyError, TypeError):
            return self._use_file().reference(ref_id)

    def name_entries(self) -> Iterable[NameEntry]:
        try:
            entries = []
            for key, compound_id, label, own, digest in self._rows(
                "SELECT key, compound_id, label, own, digest FROM names"
            ):
                self._checked(digest, key, compound_id, label, own)
                entries.append((str(key), str(compound_id), str(label), bool(own)))
            return entries
        except CacheDamaged:
            return self._use_file().name_entries()

    def compounds(self) -> Iterable[Compound]:
        try:
            found = []
            for compound_id, data, digest in self._rows("SELECT id, data, digest FROM compounds"):
                self._checked(digest, compound_id, data)
                found.append(compound_from_json(compound_id, data, self.source))
            return found
        except (CacheDamaged, ValueError, KeyError, TypeError):
            return self._use_file().compounds()


def compound_to_json(compound: Compound) -> str:
    data = {k: v for k, v in asdict(compound).items() if k not in ("id", "source")}
    return json.dumps(data, default=date.isoformat, ensure_ascii=False)


def compound_from_json(compound_id: str, text: str, source: str) -> Compound:
    data = json.loads(text)
    data["last_reviewed"] = date.fromisoformat(data["last_reviewed"])
    if data.get("compounding") is None:
        data.pop("compounding", None)
    if data.get("approval_search") is not None:
        search = data["approval_search"]
        data["approval_search"] = {**search, "date": date.fromisoformat(search["date"])}
    data = {
        k: tuple(v) if isinstance(v, list) and k in _STRING_LISTS else v for k, v in data.items()
    }
    return loader.compound_from_table(compound_id, data, source)


_STRING_LISTS = ("aliases", "routes", "alternatives")


def reference_from_json(ref_id: str, text: str) -> Reference:
    data = json.loads(text)
    data["authors"] = tuple(data.get("authors", ()))
    return Reference(id=ref_id, **data)


def read_layer(
    path: Path, source: str, today: date, below: Sequence[Layer], data: bytes | None = None
) -> MemoryLayer:
    """Parse and check one file, on top of the layers below it."""
    kb = loader.read_file(path, today, source, data)
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
    digest = hashlib.sha256(os.fsencode(path.resolve())).hexdigest()[:24]
    return folder / f"index-{digest}.sqlite"


def _expected_meta(path: Path, file_hash: str, below: Sequence[Layer]) -> dict[str, str]:
    return {
        # The index is of these bytes: any change to them, whatever its size or time, misses.
        "hash": file_hash,
        "path": os.fsencode(path.resolve()).hex(),
        "version": f"{__version__}/{CACHE_FORMAT}",
        # The file was checked against these layers; if one changes, check again.
        "below": ",".join(layer.file_hash for layer in below),
    }


def open_layer(
    path: Path, source: str, today: date, folder: Path | None, below: Sequence[Layer] = ()
) -> Layer:
    """The file's cached index when it is of these very bytes; otherwise parse, then cache."""
    if folder is None:
        return read_layer(path, source, today, below)
    if not path.is_file():  # a pipe (--kb <(...)) is read once, and never worth an index
        return read_layer(path, source, today, below)
    try:
        file_hash = _hash_file(path)  # streamed: a warm lookup never holds the whole file
    except OSError:
        return read_layer(path, source, today, below)  # raises the loader's clear message
    expected = _expected_meta(path, file_hash, below)
    db_path = _cache_file(folder, path)
    cached = _open_cached(db_path, expected, path, source, today)
    if cached is not None:
        under = tuple(below)  # the layers below this one now; the caller's list grows
        cached.fallback = lambda: _rebuild(db_path, path, source, today, under, expected)
        return cached
    with indexing(path):
        # Parse, and key the new index by, the very bytes parsed (the file may have changed).
        data = loader.read_bytes(path)
        expected = _expected_meta(path, hashlib.sha256(data).hexdigest(), below)
        layer = read_layer(path, source, today, below, data)
        _write_cache(db_path, layer, {**expected, "built_on": today.isoformat()})
    return layer


def _hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _rebuild(
    db_path: Path,
    path: Path,
    source: str,
    today: date,
    below: Sequence[Layer],
    expected: dict[str, str],
) -> MemoryLayer:
    """A damaged index is replaced: parse the file again and write a new index.

    The answer must come from the bytes the index was keyed by; if the file changed
    since, this run reports it rather than mix two versions.
    """
    with contextlib.suppress(OSError):
        db_path.unlink()
    data = loader.read_bytes(path)
    if hashlib.sha256(data).hexdigest() != expected["hash"]:
        raise InvalidKnowledgeBase(
            [Problem(path, None, "", "the file changed while it was read; run again")]
        )
    layer = read_layer(path, source, today, below, data)
    _write_cache(db_path, layer, {**expected, "built_on": today.isoformat()})
    return layer


def _open_cached(
    db_path: Path, expected: dict[str, str], path: Path, source: str, today: date
) -> SqliteLayer | None:
    if not db_path.is_file():
        return None
    try:
        connection = sqlite3.connect(f"{db_path.as_uri()}?mode=ro", uri=True)
        meta = dict(connection.execute("SELECT key, value FROM meta").fetchall())
        fresh = {k: meta.get(k) for k in expected} == expected and meta.get("complete") == "1"
        # Dates were checked against the day the index was built: not valid before it.
        if not fresh or today.isoformat() < str(meta.get("built_on", "")):
            connection.close()
            return None
        connection.execute("SELECT count(*) FROM names").fetchone()
        return SqliteLayer(path, source, connection, expected["hash"])
    except (sqlite3.Error, UnicodeError, ValueError):
        return None  # corrupt or truncated: never trusted, rebuilt by the caller


def _write_cache(db_path: Path, layer: MemoryLayer, meta: dict[str, str]) -> None:
    """Build beside the target and rename over it, so readers see all or nothing.

    The temporary file is made with O_EXCL (mkstemp), so a planted symlink is never
    followed; an interrupted build removes it.
    """
    import tempfile  # only a build needs it; kept off the warm lookup path

    temporary: str | None = None
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(
            dir=db_path.parent, prefix=f".{db_path.name}.", suffix=".tmp"
        )
        os.close(fd)
        with contextlib.closing(sqlite3.connect(temporary)) as connection:
            _fill(connection, layer, meta)
        os.replace(temporary, db_path)
        temporary = None
        _prune(db_path)
    except (OSError, sqlite3.Error, UnicodeError):
        pass  # a cache that cannot be written (read-only home, full disk) only costs speed
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def _fill(connection: sqlite3.Connection, layer: MemoryLayer, meta: dict[str, str]) -> None:
    file_hash = layer.file_hash
    connection.executescript(SCHEMA)
    names: dict[str, tuple[str, str, str, int, str]] = {}
    for key, compound_id, label, own in layer.name_entries():
        names.setdefault(key, (key, compound_id, label, int(own), ""))
    connection.executemany(
        "INSERT INTO names VALUES (?, ?, ?, ?, ?)",
        ((*row[:4], row_digest(file_hash, *row[:4])) for row in names.values()),
    )
    compounds = ((c.id, compound_to_json(c)) for c in layer.kb.compounds.values())
    connection.executemany(
        "INSERT INTO compounds VALUES (?, ?, ?)",
        ((cid, data, row_digest(file_hash, cid, data)) for cid, data in compounds),
    )
    refs = ((r.id, _reference_json(r)) for r in layer.kb.references.values())
    connection.executemany(
        "INSERT INTO refs VALUES (?, ?, ?)",
        ((rid, data, row_digest(file_hash, rid, data)) for rid, data in refs),
    )
    connection.executemany("INSERT INTO meta VALUES (?, ?)", {**meta, "complete": "1"}.items())
    connection.commit()


def _prune(keep: Path) -> None:
    """Drop indexes of files that are gone or not rebuilt for a month, and stale temp files;
    then the oldest indexes while all of them together exceed MAX_CACHE_BYTES."""
    now = time.time()
    kept: list[tuple[float, int, Path]] = []
    for entry in keep.parent.iterdir():
        if entry == keep or not entry.name.startswith(("index-", ".index-")):
            continue
        with contextlib.suppress(OSError):
            info = entry.stat()
            temp = entry.name.endswith(".tmp")
            old = now - info.st_mtime > (3600 if temp else PRUNE_AFTER_SECONDS)
            if old or (not temp and _orphan(entry)):
                entry.unlink()
            elif not temp:
                kept.append((info.st_mtime, info.st_size, entry))
    total = sum(size for _, size, _ in kept)
    for _, size, entry in sorted(kept):
        if total <= MAX_CACHE_BYTES:
            break
        with contextlib.suppress(OSError):
            entry.unlink()
            total -= size


def _orphan(index: Path) -> bool:
    """Whether an index's file is gone (an index that cannot be read says nothing)."""
    try:
        with contextlib.closing(sqlite3.connect(f"{index.as_uri()}?mode=ro", uri=True)) as db:
            row = db.execute("SELECT value FROM meta WHERE key = 'path'").fetchone()
        return row is not None and not os.path.exists(bytes.fromhex(str(row[0])))
    except (sqlite3.Error, ValueError):
        return False


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
        return self.reference_with_source(ref_id)[0]

    def reference_with_source(self, ref_id: str) -> tuple[Reference | None, str | None]:
        """The highest-precedence version of a reference, and the layer it came from."""
        for layer in reversed(self.layers):
            found = layer.reference(ref_id)
            if found is not None:
                return found, layer.source
        return None, None

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
                reference, source = self.reference_with_source(ref_id)
                if reference is None or source is None:
                    problems.append(self._dangling(compound, ref_id))
                else:
                    kb.references[ref_id] = reference
                    kb.reference_sources[ref_id] = source
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
