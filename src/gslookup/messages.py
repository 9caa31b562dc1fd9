"""What the user reads when something goes wrong: one definition for every path."""

from __future__ import annotations

from pathlib import Path

from gslookup.errors import GslookupError, InvalidKnowledgeBase, Problem, UnknownCompound
from gslookup.output import err, silence_stdout
from gslookup.text import shown, visible

EXIT_OK, EXIT_NOT_FOUND, EXIT_USAGE = 0, 1, 2
EXIT_UNEXPECTED, EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 70, 130, 141
# A file with thousands of problems (an exporter that drops a key) gets a readable report.
MAX_PROBLEMS_SHOWN = 100


def error_lines(error: GslookupError, personal: Path | None = None) -> list[str]:
    if isinstance(error, UnknownCompound):
        what = "compound or command" if error.commands else "compound"
        message = f"gslookup: no {what} named {shown(error.query)}."
        if error.suggestions:
            message += f" Did you mean: {', '.join(error.suggestions)}?"
        return [message]
    if isinstance(error, InvalidKnowledgeBase):
        count = len(error.problems)
        lines = [problem_line(p) for p in error.problems[:MAX_PROBLEMS_SHOWN]]
        if count > MAX_PROBLEMS_SHOWN:
            lines.append(f"... and {count - MAX_PROBLEMS_SHOWN} more")
        lines.append(f"gslookup: invalid knowledge base ({count} problem{'s' * (count != 1)})")
        if personal is not None and any(Path(p.path) == personal for p in error.problems):
            lines.append(
                "hint: fix your personal knowledge base (gslookup kb path), "
                "or run with --no-user-kb to skip it"
            )
        return lines
    return [f"gslookup: {visible(str(error), limit=2000)}"]


def problem_line(problem: Problem) -> str:
    where = f"{problem.path}:{problem.line}" if problem.line else str(problem.path)
    key = f"{problem.key}: " if problem.key else ""
    return visible(f"{where}: {key}{problem.reason}", limit=2000)


def unexpected_line(error: BaseException) -> str:
    message = " ".join(str(error).split())[:200] or type(error).__name__
    return (
        f"gslookup: unexpected error ({type(error).__name__}: {visible(message)}). "
        "Re-run with --debug to see the traceback."
    )


def say(lines: list[str]) -> None:
    for line in lines:
        err(line)


def handle(error: BaseException, debug: bool, personal: Path | None = None) -> int:
    """Report any error the way every command does; return its exit code."""
    if isinstance(error, GslookupError):
        say(error_lines(error, personal))
        return error.exit_code
    if isinstance(error, KeyboardInterrupt):
        return EXIT_INTERRUPTED
    if isinstance(error, BrokenPipeError):
        silence_stdout()
        return EXIT_BROKEN_PIPE
    if debug:
        raise error
    say([unexpected_line(error)])
    return EXIT_UNEXPECTED
