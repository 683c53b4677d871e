"""Reading ``multipart/form-data`` request bodies (the account logo), strictly.

A body that does not follow RFC 7578 framing — wrong boundary, missing closing
delimiter, a part without ``Content-Disposition`` — is a 400, as a real server's form
parser would answer, so a client that frames its form carelessly finds out here.
"""

from __future__ import annotations

import re

from ._wire import HttpError

_BOUNDARY = re.compile(r'boundary=(?:"([^"]+)"|([^;\s]+))', re.IGNORECASE)
_PARAM = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


class FormPart:
    __slots__ = ("content_type", "data", "filename", "name")

    def __init__(self, name: str, filename: str | None, content_type: str, data: bytes) -> None:
        self.name = name
        self.filename = filename
        self.content_type = content_type
        self.data = data


def _unquote(value: str) -> str:
    # Browsers percent-encode these three in multipart names (the HTML standard).
    return value.replace("%22", '"').replace("%0D", "\r").replace("%0A", "\n")


def parse_form(content_type: str, body: bytes) -> dict[str, FormPart]:
    """The parts of a form, by field name."""
    if content_type.split(";")[0].strip().lower() != "multipart/form-data":
        raise HttpError(415, "Send the file as multipart/form-data")
    found = _BOUNDARY.search(content_type)
    if found is None:
        raise HttpError(400, "The multipart Content-Type has no boundary")
    delimiter = b"\r\n--" + (found.group(1) or found.group(2)).encode("latin-1")
    sections = (b"\r\n" + body).split(delimiter)
    if len(sections) < 3 or sections[0] != b"" or not sections[-1].startswith(b"--"):
        raise HttpError(400, "The multipart body is not framed by its boundary")
    parts: dict[str, FormPart] = {}
    for section in sections[1:-1]:
        head, sep, data = section.partition(b"\r\n\r\n")
        if not sep or not head.startswith(b"\r\n"):
            raise HttpError(400, "A multipart part has no header block")
        headers: dict[str, str] = {}
        for line in head[2:].decode("utf-8", "replace").split("\r\n"):
            key, colon, value = line.partition(":")
            if not colon:
                raise HttpError(400, f"Malformed multipart header {line[:40]!r}")
            headers[key.strip().lower()] = value.strip()
        disposition = headers.get("content-disposition", "")
        if not disposition.lower().startswith("form-data"):
            raise HttpError(400, "A multipart part has no Content-Disposition: form-data")
        params = {k.lower(): _unquote(v) for k, v in _PARAM.findall(disposition)}
        if "name" not in params:
            raise HttpError(400, "A multipart part has no field name")
        parts[params["name"]] = FormPart(
            params["name"],
            params.get("filename"),
            headers.get("content-type", "text/plain"),
            data,
        )
    return parts
