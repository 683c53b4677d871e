"""The sync facade mirrors the async surface exactly: same services, same methods,
same parameters (names, kinds, defaults, annotations); only paginators, streams and
edit contexts differ. Hand-written additions (mixins of generated services, extra account services
from ``codegen/extensions.yaml``) are held to the same rules."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from functools import cached_property

import pytest

from basecamp_client import AsyncBasecamp, Basecamp
from basecamp_client._generated.account import (
    OPERATIONS,
    UPLOAD_OPERATIONS,
    AsyncAccount,
    SyncAccount,
)
from codegen.generate import api_from

from .support import OUR_SPEC

UA = "mirror tests (tests@example.com)"

# Merge-safe helpers beside each replace-semantics write: not operations of their own.
SAFE_WRITES = {
    (op.service, method)
    for op in api_from(OUR_SPEC).operations
    if op.merge is not None
    for method in ("update", "edit")
}


def _services(cls: type) -> dict[str, str]:
    """Service attribute → the class name its property is annotated with."""
    return {
        name: inspect.signature(attr.func).return_annotation
        for name, attr in vars(cls).items()
        if isinstance(attr, cached_property)
    }


def _methods(cls: type) -> dict[str, tuple[type, inspect.Signature]]:
    """Public methods, inherited ones (mixins) included: name → (defining class, signature)."""
    found: dict[str, tuple[type, inspect.Signature]] = {}
    for klass in reversed(cls.__mro__[:-1]):
        for name, fn in vars(klass).items():
            if inspect.isfunction(fn) and not name.startswith("_"):
                found[name] = (klass, inspect.signature(fn))
    return found


@pytest.fixture(scope="module")
def accounts() -> Iterator[tuple[AsyncAccount, SyncAccount]]:
    client = AsyncBasecamp(access_token="t", user_agent=UA)
    sync = Basecamp(access_token="t", user_agent=UA)
    try:
        yield client.for_account(1), sync.for_account(1)
    finally:
        sync.close()


def _sync_return(annotation: str) -> str:
    twin = annotation.replace("AsyncPaginator[", "SyncPaginator[")
    twin = twin.replace("AsyncWrappedPaginator[", "SyncWrappedPaginator[")
    return twin.replace("AsyncEdit[", "SyncEdit[").replace("Async", "")


def test_same_services() -> None:
    async_services, sync_services = _services(AsyncAccount), _services(SyncAccount)
    assert async_services.keys() == sync_services.keys()
    assert len(async_services) > 40
    assert "downloads" in async_services  # a hand-written service, wired by the generator
    for name, annotation in async_services.items():
        assert annotation == "Async" + sync_services[name]


def test_same_methods_and_parameters(accounts: tuple[AsyncAccount, SyncAccount]) -> None:
    async_account, sync_account = accounts
    operations = set(OPERATIONS.values())
    uploads = {OPERATIONS[op_id] for op_id in UPLOAD_OPERATIONS}
    checked: set[tuple[str, str]] = set()
    hand_written: set[tuple[str, str]] = set()
    for name in _services(AsyncAccount):
        async_cls = type(getattr(async_account, name))
        sync_cls = type(getattr(sync_account, name))
        assert async_cls.__name__ == "Async" + sync_cls.__name__
        async_methods, sync_methods = _methods(async_cls), _methods(sync_cls)
        assert async_methods.keys() == sync_methods.keys(), name
        for method, (owner, a_sig) in async_methods.items():
            s_owner, s_sig = sync_methods[method]
            assert list(a_sig.parameters.values()) == list(s_sig.parameters.values()), method
            a_ret, s_ret = a_sig.return_annotation, s_sig.return_annotation
            assert _sync_return(a_ret) == s_ret, method
            async_fn = getattr(async_cls, method)
            assert inspect.iscoroutinefunction(async_fn) != a_ret.startswith("Async"), method
            assert not inspect.iscoroutinefunction(getattr(sync_cls, method))
            generated = owner.__module__.startswith("basecamp_client._generated.")
            assert generated == s_owner.__module__.startswith("basecamp_client._generated.")
            params = list(a_sig.parameters.values())[1:]
            positional = [p.name for p in params if p.kind is not p.KEYWORD_ONLY]
            if generated:
                # Only a file upload's source may be passed by position.
                assert positional == (["source"] if (name, method) in uploads else []), method
            else:
                # What a download is of, and where it goes; everything else by keyword.
                assert set(positional) <= {"target", "path"}, method
            if generated and (name, method) in SAFE_WRITES:
                continue
            if generated:
                assert (name, method) in operations
                checked.add((name, method))
            else:
                hand_written.add((name, method))
    assert checked == operations
    assert {("uploads", "upload_file"), ("downloads", "to_file")} <= hand_written
    assert len(SAFE_WRITES) == 12  # update and edit beside six replace-semantics writes


def test_mixins_keep_services_slotted(accounts: tuple[AsyncAccount, SyncAccount]) -> None:
    for service in (accounts[0].uploads, accounts[1].uploads):
        bases = type(service).__mro__[1:-1]
        assert bases, "the uploads services inherit their hand-written mixin"
        assert all(vars(base).get("__slots__") == () for base in bases)
        assert not hasattr(service, "__dict__")
