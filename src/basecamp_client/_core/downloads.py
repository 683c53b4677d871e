"""Downloading a file: two hops, and credentials only on the first.

A ``download_url`` (of an upload, an attachment, a chat file…) is on the API origin and
needs the client's credentials; Basecamp answers it with a redirect to a pre-signed URL
on a storage host. The rules:

* hop 1 goes only to the API origin, with credentials (retried like any GET); the
  asset-host URLs Basecamp marks auth-routable are fetched through the API origin;
* its redirect is followed once, to an ``https`` URL (``http`` only when the API itself
  is plain ``http``, as a local fake is), with **no** credentials and no other
  identifying header — the signature in the URL is the authorisation;
* the storage answer must be the file: a further redirect is refused;
* a hop 1 that answers ``200`` with the file itself is fine too.

The body is never read whole: :class:`Download` hands it out chunk by chunk.
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Any, Protocol, Union
from urllib.parse import unquote, urljoin, urlsplit

from .clock import SYSTEM_CLOCK, Clock
from .deadlines import CallDeadline, until
from .errors import NetworkError, UnsafeLinkError, UsageError
from .links import shown_origin
from .operation import Operation, RetrySpec
from .progress import Progress, ProgressCallback
from .streams import REDIRECT_STATUSES

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from .core import ClientCore
    from .streams import OpenStream

#: The descriptor hooks and logs see for both hops of a download.
DOWNLOAD = Operation(
    id="DownloadFile",
    method="GET",
    path="",
    retry=RetrySpec(max_attempts=3, base_delay=1.0),
)


class SupportsDownloadUrl(Protocol):
    """An API object with a ``download_url`` (an Upload, an Attachment, …)."""

    @property
    def download_url(self) -> str | None: ...


#: What the download methods accept: a download URL, or an object that has one.
DownloadTarget = Union[str, SupportsDownloadUrl]  # noqa: UP007  (a runtime alias)

_DISPOSITION_STAR = re.compile(r"filename\*\s*=\s*([\w!#$&+.^`|~-]*)'[^']*'([^;\s]+)", re.I)
_DISPOSITION = re.compile(r'filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))', re.I)
_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')


def url_of(target: object) -> tuple[str, bool]:
    """(URL, whether it came from an API object) for a URL or anything with a
    ``download_url`` (an Upload, an Attachment, a chat file…)."""
    if isinstance(target, str):
        return target, False
    url = getattr(target, "download_url", None)
    if isinstance(url, str) and url:
        return url, True
    if hasattr(target, "download_url"):
        raise UsageError(f"this {type(target).__name__} has no download_url")
    raise UsageError(
        "expected a download URL or an object with a download_url (an Upload, an "
        f"Attachment, …), got {type(target).__name__}"
    )


def _origin(url: str) -> tuple[str, str | None, int | None]:
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = -1
    return parts.scheme.lower(), parts.hostname, port


# Basecamp hands out some download URLs on its asset hosts (``3.basecamp-static.com``,
# ``storage.3.basecamp.com``) whose paths the API answers too: such "auth-routable"
# URLs are fetched through the API origin, the only place credentials go.
_ASSET_HOST = re.compile(r"(^|\.)(basecamp-static\.com|basecamp\.com)$", re.IGNORECASE)
_ROUTABLE_PATH = re.compile(r"^/\d+/blobs/[^/]+/")
_API_HOST = re.compile(r"(^|\.)basecampapi\.com$", re.IGNORECASE)


def check_api_url(url: str, api_base: str, *, from_api: bool) -> str:
    """The URL to send credentials to for ``url``: ``url`` itself when it is on the API
    origin, its API-origin twin when it is one of Basecamp's auth-routable asset URLs;
    refused otherwise — the credentials go nowhere else."""
    if _origin(url) == _origin(api_base):
        return url
    parts, api = urlsplit(url), urlsplit(api_base)
    if (
        parts.scheme == "https"
        and _ASSET_HOST.search(parts.hostname or "")
        and _ROUTABLE_PATH.match(parts.path)
        and _API_HOST.search(api.hostname or "")
    ):
        return parts._replace(scheme=api.scheme, netloc=api.netloc, fragment="").geturl()
    message = (
        f"refusing to send credentials to {shown_origin(url)}: a download URL must be on "
        f"the API origin {shown_origin(api_base)}"
    )
    if from_api:
        raise UnsafeLinkError(message)
    raise UsageError(message)


def storage_url(location: str | None, hop1_url: str, api_base: str, *, status: int) -> str:
    """The absolute URL of hop 1's redirect (HTTP ``status``), if it is one to follow."""
    if not location:
        raise _refused(status, "the API answered a redirect without a Location")
    target = urljoin(hop1_url, location.strip())
    parts = urlsplit(target)
    allowed = ("https",) if urlsplit(api_base).scheme == "https" else ("https", "http")
    if parts.scheme.lower() not in allowed or not parts.hostname:
        raise _refused(
            status, f"refusing a redirect to {shown_origin(target)} (only https URLs are followed)"
        )
    if parts.username or parts.password:
        raise _refused(status, "refusing a redirect to a URL carrying a user name")
    return target


def _refused(status: int, why: str) -> UnsafeLinkError:
    # The answer was a redirect: say so, with its status, so nobody mistakes the
    # refusal for a failed transfer.
    return UnsafeLinkError(
        f"{DOWNLOAD.id}: {why}; the redirect was not followed",
        http_status=status,
        operation_id=DOWNLOAD.id,
    )


def _size(headers: Any) -> int | None:
    if (headers.get("content-encoding") or "identity").lower() != "identity":
        return None  # the length on the wire is not the length handed out
    try:
        size = int(headers.get("content-length") or "")
    except ValueError:
        return None
    return size if size >= 0 else None


def _safe_name(name: str) -> str | None:
    name = _UNSAFE_NAME.sub("_", os.path.basename(name.replace("\\", "/"))).strip()
    return name if name and name not in (".", "..") else None


def file_name_of(headers: Any, url: str) -> str | None:
    """The file's name: from ``Content-Disposition``, else the URL's last segment;
    made safe to use as a file name (no directories, no control characters)."""
    disposition = headers.get("content-disposition") or ""
    star = _DISPOSITION_STAR.search(disposition)
    if star is not None:
        name = _safe_name(unquote(star.group(2), encoding=star.group(1) or "utf-8"))
        if name:
            return name
    plain = _DISPOSITION.search(disposition)
    if plain is not None:
        quoted = plain.group(1)
        raw = re.sub(r"\\(.)", r"\1", quoted) if quoted is not None else plain.group(2)
        name = _safe_name(raw)
        if name:
            return name
    return _safe_name(unquote(urlsplit(url).path.rsplit("/", 1)[-1]))


class Download:
    """An open download: the file's response, its body read on demand."""

    __slots__ = (
        "_chunks",
        "_clock",
        "_deadline",
        "_opened",
        "_progress",
        "content_type",
        "filename",
        "received",
        "size",
    )

    def __init__(
        self,
        opened: OpenStream,
        url: str,
        progress: ProgressCallback | None,
        *,
        clock: Clock = SYSTEM_CLOCK,
        deadline: CallDeadline | None = None,
    ) -> None:
        response = opened.response
        self._opened = opened
        # The body may take as long as it needs (the transport's idle timeout still bounds
        # each read), unless the call set a deadline: then that bounds the whole transfer.
        self._clock = clock
        self._deadline = deadline
        self._chunks: AsyncIterator[bytes] | None = None
        #: Bytes in the file, when the response says (``Content-Length``).
        self.size = _size(response.headers)
        self.content_type: str | None = response.headers.get("content-type")
        #: The file's name, from the response or the URL (safe as a file name), if any.
        self.filename = file_name_of(response.headers, url)
        self.received = 0
        self._progress = Progress(progress, self.size) if progress is not None else None

    def __repr__(self) -> str:
        return f"<Download {self.filename!r} size={self.size} received={self.received}>"

    async def read_chunk(self) -> bytes:
        """The next chunk of the body; ``b""`` once it is all read (then it is closed)."""
        chunks = self._chunks
        if chunks is None:
            chunks = self._chunks = self._opened.response.aiter_bytes()
            if self._progress is not None:
                await self._progress.report(0)
        try:
            if self._deadline is None:
                chunk = await anext(chunks, b"")
            else:
                with until(self._clock, self._deadline):
                    chunk = await anext(chunks, b"")
        except NetworkError as exc:
            await self.aclose()
            raise NetworkError(
                f"{DOWNLOAD.id}: {exc.message} after {self.received} bytes of the file",
                request_sent=True,
                retryable=True,
                operation_id=DOWNLOAD.id,
            ) from None
        except BaseException:
            await self.aclose()
            raise
        if not chunk:
            await self.aclose()
            return b""
        self.received += len(chunk)
        if self._progress is not None:
            await self._progress.report(self.received)
        return chunk

    async def aclose(self) -> None:
        chunks, self._chunks = self._chunks, None
        close = getattr(chunks, "aclose", None)
        try:
            if close is not None:
                await close()
        finally:
            await self._opened.aclose()


async def open_download(
    core: ClientCore,
    target: DownloadTarget,
    *,
    progress: ProgressCallback | None = None,
    deadline: CallDeadline | None = None,
) -> Download:
    """Open the download of ``target`` (a URL or an object with a ``download_url``).

    Each hop's attempts get the client's per-attempt limit up to the response head; the
    body then has the transport's idle timeout, and ``deadline`` (when set) bounds the
    whole download from the first request to the last byte.
    """
    given, from_api = url_of(target)
    api_base = core.config.base_url
    url = check_api_url(given, api_base, from_api=from_api)
    clock = core.clock
    hop1 = await core.open_stream(DOWNLOAD, url, redirect=True, deadline=deadline)
    if hop1.response.status_code not in REDIRECT_STATUSES:
        return Download(hop1, url, progress, clock=clock, deadline=deadline)
    location = hop1.response.headers.get("location")
    hop1_status = hop1.response.status_code
    await hop1.aclose()
    target_url = storage_url(location, url, api_base, status=hop1_status)
    anonymous = {
        "User-Agent": core.config.full_user_agent,
        "Accept": "*/*",
        "Accept-Encoding": "identity",
    }
    hop2 = await core.open_stream(
        DOWNLOAD, target_url, anonymous=anonymous, redirect=True, deadline=deadline
    )
    hop2_status = hop2.response.status_code
    if hop2_status in REDIRECT_STATUSES:
        await hop2.aclose()
        raise _refused(
            hop2_status,
            "the storage host answered with another redirect; a download follows only one "
            "(credentials or not, it does not wander further)",
        )
    return Download(hop2, target_url, progress, clock=clock, deadline=deadline)
