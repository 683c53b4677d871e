"""In-process adapter: an httpx transport (sync and async) that answers from a fake.

The only module of the fake that imports httpx. No sockets; requests to the storage
host are served by the fake's object store, everything else by its API.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING

import httpx

from ._storage import IN_PROCESS_STORAGE_ORIGIN
from ._wire import RESET_AFTER, RESET_BEFORE, BlobStream, FakeRequest, FakeResponse

if TYPE_CHECKING:
    from ._app import FakeBasecamp

_STORAGE_HOST = httpx.URL(IN_PROCESS_STORAGE_ORIGIN).host


class _Stream(httpx.SyncByteStream, httpx.AsyncByteStream):
    def __init__(self, blob: BlobStream) -> None:
        self._blob = blob

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._blob)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self._blob:
            yield chunk


class FakeTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Plug into ``httpx.Client(transport=…)``, ``httpx.AsyncClient(transport=…)`` or the
    SDK's ``transport=`` argument.

    Slow responses do not sleep: the fake's clock moves forward, and when the delay
    exceeds the request's read timeout the transport raises :class:`httpx.ReadTimeout`
    as a real connection would.
    """

    def __init__(self, fake: FakeBasecamp) -> None:
        self.fake = fake

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._answer(request, request.read())

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return self._answer(request, await request.aread())

    def _answer(self, request: httpx.Request, body: bytes) -> httpx.Response:
        url = request.url
        host = url.host if url.port is None else f"{url.host}:{url.port}"
        fake_request = FakeRequest(
            request.method,
            url.path,
            query=url.query.decode("ascii"),
            headers={
                k.decode("latin-1").lower(): v.decode("latin-1") for k, v in request.headers.raw
            },
            body=body,
            scheme=url.scheme,
            host=host,
            storage_origin=IN_PROCESS_STORAGE_ORIGIN,
            target="storage" if url.host == _STORAGE_HOST else "api",
            raw_path=url.raw_path.decode("ascii").partition("?")[0],
        )
        response = self.fake.handle(fake_request)
        if response.fault == RESET_BEFORE:
            raise httpx.ConnectError("connection refused (injected by the fake)", request=request)
        if response.delay:
            self._wait(request, response.delay)
        if response.fault == RESET_AFTER:
            raise httpx.RemoteProtocolError(
                "server disconnected without sending a response (injected by the fake)",
                request=request,
            )
        return _to_httpx(response)

    def _wait(self, request: httpx.Request, delay: float) -> None:
        timeouts = request.extensions.get("timeout") or {}
        read = timeouts.get("read")
        if read is not None and delay > read:
            self.fake.clock.sleep(read)
            raise httpx.ReadTimeout(
                "timed out waiting for the response (injected delay)", request=request
            )
        self.fake.clock.sleep(delay)

    def close(self) -> None:
        pass

    async def aclose(self) -> None:
        pass


def _to_httpx(response: FakeResponse) -> httpx.Response:
    if isinstance(response.body, BlobStream):
        return httpx.Response(
            response.status, headers=response.headers, stream=_Stream(response.body)
        )
    return httpx.Response(response.status, headers=response.headers, content=response.body)
