"""Malformed and edge-case responses, each with the one outcome every backend must give.

An outcome is either ``Ok(status, body)`` (the decoded body the caller gets) or
``Fails(error class name, request_sent)``. A case names the request it answers (its
path is ``/<name>``); the server plays the case's script on the connection.
"""

from __future__ import annotations

import gzip
import zlib
from dataclasses import dataclass, field

from .wire import Close, Hang, Reset, Script, response

#: ``max_response_bytes`` for the suite: small, so that size cases stay cheap.
CAP = 1024 * 1024


@dataclass(frozen=True)
class Ok:
    status: int
    body: bytes = b""


@dataclass(frozen=True)
class Fails:
    error: str  # "NetworkError" or "ResponseTooLargeError"
    request_sent: bool = True


Outcome = Ok | Fails
NETWORK = Fails("NetworkError")
TOO_LARGE = Fails("ResponseTooLargeError")


@dataclass(frozen=True)
class Case:
    name: str
    script: Script
    expect: Outcome
    method: str = "GET"
    body: bytes | None = None
    #: Cases that wait for a client timeout (kept few: they cost real time).
    slow: bool = False
    #: Where aiohttp's outcome differs, and why (docs/http-backends.md lists these).
    aiohttp: Outcome | None = None
    headers: dict[str, str] = field(default_factory=dict)


def raw(*parts: bytes | Close | Reset | Hang) -> Script:
    return Script(list(parts))


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


def _gzip_times(data: bytes, times: int) -> bytes:
    for _ in range(times):
        data = _gzip(data)
    return data


def _deflate(data: bytes, *, wrapped: bool = True) -> bytes:
    if wrapped:
        return zlib.compress(data)
    c = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return c.compress(data) + c.flush()


def _bomb(size: int) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(1024 * 1024)
    out = [c.compress(block) for _ in range(size // len(block))]
    out.append(c.flush())
    return b"".join(out)


BOMB = _bomb(256 * 1024 * 1024)  # 256 MiB of zeros in about 250 KB
JSON = b'{"ok": true}'
OK = Ok(200, JSON)


#: aiohttp parses what follows a response in the same read at once, and fails the
#: exchange when that is not HTTP; httpx delivers the response. Both drop the connection.
AFTER_RESPONSE = NETWORK
#: RFC 9110 (8.6) lets a client either refuse a repeated or listed Content-Length of
#: equal values or use the value: h11 (httpx) uses it, aiohttp's parser refuses.
LENGTH_LIST = NETWORK


def ok_head(extra: str = "") -> bytes:
    return f"HTTP/1.1 200 OK\r\n{extra}".encode("latin-1")


LENGTH = "Content-Length: 12\r\n\r\n"


def _lines(n: int) -> str:
    return "".join(f"X-{i}: v\r\n" for i in range(n))


def _chunked(*parts: bytes) -> bytes:
    return b"".join(b"%x\r\n%b\r\n" % (len(p), p) for p in parts) + b"0\r\n\r\n"


CASES: list[Case] = [
    # -- framing by Content-Length ------------------------------------------------------
    Case("cl_plain", raw(response(200, JSON)), OK),
    Case("cl_zero", raw(response(200, b"")), Ok(200, b"")),
    Case(
        "cl_conflicting", raw(ok_head("Content-Length: 2\r\nContent-Length: 3\r\n\r\nok")), NETWORK
    ),
    Case(
        "cl_repeated_same",
        raw(ok_head("Content-Length: 2\r\nContent-Length: 2\r\n\r\nok")),
        Ok(200, b"ok"),
        aiohttp=LENGTH_LIST,
    ),
    Case(
        "cl_list",
        raw(ok_head("Content-Length: 2, 2\r\n\r\nok")),
        Ok(200, b"ok"),
        aiohttp=LENGTH_LIST,
    ),
    Case("cl_superscript_two", raw(ok_head("Content-Length: \xb2\r\n\r\nok")), NETWORK),
    Case("cl_negative", raw(ok_head("Content-Length: -1\r\n\r\nok")), NETWORK),
    Case("cl_plus_sign", raw(ok_head("Content-Length: +2\r\n\r\nok")), NETWORK),
    Case("cl_hex", raw(ok_head("Content-Length: 0x2\r\n\r\nok")), NETWORK),
    Case("cl_inner_space", raw(ok_head("Content-Length: 1 1\r\n\r\nok")), NETWORK),
    Case("cl_astronomic", raw(ok_head("Content-Length: 99999999999999999999999\r\n\r\n")), NETWORK),
    Case("cl_short_then_close", raw(ok_head("Content-Length: 10\r\n\r\nshort"), Close()), NETWORK),
    Case("cl_short_then_reset", raw(ok_head("Content-Length: 100\r\n\r\nshort"), Reset()), NETWORK),
    # -- chunked --------------------------------------------------------------------------
    Case(
        "te_chunked",
        raw(ok_head("Transfer-Encoding: chunked\r\n\r\n") + _chunked(b'{"ok"', b": true}")),
        OK,
    ),
    Case(
        "te_chunk_extensions",
        raw(
            ok_head("Transfer-Encoding: chunked\r\n\r\n")
            + b"c;name=value\r\n"
            + JSON
            + b"\r\n0\r\n\r\n"
        ),
        OK,
    ),
    Case(
        "te_trailers",
        raw(
            ok_head("Transfer-Encoding: chunked\r\n\r\n")
            + b"c\r\n"
            + JSON
            + b"\r\n0\r\nX-Trailer: 1\r\n\r\n"
        ),
        OK,
    ),
    Case(
        "te_bad_size",
        raw(ok_head("Transfer-Encoding: chunked\r\n\r\nzz\r\nok\r\n0\r\n\r\n")),
        NETWORK,
    ),
    Case(
        "te_negative_size",
        raw(ok_head("Transfer-Encoding: chunked\r\n\r\n-2\r\nok\r\n0\r\n\r\n")),
        NETWORK,
    ),
    Case(
        "te_size_overflow",
        raw(ok_head("Transfer-Encoding: chunked\r\n\r\nfffffffffffffffffffff\r\nok\r\n0\r\n\r\n")),
        NETWORK,
    ),
    Case(
        "te_missing_crlf",
        raw(ok_head("Transfer-Encoding: chunked\r\n\r\n2\r\nokXX0\r\n\r\n")),
        NETWORK,
    ),
    Case(
        "te_cut_mid_chunk",
        raw(ok_head("Transfer-Encoding: chunked\r\n\r\n10\r\nabc"), Close()),
        NETWORK,
    ),
    Case(
        "te_no_last_chunk",
        raw(ok_head("Transfer-Encoding: chunked\r\n\r\n2\r\nok\r\n"), Close()),
        NETWORK,
    ),
    Case(
        "te_and_cl",
        raw(ok_head("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n") + _chunked(b"ok")),
        NETWORK,
    ),
    Case("te_unknown_coding", raw(ok_head("Transfer-Encoding: gzip\r\n\r\n"), Close()), NETWORK),
    Case(
        "te_chunked_not_last",
        raw(ok_head("Transfer-Encoding: chunked, gzip\r\n\r\n") + _chunked(b"ok")),
        NETWORK,
    ),
    Case(
        "te_on_http10",
        raw(b"HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + _chunked(b"ok"), Close()),
        Ok(200, b"ok"),
    ),
    # -- framing by connection close ------------------------------------------------------
    Case("close_delimited", raw(ok_head("Connection: close\r\n\r\n") + JSON, Close()), OK),
    Case("http10_until_close", raw(b"HTTP/1.0 200 OK\r\n\r\n" + JSON, Close()), OK),
    Case(
        "http10_keep_alive",
        raw(b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 12\r\n\r\n" + JSON),
        OK,
    ),
    Case(
        "connection_close_with_length",
        raw(response(200, JSON, [("Connection", "close")]), Close()),
        OK,
    ),
    # -- status lines ---------------------------------------------------------------------
    Case("status_099", raw(b"HTTP/1.1 099 Odd\r\nContent-Length: 0\r\n\r\n"), NETWORK),
    Case("status_four_digits", raw(b"HTTP/1.1 2000 OK\r\nContent-Length: 0\r\n\r\n"), NETWORK),
    Case("status_two_digits", raw(b"HTTP/1.1 20 OK\r\nContent-Length: 0\r\n\r\n"), NETWORK),
    Case("status_no_reason", raw(b"HTTP/1.1 200\r\nContent-Length: 12\r\n\r\n" + JSON), OK),
    Case("status_letters", raw(b"HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n"), NETWORK),
    Case("protocol_misspelt", raw(b"HTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"), NETWORK),
    Case("protocol_http2", raw(b"HTTP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n"), Ok(200)),
    Case("http09_body_only", raw(JSON, Close()), NETWORK),
    Case("empty_answer", raw(Close()), NETWORK),
    # -- interim responses ----------------------------------------------------------------
    Case("interim_100", raw(b"HTTP/1.1 100 Continue\r\n\r\n" + response(200, JSON)), OK),
    Case(
        "interim_103_with_headers",
        raw(b"HTTP/1.1 103 Early Hints\r\nLink: </a>; rel=preload\r\n\r\n" + response(200, JSON)),
        OK,
    ),
    Case(
        "interim_thousand", raw(b"HTTP/1.1 100 Continue\r\n\r\n" * 1000 + response(200, JSON)), OK
    ),
    Case("interim_only_then_close", raw(b"HTTP/1.1 100 Continue\r\n\r\n", Close()), NETWORK),
    Case(
        "unsolicited_101",
        raw(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n", Close()),
        NETWORK,
    ),
    # -- bodies where none may be ---------------------------------------------------------
    Case(
        "head_with_length", raw(ok_head("Content-Length: 500\r\n\r\n")), Ok(200, b""), method="HEAD"
    ),
    Case(
        "head_with_body_bytes",
        raw(ok_head("Content-Length: 2\r\n\r\nok")),
        Ok(200, b""),
        method="HEAD",
        aiohttp=AFTER_RESPONSE,
    ),
    Case(
        "no_content_with_length",
        raw(b"HTTP/1.1 204 No Content\r\nContent-Length: 2\r\n\r\n"),
        Ok(204),
    ),
    Case(
        "no_content_with_body",
        raw(b"HTTP/1.1 204 No Content\r\nContent-Length: 2\r\n\r\nok"),
        Ok(204),
        aiohttp=AFTER_RESPONSE,
    ),
    Case(
        "not_modified_with_body",
        raw(b"HTTP/1.1 304 Not Modified\r\nContent-Length: 2\r\n\r\nok"),
        Ok(304),
        aiohttp=AFTER_RESPONSE,
    ),
    Case(
        "no_content_chunked",
        raw(b"HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\n\r\n"),
        Ok(204),
    ),
    # -- heads ----------------------------------------------------------------------------
    Case("head_cut_short", raw(b"HTTP/1.1 200 OK\r\nContent-Le", Close()), NETWORK),
    Case("head_huge_line", raw(ok_head("X-Big: " + "a" * 100_000 + "\r\n\r\n")), NETWORK),
    # aiohttp's limit: a header's name and value together at most 8190 bytes.
    Case("head_field_of_8191", raw(ok_head(f"X-Big: {'a' * 8186}\r\n{LENGTH}") + JSON), NETWORK),
    Case("head_field_of_8190", raw(ok_head(f"X-Big: {'a' * 8185}\r\n{LENGTH}") + JSON), OK),
    Case("head_129_lines", raw(ok_head(f"{_lines(129)}{LENGTH}") + JSON), NETWORK),
    Case("head_127_lines", raw(ok_head(f"{_lines(126)}{LENGTH}") + JSON), OK),
    Case("head_1000_lines", raw(ok_head(f"{_lines(1000)}{LENGTH}") + JSON), NETWORK),
    Case("head_bare_lf", raw(b"HTTP/1.1 200 OK\nContent-Length: 12\n\n" + JSON), OK),
    Case("head_ends_lf_crlf", raw(b"HTTP/1.1 200 OK\r\nContent-Length: 12\n\r\n" + JSON), OK),
    Case(
        "head_obs_fold", raw(ok_head("X-Folded: a\r\n b\r\nContent-Length: 12\r\n\r\n") + JSON), OK
    ),
    Case(
        "header_name_space",
        raw(ok_head("Bad Name: x\r\nContent-Length: 12\r\n\r\n") + JSON),
        NETWORK,
    ),
    Case(
        "header_name_not_token",
        raw(ok_head("X@Y: 1\r\nContent-Length: 12\r\n\r\n") + JSON),
        NETWORK,
    ),
    Case(
        "header_without_colon",
        raw(ok_head("NoColon\r\nContent-Length: 12\r\n\r\n") + JSON),
        NETWORK,
    ),
    Case("header_space_before_colon", raw(ok_head("Content-Length : 12\r\n\r\n") + JSON), NETWORK),
    Case(
        "header_value_nul",
        raw(ok_head("X-A: a\x00b\r\nContent-Length: 12\r\n\r\n") + JSON),
        NETWORK,
    ),
    Case(
        "header_value_latin1", raw(ok_head("X-A: caf\xe9\r\nContent-Length: 12\r\n\r\n") + JSON), OK
    ),
    # -- resets, closes and silence -------------------------------------------------------
    Case("close_before_answer", raw(Close()), NETWORK, method="POST", body=b"{}"),
    Case("reset_before_answer", raw(Reset()), NETWORK, method="POST", body=b"{}"),
    Case("reset_mid_head", raw(b"HTTP/1.1 200 OK\r\nCont", Reset()), NETWORK),
    Case("silence", raw(Hang()), NETWORK, slow=True, method="POST", body=b"{}"),
    Case(
        "silence_mid_body",
        raw(ok_head("Content-Length: 100\r\n\r\nabc"), Hang()),
        NETWORK,
        slow=True,
    ),
    # -- content codings ------------------------------------------------------------------
    Case("gzip", raw(response(200, _gzip(JSON), [("Content-Encoding", "gzip")])), OK),
    Case("x_gzip", raw(response(200, _gzip(JSON), [("Content-Encoding", "x-gzip")])), OK),
    Case("deflate_zlib", raw(response(200, _deflate(JSON), [("Content-Encoding", "deflate")])), OK),
    Case(
        "deflate_raw",
        raw(response(200, _deflate(JSON, wrapped=False), [("Content-Encoding", "deflate")])),
        OK,
    ),
    Case(
        "gzip_two_members",
        raw(response(200, _gzip(b'{"ok"') + _gzip(b": true}"), [("Content-Encoding", "gzip")])),
        OK,
    ),
    Case(
        "gzip_chunked",
        raw(
            ok_head("Content-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n")
            + _chunked(_gzip(JSON))
        ),
        OK,
    ),
    Case(
        "gzip_then_identity",
        raw(response(200, _gzip(JSON), [("Content-Encoding", "gzip, identity")])),
        OK,
    ),
    Case(
        "gzip_twice",
        raw(response(200, _gzip(_gzip(JSON)), [("Content-Encoding", "gzip, gzip")])),
        OK,
    ),
    Case(
        "gzip_garbage",
        raw(response(200, b"not gzip at all", [("Content-Encoding", "gzip")])),
        NETWORK,
    ),
    Case(
        "gzip_truncated",
        raw(response(200, _gzip(JSON)[:-6], [("Content-Encoding", "gzip")])),
        NETWORK,
    ),
    Case(
        "gzip_five_times",
        raw(response(200, _gzip_times(JSON, 5), [("Content-Encoding", ", ".join(["gzip"] * 5))])),
        OK,
    ),
    # Past MAX_CODINGS: refused, where a thousand once exhausted the stack (a raw
    # RecursionError) on every backend.
    Case(
        "gzip_six_times",
        raw(response(200, _gzip_times(JSON, 6), [("Content-Encoding", ", ".join(["gzip"] * 6))])),
        NETWORK,
    ),
    Case(
        "coding_listed_a_thousand_times",
        raw(response(200, _gzip(JSON), [("Content-Encoding", ",".join(["gzip"] * 1000))])),
        NETWORK,
    ),
    Case("gzip_empty_body", raw(response(204, b"", [("Content-Encoding", "gzip")])), Ok(204)),
    Case(
        "unasked_coding_passes_through",
        raw(response(200, b"\x1b\x00", [("Content-Encoding", "br")])),
        Ok(200, b"\x1b\x00"),
    ),
    # -- size -----------------------------------------------------------------------------
    Case(
        "announces_2_gib",
        raw(ok_head("Content-Length: 2147483648\r\n\r\n") + b"x" * 1000, Hang()),
        TOO_LARGE,
    ),
    Case(
        "chunked_past_cap",
        raw(
            ok_head("Transfer-Encoding: chunked\r\n\r\n"),
            *[b"10000\r\n" + b"x" * 65536 + b"\r\n"] * 40,
            Hang(),
        ),
        TOO_LARGE,
    ),
    Case("close_delimited_past_cap", raw(ok_head("\r\n") + b"x" * (CAP + 1), Close()), TOO_LARGE),
    Case("gzip_bomb", raw(response(200, BOMB, [("Content-Encoding", "gzip")])), TOO_LARGE),
    Case(
        "gzip_bomb_chunked",
        raw(
            ok_head("Content-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n") + _chunked(BOMB)
        ),
        TOO_LARGE,
    ),
    Case("exactly_the_cap", raw(response(200, b"x" * CAP)), Ok(200, b"x" * CAP)),
    # -- what follows a response ----------------------------------------------------------
    Case(
        "garbage_after_body",
        raw(response(200, JSON) + b"GARBAGE\r\n\r\n"),
        OK,
        aiohttp=AFTER_RESPONSE,
    ),
    Case("second_response_unasked", raw(response(200, JSON) + response(200, b"stale")), OK),
    Case(
        "body_longer_than_length",
        raw(ok_head("Content-Length: 2\r\n\r\n") + b"okstale"),
        Ok(200, b"ok"),
        aiohttp=AFTER_RESPONSE,
    ),
    # -- statuses the transport hands over as they are -----------------------------------
    Case("redirect_not_followed", raw(response(302, b"", [("Location", "/elsewhere")])), Ok(302)),
    Case("proxy_auth_status", raw(response(407, b"no")), Ok(407, b"no")),
    Case("server_error", raw(response(503, b"busy", [("Retry-After", "1")])), Ok(503, b"busy")),
    Case("set_cookie_is_not_kept", raw(response(200, JSON, [("Set-Cookie", "a=b; Path=/")])), OK),
]
