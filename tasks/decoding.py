"""Text from the bytes of a page: BOM, declared charset, the common mis-declarations, detection."""

from __future__ import annotations

import codecs
import re

import charset_normalizer

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", re.IGNORECASE)
_SINGLE_BYTE = {"iso-8859-1", "latin-1", "latin1", "windows-1252", "cp1252", "us-ascii", "ascii"}
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode(body: bytes, declared: str | None) -> str:
    """Text from bytes: a BOM first, then the declared charset (HTTP header, else <meta>), then
    detection. A page declared as Latin-1 that is valid UTF-8 is read as UTF-8, the common
    mis-declaration; a declared charset the bytes do not fit is ignored."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body.decode(encoding, errors="replace")
    meta = _META_CHARSET.search(body[:4096])
    candidates = [declared, meta.group(1).decode("ascii", "ignore") if meta else None]
    for encoding in (c.strip().lower() for c in candidates if c):
        if encoding in _SINGLE_BYTE and _is_utf8(body):
            return body.decode("utf-8")
        try:
            return body.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    if _is_utf8(body):
        return body.decode("utf-8")
    best = charset_normalizer.from_bytes(body[:200_000]).best()
    if best is not None and best.encoding:
        return body.decode(best.encoding, errors="replace")
    return body.decode("cp1252", errors="replace")


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
