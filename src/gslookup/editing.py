"""`gslookup edit`: an entry in the user's editor, validated before anything is saved."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shlex
import subprocess
import time
import tomllib
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from gslookup import loader, store
from gslookup.errors import GslookupError, InvalidKnowledgeBase, Problem
from gslookup.model import Compound, KnowledgeBase
from gslookup.output import interactive
from gslookup.text import shown, visible

HEADER = (
    "# Editing {id} for your personal knowledge base ({path}).\n"
    "# Save and close the editor to apply; the entry is validated first.\n"
    "# Format: gslookup help format; a starter: gslookup kb template. Lines starting with #"
    " are ignored.\n\n"
)


class EditAbandoned(GslookupError):
    """The edited text was not saved; it is kept in a recovery file."""

    exit_code = 1

    def __init__(self, recovery: Path, why: str = "nothing saved") -> None:
        where = visible(str(recovery))
        super().__init__(
            f"{why}; your edited text is kept in {where} "
            f"(fix it, then: gslookup add --replace {where})"
        )
        self.recovery = recovery


class EditorFailed(GslookupError):
    exit_code = 2


RECOVERY_KEPT_DAYS = 30


def editor_command() -> list[str]:
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if editor:
        if os.path.isfile(editor) and os.access(editor, os.X_OK):
            return [editor]  # a path with spaces, given unquoted, as git accepts it
        return shlex.split(editor, posix=os.name != "nt")
    return ["notepad"] if os.name == "nt" else ["vi"]


def run_editor(path: Path) -> None:
    command = [*editor_command(), str(path)]
    try:
        result = subprocess.run(command, check=False)
    except OSError as error:
        name = shown(command[0])
        raise EditorFailed(f"cannot start the editor {name}: {error.strerror}") from None
    if result.returncode != 0:
        name = shown(command[0])
        raise EditorFailed(f"the editor {name} exited with code {result.returncode}")


def edit_entry(
    kb: KnowledgeBase,
    compound: Compound,
    personal: Path,
    today: date,
    ask_again: Callable[[InvalidKnowledgeBase], bool],
    notes: list[str] | None = None,
) -> Path | None:
    """Edit until the text is valid (then save it) or the user gives up (then keep it aside).

    Only what the user changed is saved, and only if nobody changed the same entries in
    the personal file meanwhile. Returns the personal file's path, or None when the text
    was not changed. Every failure after the editor opened names the recovery file.
    """
    _prune_recovery(personal)
    opened = store.read_document(personal)
    original = HEADER.format(id=compound.id, path=visible(str(personal)))
    original += store.dumps(store.entry_document(kb, [compound.id]))
    shown_document = tomllib.loads(original)
    recovery = _recovery_path(personal, compound.id)
    _write_private(recovery, original)
    below = [(loader.bundled_path(), "bundled")]
    while True:
        try:
            edited = _edit_once(recovery, original)
            if edited is None:
                recovery.unlink()
                return None
            store.save_edit(personal, edited, shown_document, opened, below, today, notes)
        except InvalidKnowledgeBase as error:
            if ask_again(error):
                continue
            raise EditAbandoned(recovery) from None
        except store.EditConflict as conflict:
            raise EditAbandoned(recovery, f"nothing saved: {conflict}") from None
        recovery.unlink()
        return personal


def _edit_once(recovery: Path, original: str) -> store.Document | None:
    """Run the editor once; the edited document, or None when nothing was changed."""
    try:
        run_editor(recovery)
    except EditorFailed as error:
        if _unchanged(recovery, original):
            recovery.unlink(missing_ok=True)
            raise
        raise EditAbandoned(recovery, f"nothing saved: {error}") from None
    try:
        data = recovery.read_bytes()
    except FileNotFoundError:
        raise EditorFailed(f"the editor removed {visible(str(recovery))}; nothing saved") from None
    if data == original.encode("utf-8"):
        return None
    _, document = store.parse_document(recovery, data)
    if not document.get("compounds"):
        raise InvalidKnowledgeBase(
            [
                Problem(
                    recovery,
                    None,
                    "compounds",
                    "the entry is gone from the text; to delete it use gslookup remove",
                )
            ]
        )
    return document


def _unchanged(recovery: Path, original: str) -> bool:
    try:
        return recovery.read_bytes() == original.encode("utf-8")
    except OSError:
        return True


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)


def _recovery_path(personal: Path, compound_id: str) -> Path:
    folder = personal.parent / "recovery"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    if len(compound_id) > 60:  # keep the name within NAME_MAX, whatever the id
        digest = hashlib.sha256(compound_id.encode("utf-8")).hexdigest()[:12]
        compound_id = f"{compound_id[:40]}-{digest}"
    return folder / f"{compound_id}-{stamp}-{os.getpid()}.toml"


def _prune_recovery(personal: Path) -> None:
    """Recovery files of edits abandoned more than a month ago are removed."""
    folder = personal.parent / "recovery"
    cutoff = time.time() - RECOVERY_KEPT_DAYS * 86400
    with contextlib.suppress(OSError):
        for path in folder.glob("*.toml"):
            if path.stat().st_mtime < cutoff:
                path.unlink()


def can_ask() -> bool:
    return interactive()
