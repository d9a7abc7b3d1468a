"""Text from the bytes of a page: BOM, declared charset, the common mis-declarations, detection.

NUL and other C0 control characters (but tab, newline and carriage return) never belong in an
article and PostgreSQL refuses NUL in text, so they are dropped from every decoded page.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

_META_CHARSET = re.compile(rb"""<meta[^>]{0,500}charset\s*=\s*["']?\s*([\w-]+)""", re.IGNORECASE)
_SINGLE_BYTE = {"iso-8859-1", "latin-1", "latin1", "windows-1252", "cp1252", "us-ascii", "ascii"}
_UTF8_NAMES = {"utf-8", "utf8", "utf_8"}
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_REPLACEMENT = "\ufffd"


def decode(body: bytes, declared: str | None) -> str:
    """Clean text from bytes (see decode_raw); control characters dropped."""
    return _CONTROL.sub("", decode_raw(body, declared))


def decode_raw(body: bytes, declared: str | None) -> str:
    """Text from bytes: a BOM first, then the declared charset (HTTP header, else <meta>), then
    detection. UTF-8 with a few invalid bytes stays UTF-8, the bad bytes replaced (one stray
    byte must not turn every accented name into mojibake); a page declared as Latin-1 that is
    (mostly) UTF-8 is read as UTF-8, the common mis-declaration; a declared charset the bytes do
    not fit is ignored."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body.decode(encoding, errors="replace")
    utf8 = _mostly_utf8(body)
    meta = _META_CHARSET.search(body[:4096])
    candidates = [declared, meta.group(1).decode("ascii", "ignore") if meta else None]
    for encoding in (c.strip().lower() for c in candidates if c):
        if utf8 is not None and (encoding in _SINGLE_BYTE or encoding in _UTF8_NAMES):
            return utf8
        try:
            return body.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    if utf8 is not None:
        return utf8
    best = charset_normalizer.from_bytes(body[:200_000]).best()
    if best is not None and best.encoding:
        return body.decode(best.encoding, errors="replace")
    return body.decode("cp1252", errors="replace")


def _mostly_utf8(body: bytes) -> str | None:
    """The body as UTF-8 when it is UTF-8, or UTF-8 with a few bad bytes (replaced): valid
    multi-byte characters outnumber the invalid bytes. Single-byte text (Latin-1, cp1252) almost
    never forms a valid multi-byte sequence, so it is not mistaken for UTF-8."""
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    text = body.decode("utf-8", errors="replace")
    invalid = text.count(_REPLACEMENT) - body.count(_REPLACEMENT.encode("utf-8"))
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore"))
    multibyte = non_ascii - text.count(_REPLACEMENT)
    return text if multibyte > 0 and multibyte >= invalid else None
