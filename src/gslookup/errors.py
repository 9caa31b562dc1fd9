"""Domain errors. The core raises these; only the CLI turns them into messages and exit codes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class GslookupError(Exception):
    """Base of every error the core raises on purpose."""

    exit_code = 2


class UnknownCompound(GslookupError):
    """No compound matches a query; `suggestions` are close names, best first."""

    exit_code = 1

    def __init__(self, query: str, suggestions: list[str], commands: bool = False) -> None:
        super().__init__(query)
        self.query = query
        self.suggestions = suggestions
        self.commands = commands
        """True when the query stood where a command could: the suggestions are commands."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a knowledge-base file."""

    path: Path | str
    line: int | None
    key: str
    reason: str

    def __str__(self) -> str:
        name = Path(self.path).name
        where = f"{name}:{self.line}" if self.line else name
        return f"{where}: {self.key}: {self.reason}" if self.key else f"{where}: {self.reason}"


class InvalidKnowledgeBase(GslookupError):
    """A knowledge-base file cannot be used; `problems` lists every reason found."""

    exit_code = 2

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems

    @property
    def path(self) -> Path | str:
        return self.problems[0].path


class UsageError(GslookupError):
    """An argument the core cannot use (a malformed date, an unknown code)."""

    exit_code = 2


class MissingExtra(GslookupError):
    """A command needs an optional extra that is not installed."""

    exit_code = 2

    def __init__(self, command: str, extra: str, missing: str | None) -> None:
        because = f" (no module named {missing!r})" if missing else ""
        super().__init__(
            f"{command} needs the optional {extra} extra{because}; "
            f"install it with: pip install 'gslookup[{extra}]'"
        )
