"""The personal knowledge base: validated, locked, atomic writes, with a backup.

A user's own entries must be as safe as a git repository: every write goes to a
temporary file in the same folder, is fsynced and renamed over the old file,
the previous five versions are kept as `compounds.toml.bak`, `.bak.1` ... `.bak.4`,
and a lock serialises read-modify-write cycles across processes. Only the entries a
command changes are rewritten (`tomledit`): the user's comments and layout elsewhere
survive. A symlinked file is written through the link and keeps its mode; a read-only
file is never replaced. Every write is validated, as the file it leaves behind.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
import tomllib
from collections.abc import Iterator
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

from gslookup import loader, tomledit
from gslookup.errors import GslookupError, InvalidKnowledgeBase, Problem, UnknownCompound
from gslookup.lookup import suggest
from gslookup.model import Compound, KnowledgeBase, Reference
from gslookup.normalize import normalize
from gslookup.text import shown

Document = dict[str, Any]
BACKUPS = 5


class ReferenceClash(GslookupError):
    """`add` would change a reference that entries already cite; it needs --replace."""

    exit_code = 1

    def __init__(self, clashes: list[str]) -> None:
        super().__init__(
            "would replace references already in use: "
            + "; ".join(clashes)
            + " (use --replace to replace them, or give the new ones other ids)"
        )


class NothingToAdd(GslookupError):
    exit_code = 1

    def __init__(self, path: Path) -> None:
        super().__init__(f"{shown(str(path), 200)} holds no compounds or references: nothing added")


class StillNamed(GslookupError):
    """Removing an entry would leave other entries pointing at nothing."""

    exit_code = 1

    def __init__(self, compound_id: str, by: list[str]) -> None:
        super().__init__(
            f"cannot remove {compound_id!r}: {', '.join(by)} list it in alternatives; "
            "edit those entries first"
        )


class EditConflict(GslookupError):
    exit_code = 1

    def __init__(self, keys: list[str]) -> None:
        super().__init__(f"{', '.join(keys)} changed in your knowledge base while you were editing")


class FileNotWritable(GslookupError):
    exit_code = 2

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"cannot write {shown(str(path), 200)}: {reason}; nothing was changed")


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
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path.with_name(path.name + ".lock"), "a+b")  # noqa: SIM115
    except OSError as error:
        raise FileNotWritable(path, error.strerror or type(error).__name__) from None
    with handle:
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
    """Replace `path` with `text` so a crash leaves either the old or the new file, whole.

    A symlink is followed: the file it points at is the one replaced (in its own folder),
    so a file kept in a dotfiles repository or a synced folder stays the one in use.
    The old file's mode is kept. OS errors become one clear message naming the file.
    """
    target = Path(os.path.realpath(path))
    try:
        _write_replacing(target, text)
    except OSError as error:
        raise FileNotWritable(path, error.strerror or type(error).__name__) from None


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold SIGTERM, SIGHUP and SIGINT while a write is in flight (M2).

    A write takes milliseconds; a signal that arrives meanwhile is delivered as soon as it
    is done, so the process still ends by that signal, but never with a temporary file
    left behind (not even one a handler would have had no name for yet).
    """
    import signal

    if not hasattr(signal, "pthread_sigmask"):  # Windows: no signal masks
        yield
        return
    held = {signal.SIGTERM, signal.SIGHUP, signal.SIGINT}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _write_replacing(target: Path, text: str) -> None:
    with _signals_deferred():
        _sweep_temp_files(target)
        _write_replacing_now(target, text)


def _sweep_temp_files(target: Path) -> None:
    """Temp files a killed process (SIGKILL, power loss) left behind, over an hour old."""
    import time

    cutoff = time.time() - 3600
    with contextlib.suppress(OSError):
        for leftover in target.parent.glob(f".{target.name}.*.tmp"):
            if leftover.stat().st_mtime < cutoff:
                leftover.unlink()


def _write_replacing_now(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    old = _stat_or_none(target)
    if old is not None and not old.st_mode & stat.S_IWUSR:
        raise FileNotWritable(target, "the file is read-only (chmod u+w to allow changes)")
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            if old is not None:
                os.fchmod(handle.fileno(), stat.S_IMODE(old.st_mode))
            os.fsync(handle.fileno())
        if old is not None:
            _backup(target)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    _fsync_dir(target.parent)


def _stat_or_none(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except FileNotFoundError:
        return None


def backups(path: Path) -> list[Path]:
    """The backup generations, newest first."""
    first = path.with_name(path.name + ".bak")
    return [first] + [path.with_name(f"{path.name}.bak.{n}") for n in range(1, BACKUPS)]


def _backup(path: Path) -> None:
    generations = backups(path)
    for older, newer in zip(reversed(generations), list(reversed(generations))[1:], strict=False):
        if newer.exists():
            os.replace(newer, older)
    backup = generations[0]
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{backup.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(path.read_bytes())
            handle.flush()
            os.fchmod(handle.fileno(), stat.S_IMODE(path.stat().st_mode) | stat.S_IRUSR)
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
    return read_text_and_document(path)[1]


def read_text_and_document(path: Path) -> tuple[str, Document]:
    """The personal file's text and its tables (("", {}) when it does not exist yet)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return "", {}
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise InvalidKnowledgeBase([Problem(path, None, "", reason)]) from None
    return parse_document(path, data)


def parse_document(path: Path, data: bytes) -> tuple[str, Document]:
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
        return text, tomllib.loads(text)
    except RecursionError:
        raise InvalidKnowledgeBase([Problem(path, None, "", loader.NESTED_TOO_DEEPLY)]) from None
    except tomllib.TOMLDecodeError as error:
        line, reason = loader.toml_error_position(error)
        raise InvalidKnowledgeBase([Problem(path, line, "", f"not valid TOML: {reason}")]) from None
    except UnicodeDecodeError as error:
        reason = f"not UTF-8 text (offset {error.start})"
        raise InvalidKnowledgeBase([Problem(path, None, "", reason)]) from None


def save(
    path: Path,
    text: str,
    old: Document,
    new: Document,
    below: list[tuple[Path, str]],
    today: date,
    notes: list[str] | None = None,
) -> None:
    """Write `new`, rewriting only the entries that differ from `old` (see tomledit).

    The text that will be written is validated first, on top of the lower layers, so no
    write can leave a file that breaks later commands. When the file's layout is not
    understood it is written anew, and a note says where the previous version is.
    """
    final = tomledit.splice(text, old, new) if text.strip() else None
    if final is not None:
        try:
            parsed: Document | None = tomllib.loads(final)
        except (tomllib.TOMLDecodeError, RecursionError):
            parsed = None
        if parsed == {}:  # the last entry went: keep the comments, in a valid, non-empty file
            final = "schema_version = 1\n" + final
            parsed = {"schema_version": 1}
        final = final if parsed is not None and tomledit.same_document(parsed, new) else None
    if final is None and "#" in text and notes is not None:
        notes.append(
            f"the layout of {shown(str(path), 200)} could not be kept (an entry not in its "
            f"own [table]?), so it was written anew; the previous version, with its "
            f"comments, is {shown(str(backups(path)[0]), 200)}"
        )
    final = final if final is not None else dumps(new)
    loader.load([*below, (path, str(path))], today, contents={path: final.encode("utf-8")})
    atomic_write(path, final)


def dumps(document: Document) -> str:
    import tomli_w

    body = {
        **document,
        "schema_version": document.get("schema_version", 1),
        "compounds": document.get("compounds", {}),
        "references": document.get("references", {}),
    }
    return tomli_w.dumps(body)


def add(
    path: Path,
    incoming: Path,
    below: list[tuple[Path, str]],
    today: date,
    replace: bool = False,
    notes: list[str] | None = None,
) -> tuple[list[str], list[str], list[str]]:
    """Merge `incoming` into the personal file; return (added, replaced, replaced references).

    The input is read once (it may be a pipe), and what is validated is what is merged.
    """
    data = loader.read_bytes(incoming)
    loader.load([*below, (incoming, str(incoming))], today, contents={incoming: data})
    new = parse_document(incoming, data)[1]
    if not new.get("compounds") and not new.get("references"):
        raise NothingToAdd(incoming)
    lower = loader.load(below, today) if below else None
    with locked(path):
        text, document = read_text_and_document(path)
        old = _copy(document)
        compounds = document.setdefault("compounds", {})
        clashes = sorted(set(new.get("compounds", {})) & set(compounds))
        if clashes and not replace:
            raise EntryExists(clashes)
        references = _new_references(new, document, lower, replace)
        mine = document.setdefault("references", {})
        replaced_refs = sorted(
            r for r in references if r in mine or (lower and r in lower.references)
        )
        compounds.update(new.get("compounds", {}))
        mine.update(references)
        save(path, text, old, document, below, today, notes)
    added = sorted(set(new.get("compounds", {})) - set(clashes))
    return added, clashes, replaced_refs


def save_edit(
    path: Path,
    edited: Document,
    shown: Document,
    opened: Document,
    below: list[tuple[Path, str]],
    today: date,
    notes: list[str] | None = None,
) -> None:
    """Save what the user changed in the editor, unless someone changed it meanwhile.

    `shown` is what the editor was opened on, `opened` the personal file at that moment.
    Entries the user left as shown are not written (so a bundled entry's references are
    not copied), and an entry changed in the file since `opened` is a conflict (D3).
    """
    with locked(path):
        text, document = read_text_and_document(path)
        old = _copy(document)
        conflicts: list[str] = []
        for section in ("compounds", "references"):
            target = document.setdefault(section, {})
            for entry_id, table in edited.get(section, {}).items():
                if table == shown.get(section, {}).get(entry_id):
                    continue
                if target.get(entry_id) != opened.get(section, {}).get(entry_id):
                    conflicts.append(f"{section}.{entry_id}")
                target[entry_id] = table
        if conflicts:
            raise EditConflict(conflicts)
        save(path, text, old, document, below, today, notes)


def _copy(document: Document) -> Document:
    return {k: dict(v) if isinstance(v, dict) else v for k, v in document.items()}


def _new_references(
    new: Document, document: Document, lower: KnowledgeBase | None, replace: bool
) -> dict[str, Any]:
    """The incoming references to write: unchanged copies dropped, silent changes refused.

    A reference that the personal file or the bundled data already has, with other
    content, would change what other entries cite (W3, W4): that needs --replace.
    """
    incoming = new.get("references", {})
    mine = document.get("references", {})
    keep: dict[str, Any] = {}
    clashes: list[str] = []
    adding = set(new.get("compounds", {}))
    for ref_id, table in incoming.items():
        bundled = lower.references.get(ref_id) if lower else None
        if ref_id in mine:
            if mine[ref_id] != table:
                users = _citing(document.get("compounds", {}), ref_id) - adding
                if users and not replace:
                    clashes.append(f"{ref_id!r} (cited by {', '.join(sorted(users))})")
                keep[ref_id] = table
        elif bundled is not None and lower is not None:
            if reference_table(bundled) == table:
                continue  # the same as the bundled one: no copy that could go stale
            users = {c.id for c in lower.compounds.values() if ref_id in c.cited_ref_ids()}
            if not replace:
                clashes.append(
                    f"{ref_id!r} would override the bundled reference "
                    f"(cited by {', '.join(sorted(users)) or 'no entry'})"
                )
            keep[ref_id] = table
        else:
            keep[ref_id] = table
    if clashes:
        raise ReferenceClash(clashes)
    return keep


def _citing(compounds: dict[str, Any], ref_id: str) -> set[str]:
    return {cid for cid, table in compounds.items() if ref_id in set(_refs_in(table))}


def remove(
    path: Path,
    compound_id: str,
    bundled: KnowledgeBase,
    today: date,
    notes: list[str] | None = None,
) -> tuple[str, list[str]]:
    """Remove a personal entry and the references nothing cites any more.

    Returns the id removed and the references dropped with it.

    `compound_id` may be the entry's id, name or an alias. The file left behind is
    validated: an entry that others name in `alternatives` is not removed.
    """
    below = [(loader.bundled_path(), "bundled")]
    with locked(path):
        text, document = read_text_and_document(path)
        old = _copy(document)
        compounds = dict(document.get("compounds", {}))
        found = _resolve(compounds, compound_id, bundled)
        by = sorted(c for c, t in compounds.items() if found in t.get("alternatives", ()))
        if by and found not in bundled.compounds:
            raise StillNamed(found, by)
        del compounds[found]
        document["compounds"] = compounds
        document["references"] = dict(document.get("references", {}))
        dropped = _drop_uncited(document)
        save(path, text, old, document, below, today, notes)
    return found, dropped


def _resolve(compounds: dict[str, Any], query: str, bundled: KnowledgeBase) -> str:
    """The personal entry a name means: its id, name or an alias."""
    if query in compounds:
        return query
    key = normalize(query)
    entries = [
        (normalize(label), cid, label, label in (cid, table.get("name")))
        for cid, table in compounds.items()
        if isinstance(table, dict)
        for label in (cid, table.get("name", cid), *table.get("aliases", ()))
        if isinstance(label, str)
    ]
    for name, cid, _, _ in entries:
        if name == key:
            return cid
    from gslookup.lookup import Index

    in_bundled = Index(bundled).get(query)
    if in_bundled is not None:
        raise BundledEntry(in_bundled.id)
    raise UnknownCompound(query, suggest(key, entries))


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
