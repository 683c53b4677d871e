"""The hand-written core every generated service stands on.

Generated code imports only the names re-exported here.
"""

from .account import AsyncAccountBase, SyncAccountBase
from .decoding import (
    Memo,
    ObjectDecoder,
    format_date,
    format_datetime,
    iso_date,
    iso_datetime,
    json_kind,
    parse_date,
    parse_datetime,
)
from .edit import AsyncEdit, EditDraft, SyncEdit
from .errors import DecodeError
from .nulls import NULL, Null, create_body
from .operation import Operation, PaginationSpec, RetrySpec, WriteSemantics
from .pagination import AsyncPaginator, AsyncWrappedPaginator, ListResult
from .progress import ProgressCallback
from .runner import Runner, SyncPaginator, SyncWrappedPaginator
from .safe_write import MergeField, MergeSpec, merge_update
from .session import AccountSession
from .sources import UploadSource
from .unset import UNSET, Unset

__all__ = [
    "NULL",
    "UNSET",
    "AccountSession",
    "AsyncAccountBase",
    "AsyncEdit",
    "AsyncPaginator",
    "AsyncWrappedPaginator",
    "DecodeError",
    "EditDraft",
    "ListResult",
    "Memo",
    "MergeField",
    "MergeSpec",
    "Null",
    "ObjectDecoder",
    "Operation",
    "PaginationSpec",
    "ProgressCallback",
    "RetrySpec",
    "Runner",
    "SyncAccountBase",
    "SyncEdit",
    "SyncPaginator",
    "SyncWrappedPaginator",
    "Unset",
    "UploadSource",
    "WriteSemantics",
    "create_body",
    "format_date",
    "format_datetime",
    "iso_date",
    "iso_datetime",
    "json_kind",
    "merge_update",
    "parse_date",
    "parse_datetime",
]
