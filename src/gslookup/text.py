"""Making knowledge-base and user text safe to show: the one sanitiser every output passes.

`strip_controls` is applied by the output layer (`output.py`) to every string gslookup
writes, and by the Rich render hook (`render.py`) to every segment Rich draws, so a new
field or a new command cannot forget it. The field renderers call it too, only so that
column widths are computed on the text that will actually be shown.
"""

from __future__ import annotations

import re

# Bidirectional overrides, isolates and marks, and zero-width characters: they make one name
# look like another (U+202E turns "devorppa-ton" into "not-approved" on screen).
# Also the invisible fillers and joiners that render as nothing (soft hyphen, combining
# grapheme joiner, Hangul fillers, Khmer vowel inherents, variation selectors): a name with
# one hidden inside must still be found, and look like what it is.
FORMAT_CHARS = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\u3164\ufe00-\ufe0f\ufeff"
)
# Escape sequences, then any C0/C1 control except tab and newline: text must never drive a
# terminal. String sequences (OSC, DCS, SOS, PM, APC) are removed with their bodies, up to
# BEL or ST, in their 7-bit (ESC ] ...) and 8-bit (U+009D ...) forms.
_ESCAPES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]?"
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f" + FORMAT_CHARS + "]"
)
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f" + FORMAT_CHARS + "\udc80-\udcff]")
# Bytes that were not UTF-8 (from argv, a file name or stdin, via surrogateescape).
_SURROGATES = re.compile("[\ud800-\udfff]")
_FORMAT = re.compile("[" + FORMAT_CHARS + "]")
# A link target a terminal or a Markdown viewer may be given: http(s), printable ASCII of
# RFC 3986 only (no space, quote, angle bracket, backslash or control character).
_LINK = re.compile(r"https?://[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")
MAX_SHOWN = 80


def strip_controls(text: str) -> str:
    """Remove escape sequences, control and bidi/zero-width characters; keep tabs and newlines.

    A byte that was not UTF-8 becomes U+FFFD, so output is always valid UTF-8.
    """
    return _SURROGATES.sub("\ufffd", _ESCAPES.sub("", text))


def escape_unsafe(text: str) -> str:
    r"""JSON or TOML text with every unsafe character written as a \uXXXX escape.

    Both formats read the escape back as the same character, so data survives a round trip
    while no raw control, C1 or bidi character reaches a terminal.
    """
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def drop_format_chars(text: str) -> str:
    """Text without bidi and zero-width characters (BOM included), for matching names."""
    return _FORMAT.sub("", text)


def safe_link(url: str) -> bool:
    """Whether a URL may become a hyperlink: http(s) and nothing that can leave the link."""
    return _LINK.fullmatch(url) is not None


def visible(value: str, limit: int | None = None) -> str:
    """Text for a message line: control characters shown as escapes, long text cut."""
    clipped = value if limit is None or len(value) <= limit else value[:limit] + "…"
    return "".join(ch if ch.isprintable() else _escaped(ch) for ch in clipped)


def _escaped(ch: str) -> str:
    if 0xDC80 <= ord(ch) <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
        return f"\\x{ord(ch) - 0xDC00:02x}"
    return ch.encode("unicode_escape").decode()


def shown(value: str, limit: int = MAX_SHOWN) -> str:
    """A user-typed value for a message: quoted, escapes made visible, long ones cut."""
    return "'" + visible(value, limit).replace("'", "\\'") + "'"
