"""Reading screening input: UTF-8 (with or without a BOM), UTF-16 with a BOM, or a named encoding.

Lines are decoded one at a time, so input of any length is streamed, and a byte that does not
decode is reported with its line number instead of being replaced without a word.
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator
from typing import Any, BinaryIO, cast

from gslookup.errors import UsageError

UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


class UndecodableLine(UsageError):
    def __init__(self, number: int, encoding: str) -> None:
        hint = "; try --encoding cp1252" if encoding in ("utf-8", "utf-8-sig") else ""
        super().__init__(f"line {number} is not valid {_label(encoding)}{hint}")
        self.number = number


def _label(encoding: str) -> str:
    return "UTF-8" if encoding in ("utf-8", "utf-8-sig") else encoding


def check_encoding(encoding: str) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise UsageError(f"unknown encoding {encoding!r}") from None


def read_lines(stream: BinaryIO, encoding: str | None = None) -> Iterator[str]:
    """Each line of a byte stream as text, without its line ending."""
    buffered: Any = stream if hasattr(stream, "peek") else io.BufferedReader(cast(Any, stream))
    head = buffered.peek(4)[:4]
    name = check_encoding(encoding) if encoding else None
    if head.startswith(UTF16_BOMS) and name in (None, "utf-16"):
        yield from _text_lines(buffered, "utf-16")
    elif name and name.startswith("utf-16") or name in ("utf-32", "utf-32-le", "utf-32-be"):
        yield from _text_lines(buffered, name)
    else:
        yield from _decoded_lines(buffered, name or "utf-8-sig")


def _text_lines(stream: BinaryIO, encoding: str) -> Iterator[str]:
    text = io.TextIOWrapper(stream, encoding=encoding, errors="strict", newline=None)
    number = 0
    try:
        while line := text.readline(MAX_BYTES):
            number += 1
            if len(line) == MAX_BYTES and not line.endswith("\n"):
                while (rest := text.readline(MAX_BYTES)) and not rest.endswith("\n"):
                    pass
            yield line.rstrip("\n")
    except UnicodeDecodeError:
        raise UndecodableLine(number + 1, encoding) from None
    finally:
        # The caller owns the stream and closes it; the wrapper must not close it again.
        text.detach()


MAX_BYTES = 40_000
"""Longer lines are cut here (the rest is read and dropped), so one huge line cannot grow memory."""


def _raw_lines(stream: BinaryIO) -> Iterator[tuple[bytes, bool]]:
    """(line, whether it was cut) for each line of at most MAX_BYTES bytes."""
    while line := stream.readline(MAX_BYTES):
        cut = len(line) == MAX_BYTES and not line.endswith(b"\n")
        if cut:
            while (rest := stream.readline(MAX_BYTES)) and not rest.endswith(b"\n"):
                pass
        yield line, cut


def _decoded_lines(stream: BinaryIO, encoding: str) -> Iterator[str]:
    codec = "utf-8" if encoding == "utf-8-sig" else encoding
    for number, (raw, cut) in enumerate(_raw_lines(stream), start=1):
        if number == 1 and encoding == "utf-8-sig":
            raw = raw.removeprefix(codecs.BOM_UTF8)
        yield _decode(raw, cut, codec, number).rstrip("\r\n")


def _decode(raw: bytes, cut: bool, codec: str, number: int) -> str:
    # A cut line may end inside a character: up to 3 bytes of it are dropped, not an error.
    for drop in range(4 if cut else 1):
        try:
            return raw[: len(raw) - drop].decode(codec)
        except UnicodeDecodeError:
            continue
    raise UndecodableLine(number, codec)
