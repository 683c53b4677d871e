"""The sync facade mirrors the async surface exactly: same services, same methods,
same parameters (names, kinds, defaults, annotations); only paginators and edit
contexts differ."""

from __future__ import annotations

import importlib
import inspect
from functools import cached_property

from basecamp_client._generated.account import OPERATIONS, AsyncAccount, SyncAccount
from codegen.generate import api_from

from .support import OUR_SPEC

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


def _methods(cls: type) -> dict[str, inspect.Signature]:
    return {
        name: inspect.signature(fn)
        for name, fn in vars(cls).items()
        if inspect.isfunction(fn) and not name.startswith("_")
    }


def test_same_services() -> None:
    async_services, sync_services = _services(AsyncAccount), _services(SyncAccount)
    assert async_services.keys() == sync_services.keys()
    assert len(async_services) > 40
    for name, annotation in async_services.items():
        assert annotation == "Async" + sync_services[name]


def test_same_methods_and_parameters() -> None:
    checked = 0
    for name in _services(AsyncAccount):
        a_mod = importlib.import_module(f"basecamp_client._generated.services.{name}")
        s_mod = importlib.import_module(f"basecamp_client._generated.sync.{name}")
        async_cls = getattr(a_mod, _services(AsyncAccount)[name])
        sync_cls = getattr(s_mod, _services(SyncAccount)[name])
        async_methods, sync_methods = _methods(async_cls), _methods(sync_cls)
        assert async_methods.keys() == sync_methods.keys(), name
        for method, a_sig in async_methods.items():
            s_sig = sync_methods[method]
            assert list(a_sig.parameters.values()) == list(s_sig.parameters.values()), method
            for param in list(a_sig.parameters.values())[1:]:
                assert param.kind is inspect.Parameter.KEYWORD_ONLY, (name, method, param)
            a_ret, s_ret = a_sig.return_annotation, s_sig.return_annotation
            twin = a_ret.replace("AsyncPaginator[", "SyncPaginator[").replace(
                "AsyncEdit[", "SyncEdit["
            )
            assert twin == s_ret, method
            async_fn = getattr(async_cls, method)
            plain = a_ret.startswith(("AsyncPaginator[", "AsyncEdit["))
            assert inspect.iscoroutinefunction(async_fn) != plain
            assert not inspect.iscoroutinefunction(getattr(sync_cls, method))
            if (name, method) in SAFE_WRITES:
                continue
            assert (name, method) in OPERATIONS.values()
            checked += 1
    assert checked == len(OPERATIONS)
    assert len(SAFE_WRITES) == 12  # update and edit beside six replace-semantics writes
