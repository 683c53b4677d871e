"""One operation from response to result: the HTTP cache around the retry loop, decoding,
and the strict check.

A GET with a decoder goes through the cache: the retry loop sends the stored validators,
and a 304 hands back the stored decoded result without decoding again (a strict client
still checks it: the cache may be shared with a lenient one). A 200 with validators is
stored — in this process's memory cache, and, with a shared store, its raw body for the
other processes, which decode it once on their first 304. A successful write drops any
cached GET of its URL.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from .attempts import send
from .cache import CacheEntry, SharedEntry, StoredBody, entry_size, shareable_headers, storable
from .deadlines import CallDeadline
from .errors import BasecampError, DecodeError
from .json_body import decode_failure, parse_json
from .operation import Operation
from .pagination import PageData
from .request_body import UploadBody
from .strict import STRICT_HINT, strict_problem
from .transport import Content, HttpResponse

if TYPE_CHECKING:
    from .core import ClientCore

T = TypeVar("T")

#: Methods whose success invalidates a cached GET of the same URL.
_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


async def run_operation(
    core: ClientCore,
    op: Operation,
    url: str,
    decode: Callable[[Any], T] | None,
    content: Content | UploadBody,
    content_type: str | None,
    raw: bool,
    replayable: bool,
    store: bool,
    deadline: CallDeadline | None,
) -> tuple[T, int]:
    """Run one operation (see :meth:`ClientCore.execute`): its result and final status."""
    cache = core.cache
    cacheable = cache is not None and decode is not None and op.method == "GET"
    response: HttpResponse
    response, prepared, entry = await send(
        core,
        op,
        url,
        content,
        content_type,
        decode if cacheable else None,
        replayable,
        None,
        deadline,
    )
    status = response.status_code
    shared_hit = False
    if status == 304:
        assert entry is not None  # send() only returns a 304 it asked for
        value: Any = entry.value
        if type(value) is StoredBody:
            # Validators another process stored: decode the body stored with them
            # (once; the decoded result is kept in this process like any other).
            response = value.response(url)
            shared_hit = True
        else:
            if core.strict:  # the cache may be shared with a lenient client
                _check_strictly(op, decode, value, response)
            if raw and isinstance(value, PageData):
                # Hand out a copy: the caller may mutate the list it gets.
                value = value.copy()
            return value, status
    if cache is not None and op.method in _UNSAFE:
        # A write makes any cached GET of the same URL worthless.
        cache.delete((prepared.fingerprint, url))
        if core.shared_cache is not None:
            await core.shared_cache.discard((prepared.fingerprint, url))
    if decode is None:
        return None, status  # type: ignore[return-value]
    try:
        value = decode(response) if raw else decode(parse_json(op, response))
    except BasecampError:
        raise
    except Exception as exc:
        raise decode_failure(
            op, exc, status, request_id=response.headers.get("x-request-id")
        ) from exc
    if core.strict:
        _check_strictly(op, decode, value, response)
    if cacheable and store and (status == 200 or shared_hit):
        headers = response.headers
        etag = headers.get("etag")
        modified = headers.get("last-modified")
        if shared_hit:
            assert entry is not None
            etag, modified = entry.etag, entry.last_modified
        if (etag or modified) and storable(headers.get("cache-control")):
            key = (prepared.fingerprint, url)
            local = CacheEntry(etag, modified, value, entry_size(len(response.content)), decode)
            cache.set(key, local)  # type: ignore[union-attr]
            if core.shared_cache is not None and not shared_hit:
                shared = SharedEntry(etag, modified, shareable_headers(headers), response.content)
                await core.shared_cache.save(key, shared)
            if raw and isinstance(value, PageData):
                value = value.copy()
    return value, status


def _check_strictly(op: Operation, decode: Any, value: Any, response: HttpResponse) -> None:
    """A strict client's second pass over what ``decode`` made (see :mod:`.strict`)."""
    problem = strict_problem(decode, value)
    if problem is not None:
        raise DecodeError(
            f"{op.id}: {problem} (strict decoding)",
            http_status=response.status_code,
            request_id=response.headers.get("x-request-id"),
            operation_id=op.id,
            hint=STRICT_HINT,
        )
