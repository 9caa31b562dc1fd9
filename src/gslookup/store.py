"""The personal knowledge base: validated, locked, atomic writes, with a backup.

A user's own entries must be as safe as a git repository: every write goes to a
temporary file in the same folder, is fsynced and renamed over the old file,
the previous version is kept as `compounds.toml.bak`, and a lock serialises
read-modify-write cycles across processes.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import tomllib
from collections.abc import Iterator
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

from gslookup import loader
from gslookup.errors import GslookupError, InvalidKnowledgeBase, Problem, UnknownCompound
from gslookup.model import Compound, KnowledgeBase, Reference

Document = dict[str, Any]


class EntryExists(GslookupError):
    """`add` would replace personal entries; it needs --replace."""

    exit_code = 1

    def __init__(self, ids: list[str]) -> None:
        names = ", ".join(ids)
        super().__init__(f"already in your knowledge base: {names} (use --replace to replace)")
        self.ids = ids


class BundledEntry(GslookupError):
    """Bundled entries are part of the package and cannot be removed."""

    exit_code = 1

    def __init__(self, compound_id: str) -> None:
        super().__init__(
            f"{compound_id!r} is a bundled entry and cannot be removed; "
            f"'gslookup edit {compound_id}' makes a personal copy that overrides it"
        )


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """An exclusive lock on `path`'s lock file for one read-modify-write cycle."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a+b") as handle:
        _lock(handle.fileno())
        try:
            yield
        finally:
            _unlock(handle.fileno())


def _lock(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        msvcrt.locking(fd, msvcrt.LK_LOCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX)


def _unlock(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_UN)


def atomic_write(path: Path, text: str) -> None:
    """Replace `path` with `text` so a crash leaves either the old or the new file, whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            _backup(path)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    _fsync_dir(path.parent)


def _backup(path: Path) -> None:
    backup = path.with_name(path.name + ".bak")
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{backup.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(path.read_bytes())
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, backup)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform can open a folder
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def read_document(path: Path) -> Document:
    """The personal file as raw TOML tables; empty when it does not exist yet."""
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8").removeprefix("\ufeff"))
    except RecursionError:
        raise InvalidKnowledgeBase([Problem(path, None, "", loader.NESTED_TOO_DEEPLY)]) from None
    except tomllib.TOMLDecodeError as error:
        line, reason = loader.toml_error_position(error)
        raise InvalidKnowledgeBase([Problem(path, line, "", f"not valid TOML: {reason}")]) from None
    except UnicodeDecodeError as error:
        reason = f"not UTF-8 text (offset {error.start})"
        raise InvalidKnowledgeBase([Problem(path, None, "", reason)]) from None


def dumps(document: Document) -> str:
    import tomli_w

    body = {
        "schema_version": 1,
        "compounds": document.get("compounds", {}),
        "references": document.get("references", {}),
    }
    return tomli_w.dumps(body)


def _check(document: Document, below: list[tuple[Path, str]], path: Path, today: date) -> None:
    """Validate the document as it would be written, on top of the lower layers."""
    with tempfile.TemporaryDirectory() as folder:
        candidate = Path(folder) / path.name
        candidate.write_text(dumps(document), encoding="utf-8")
        try:
            loader.load([*below, (candidate, str(path))], today)
        except InvalidKnowledgeBase as error:
            raise InvalidKnowledgeBase(
                [_moved(p, candidate, path) for p in error.problems]
            ) from None


def _moved(problem: Problem, old: Path, new: Path) -> Problem:
    return (
        Problem(new, problem.line, problem.key, problem.reason) if problem.path == old else problem
    )


def add(
    path: Path, incoming: Path, below: list[tuple[Path, str]], today: date, replace: bool = False
) -> tuple[list[str], list[str]]:
    """Merge `incoming` into the personal file; return (added ids, replaced ids)."""
    loader.load([*below, (incoming, str(incoming))], today)
    new = tomllib.loads(incoming.read_text(encoding="utf-8"))
    with locked(path):
        document = read_document(path)
        compounds = document.setdefault("compounds", {})
        clashes = sorted(set(new.get("compounds", {})) & set(compounds))
        if clashes and not replace:
            raise EntryExists(clashes)
        compounds.update(new.get("compounds", {}))
        document.setdefault("references", {}).update(new.get("references", {}))
        _check(document, below, path, today)
        atomic_write(path, dumps(document))
    added = sorted(set(new.get("compounds", {})) - set(clashes))
    return added, clashes


def remove(path: Path, compound_id: str, bundled: KnowledgeBase, today: date) -> list[str]:
    """Remove a personal entry and the references nothing cites any more; return those refs."""
    with locked(path):
        document = read_document(path)
        compounds = document.get("compounds", {})
        if compound_id not in compounds:
            if compound_id in bundled.compounds:
                raise BundledEntry(compound_id)
            raise UnknownCompound(compound_id, sorted(compounds)[:3])
        del compounds[compound_id]
        dropped = _drop_uncited(document)
        atomic_write(path, dumps(document))
    return dropped


def _drop_uncited(document: Document) -> list[str]:
    cited = set(_refs_in(document.get("compounds", {})))
    references = document.get("references", {})
    dropped = sorted(set(references) - cited)
    for ref in dropped:
        del references[ref]
    return dropped


def _refs_in(value: Any) -> Iterator[str]:
    """Every reference id cited anywhere inside raw compound tables."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "refs" and isinstance(item, list):
                yield from (ref for ref in item if isinstance(ref, str))
            else:
                yield from _refs_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from _refs_in(item)


def compound_table(compound: Compound) -> dict[str, Any]:
    """A compound as a TOML table in the knowledge-base format (no empty keys)."""
    table: dict[str, Any] = _pruned(asdict(compound))
    return {k: v for k, v in table.items() if k not in ("id", "source")}


def reference_table(reference: Reference) -> dict[str, Any]:
    table: dict[str, Any] = _pruned(asdict(reference))
    return {k: v for k, v in table.items() if k != "id"}


def _pruned(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _pruned(v) for k, v in value.items() if v not in (None, (), [], {})}
    if isinstance(value, (list, tuple)):
        return [_pruned(v) for v in value]
    return value


def entry_document(kb: KnowledgeBase, compound_ids: list[str]) -> Document:
    """The given compounds and every reference they cite, as one document."""
    compounds = {cid: compound_table(kb.compounds[cid]) for cid in compound_ids}
    cited = {ref for cid in compound_ids for ref in kb.compounds[cid].cited_ref_ids()}
    references = {r: reference_table(kb.references[r]) for r in sorted(cited) if r in kb.references}
    return {"compounds": compounds, "references": references}
