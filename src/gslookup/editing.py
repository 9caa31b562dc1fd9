"""`gslookup edit`: an entry in the user's editor, validated before anything is saved."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from gslookup import loader, store
from gslookup.errors import GslookupError, InvalidKnowledgeBase
from gslookup.model import Compound, KnowledgeBase

HEADER = (
    "# Editing {id} for your personal knowledge base ({path}).\n"
    "# Save and close the editor to apply; the entry is validated first.\n"
    "# Format: gslookup help format; a starter: gslookup kb template. Lines starting with #"
    " are ignored.\n\n"
)


class EditAbandoned(GslookupError):
    """The edited text was invalid and not saved; it is kept in a recovery file."""

    exit_code = 1

    def __init__(self, recovery: Path) -> None:
        super().__init__(
            f"nothing saved; your edited text is kept in {recovery} "
            f"(fix it, then: gslookup add --replace {recovery})"
        )
        self.recovery = recovery


class EditorFailed(GslookupError):
    exit_code = 2


def editor_command() -> list[str]:
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if editor:
        return shlex.split(editor, posix=os.name != "nt")
    return ["notepad"] if os.name == "nt" else ["vi"]


def run_editor(path: Path) -> None:
    command = [*editor_command(), str(path)]
    try:
        result = subprocess.run(command, check=False)
    except OSError as error:
        raise EditorFailed(f"cannot start the editor {command[0]!r}: {error.strerror}") from None
    if result.returncode != 0:
        raise EditorFailed(f"the editor {command[0]!r} exited with code {result.returncode}")


def edit_entry(
    kb: KnowledgeBase,
    compound: Compound,
    personal: Path,
    today: date,
    ask_again: Callable[[InvalidKnowledgeBase], bool],
) -> Path | None:
    """Edit until the text is valid (then save it) or the user gives up (then keep it aside).

    Returns the personal file's path, or None when the text was not changed.
    """
    original = HEADER.format(id=compound.id, path=personal)
    original += store.dumps(store.entry_document(kb, [compound.id]))
    recovery = _recovery_path(personal, compound.id)
    recovery.write_text(original, encoding="utf-8")
    bundled = [(loader.bundled_path(), "bundled")]
    while True:
        run_editor(recovery)
        if recovery.read_text(encoding="utf-8") == original:
            recovery.unlink()
            return None
        try:
            store.add(personal, recovery, bundled, today, replace=True)
        except InvalidKnowledgeBase as error:
            if ask_again(error):
                continue
            raise EditAbandoned(recovery) from None
        recovery.unlink()
        return personal


def _recovery_path(personal: Path, compound_id: str) -> Path:
    folder = personal.parent / "recovery"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return folder / f"{compound_id}-{stamp}-{os.getpid()}.toml"


def can_ask() -> bool:
    return sys.stdin.isatty() and sys.stderr.isatty()
