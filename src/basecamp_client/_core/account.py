"""Base classes of the generated account clients (``client.for_account(id)``).

The generated subclasses add one lazily created attribute per service and the
operation registry; dispatch by operation id lives here.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any, ClassVar, TypeVar

from .errors import UsageError
from .runner import Runner, SyncPaginator, SyncWrappedPaginator
from .session import AccountSession
from .unset import UNSET, Unset

A = TypeVar("A", bound="AsyncAccountBase")
S = TypeVar("S", bound="SyncAccountBase")


def _lookup(registry: Mapping[str, tuple[str, str]], operation_id: str) -> tuple[str, str]:
    try:
        return registry[operation_id]
    except KeyError:
        raise UsageError(f"unknown operation id {operation_id!r}") from None


class AsyncAccountBase:
    """Every service of one account, as attributes (``account.todos``, ``account.projects``)."""

    #: operation id -> (service attribute, method name); filled in by the generator.
    OPERATIONS: ClassVar[Mapping[str, tuple[str, str]]] = {}

    def __init__(self, session: AccountSession) -> None:
        self._session = session

    @property
    def account_id(self) -> int:
        return self._session.account_id

    def __repr__(self) -> str:
        return f"<{type(self).__name__} account_id={self.account_id}>"

    def with_options(self: A, *, deadline: float | Unset | None = UNSET) -> A:
        """This account with per-call options; the original is unchanged.

        ``deadline``: seconds each call through the returned account may take in all —
        attempts, retries, backoff, pauses (``None``: no bound). For a list it bounds
        each page, for a download the whole transfer.
        ``await account.with_options(deadline=5).projects.get(project_id=1)``
        """
        return type(self)(self._session.with_options(deadline=deadline))

    async def call(self, operation_id: str, /, **arguments: Any) -> Any:
        """Run an operation by its id: ``await account.call("GetProject", project_id=1)``.

        List operations are collected into a list (a wrapped list into its object).
        """
        service, method = _lookup(self.OPERATIONS, operation_id)
        result = getattr(getattr(self, service), method)(**arguments)
        if inspect.isawaitable(result):
            result = await result
        return result


class SyncAccountBase:
    """The sync twin of :class:`AsyncAccountBase`."""

    OPERATIONS: ClassVar[Mapping[str, tuple[str, str]]] = {}

    def __init__(self, async_account: AsyncAccountBase, runner: Runner) -> None:
        self._async = async_account
        self._runner = runner

    @property
    def account_id(self) -> int:
        return self._async.account_id

    def __repr__(self) -> str:
        return f"<{type(self).__name__} account_id={self.account_id}>"

    def with_options(self: S, *, deadline: float | Unset | None = UNSET) -> S:
        """This account with per-call options (see :meth:`AsyncAccountBase.with_options`)."""
        return type(self)(self._async.with_options(deadline=deadline), self._runner)

    def call(self, operation_id: str, /, **arguments: Any) -> Any:
        """Run an operation by its id; list operations are collected into a list."""
        service, method = _lookup(self.OPERATIONS, operation_id)
        result = getattr(getattr(self, service), method)(**arguments)
        if isinstance(result, (SyncPaginator, SyncWrappedPaginator)):
            return result.collect()
        return result
