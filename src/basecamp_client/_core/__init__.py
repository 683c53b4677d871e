"""The hand-written core every generated service stands on.

Generated code imports only the names re-exported here.
"""

from .account import AsyncAccountBase, SyncAccountBase
from .decoding import (
    format_date,
    format_datetime,
    iso_date,
    iso_datetime,
    parse_date,
    parse_datetime,
)
from .operation import Operation, PaginationSpec, RetrySpec, WriteSemantics
from .pagination import AsyncPaginator, ListResult
from .runner import Runner, SyncPaginator
from .session import AccountSession
from .unset import UNSET, Unset

__all__ = [
    "UNSET",
    "AccountSession",
    "AsyncAccountBase",
    "AsyncPaginator",
    "ListResult",
    "Operation",
    "PaginationSpec",
    "RetrySpec",
    "Runner",
    "SyncAccountBase",
    "SyncPaginator",
    "Unset",
    "WriteSemantics",
    "format_date",
    "format_datetime",
    "iso_date",
    "iso_datetime",
    "parse_date",
    "parse_datetime",
]
