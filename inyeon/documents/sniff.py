"""What a file really is, from its first bytes (not its name), and whether uploads of it are allowed.

Binary formats are recognised by their signatures (the `filetype` package). Plain text and CSV have
no signature: they are accepted when the bytes are text (UTF-8 or CP949, no NUL bytes) and do not
look like markup, so an HTML or SVG page renamed `.txt` is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import filetype

# Our name for each type -> (MIME type, file name extensions it may carry).
KNOWN_TYPES: dict[str, tuple[str, tuple[str, ...]]] = {
    "pdf": ("application/pdf", ("pdf",)),
    "png": ("image/png", ("png",)),
    "jpg": ("image/jpeg", ("jpg", "jpeg")),
    "gif": ("image/gif", ("gif",)),
    "webp": ("image/webp", ("webp",)),
    "heic": ("image/heic", ("heic",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ("docx",)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",)),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", ("pptx",)),
    "odt": ("application/vnd.oasis.opendocument.text", ("odt",)),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", ("ods",)),
    "odp": ("application/vnd.oasis.opendocument.presentation", ("odp",)),
    "txt": ("text/plain", ("txt",)),
    "csv": ("text/csv", ("csv",)),
}
DEFAULT_TYPES = list(KNOWN_TYPES)
TEXT_TYPES = ("txt", "csv")
SNIFF_BYTES = 64 * 1024
_MARKUP = re.compile(rb"<\s*(!doctype|html|svg|script|\?xml|iframe|body|head)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Sniffed:
    type_name: str
    mime: str


def extension_of(file_name: str) -> str:
    return file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    body = head.removeprefix(b"\xef\xbb\xbf")
    if _MARKUP.search(body) or body.lstrip().startswith(b"<"):
        return False
    # The sample may end in the middle of a multi-byte character: drop up to three trailing bytes.
    for encoding in ("utf-8", "cp949"):
        for cut in range(4):
            try:
                body[: len(body) - cut].decode(encoding)
            except UnicodeDecodeError:
                continue
            return True
    return False


def sniff(head: bytes, file_name: str) -> Sniffed | None:
    """The type of a file from its first bytes; None when it is none of the known types."""
    kind = filetype.guess(head)
    if kind is not None:
        for name, (mime, extensions) in KNOWN_TYPES.items():
            if kind.extension in extensions or kind.mime == mime:
                return Sniffed(name, mime)
        return None
    extension = extension_of(file_name)
    for name in TEXT_TYPES:
        if extension in KNOWN_TYPES[name][1] and _looks_like_text(head):
            return Sniffed(name, KNOWN_TYPES[name][0])
    return None


def extension_matches(sniffed: Sniffed, file_name: str) -> bool:
    return extension_of(file_name) in KNOWN_TYPES[sniffed.type_name][1]
