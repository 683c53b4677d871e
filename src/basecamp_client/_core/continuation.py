"""GET an absolute URL the API handed out (a ``next`` or ``resume`` link in a body), as
a given operation, through the normal request path.

Such a URL is sent with the client's credentials, so it must be on the API origin:
same scheme, host and port as the configured ``base_url`` (so never a downgrade from
https to http). Redirects are not followed blindly either: each hop's ``Location`` is
checked the same way before anything is sent there, and the number of hops is capped.
Retries, credential refresh, rate limiting and hooks apply as for any operation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urljoin, urlsplit

from .errors import ApiError, BasecampError, DecodeError, UnsafeLinkError
from .hooks import OperationEnd, OperationStart, emit
from .json_body import decode_failure, loads
from .links import shown_origin
from .operation import Operation
from .streams import REDIRECT_STATUSES

if TYPE_CHECKING:
    from .core import ClientCore

T = TypeVar("T")

#: Redirect hops followed (each checked) before giving up.
MAX_HOPS = 5
#: The largest response body read (a page of 100 events is a few hundred KiB at most).
MAX_BODY_BYTES = 16 * 1024 * 1024

_DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(url: str) -> tuple[str, str, int] | None:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    try:
        port = parts.port
    except ValueError:
        return None
    return scheme, parts.hostname.lower(), port if port is not None else _DEFAULT_PORTS[scheme]


def check_same_origin(url: object, base_url: str, *, what: str = "a continuation URL") -> str:
    """``url`` if it is an absolute http(s) URL on ``base_url``'s origin; else
    :class:`UnsafeLinkError` (nothing has been sent to it)."""
    if not isinstance(url, str) or not url:
        raise UnsafeLinkError(f"{what} is not a URL ({type(url).__name__})")
    target, api = _origin(url), _origin(base_url)
    if target is None:
        raise UnsafeLinkError(f"refusing {what} that is not an absolute http(s) URL")
    if urlsplit(url).username is not None:
        raise UnsafeLinkError(f"refusing {what} that carries user information")
    if api is not None and api[0] == "https" and target[0] == "http":
        raise UnsafeLinkError(
            f"refusing {what} that downgrades https to http ({shown_origin(url)}); "
            "credentials stay on the API origin"
        )
    if target != api:
        raise UnsafeLinkError(
            f"refusing {what} on another origin ({shown_origin(url)}, the API is "
            f"{shown_origin(base_url)}); credentials stay on the API origin"
        )
    return url


async def _read_capped(response: Any, limit: int, op: Operation) -> bytes:
    data = bytearray()
    async for chunk in response.aiter_bytes():
        data += chunk
        if len(data) > limit:
            raise DecodeError(
                f"{op.id}: the response is larger than {limit} bytes",
                http_status=response.status_code,
                operation_id=op.id,
            )
    return bytes(data)


async def get_json_at(
    core: ClientCore,
    op: Operation,
    url: str,
    decode: Callable[[Any], T],
    *,
    max_hops: int = MAX_HOPS,
    max_bytes: int = MAX_BODY_BYTES,
) -> T:
    """GET ``url`` (checked against the API origin) as ``op`` and decode its JSON body.

    A 3xx answer is followed only to a ``Location`` on the API origin (each hop checked,
    at most ``max_hops``); any other failure raises the usual typed error. Raises
    :class:`UnsafeLinkError` before sending anything to a URL off the API origin.
    """
    base = core.config.base_url
    url = check_same_origin(url, base)
    hooks = core.hooks
    observed = hooks is not None and bool(hooks.on_operation_start or hooks.on_operation_end)
    start = core.clock.now()
    if observed and hooks is not None and hooks.on_operation_start:
        await emit(hooks.on_operation_start, OperationStart(op.id, op.method, url))
    status: int | None = None
    try:
        for _hop in range(max_hops + 1):
            opened = await core.open_stream(op, url, redirect=True)
            try:
                response = opened.response
                status = response.status_code
                if status in REDIRECT_STATUSES:
                    location = response.headers.get("location")
                    if not location:
                        raise ApiError(
                            f"{op.id}: a redirect without a Location", http_status=status
                        )
                    url = check_same_origin(urljoin(url, location.strip()), base, what="a redirect")
                    continue
                body = await _read_capped(response, max_bytes, op)
            finally:
                await opened.aclose()
            try:
                data = loads(body)
            except ValueError:
                raise DecodeError(
                    f"{op.id}: the response {'is not valid JSON' if body else 'has no body'}",
                    http_status=status,
                    operation_id=op.id,
                ) from None
            try:
                value = decode(data)
            except BasecampError:
                raise
            except Exception as exc:
                raise decode_failure(op, exc, status) from exc
            break
        else:
            raise ApiError(f"{op.id}: more than {max_hops} redirects", http_status=status)
    except BasecampError as exc:
        if observed and hooks is not None and hooks.on_operation_end:
            duration = core.clock.now() - start
            await emit(
                hooks.on_operation_end,
                OperationEnd(op.id, op.method, url, duration, exc.http_status, error=exc),
            )
        raise
    if observed and hooks is not None and hooks.on_operation_end:
        duration = core.clock.now() - start
        await emit(hooks.on_operation_end, OperationEnd(op.id, op.method, url, duration, status))
    return value
