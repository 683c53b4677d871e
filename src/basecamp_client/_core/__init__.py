"""The hand-written core every generated service stands on.

Generated code imports only the names re-exported here.
"""

from .account import AsyncAccountBase, SyncAccountBase
from .decoding import (
    ListDecoder,
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
from .kinds import (
    ANY,
    BOOL,
    BYTES,
    DATE,
    DATETIME,
    FLOAT,
    ID,
    INT,
    STR,
    TEXT,
    Kind,
    nullable,
    secret,
)
from .model_kinds import FieldKinds, dict_of, list_of, model_of
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
    "ANY",
    "BOOL",
    "BYTES",
    "DATE",
    "DATETIME",
    "FLOAT",
    "ID",
    "INT",
    "NULL",
    "STR",
    "TEXT",
    "UNSET",
    "AccountSession",
    "AsyncAccountBase",
    "AsyncEdit",
    "AsyncPaginator",
    "AsyncWrappedPaginator",
    "DecodeError",
    "EditDraft",
    "FieldKinds",
    "Kind",
    "ListDecoder",
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
    "dict_of",
    "format_date",
    "format_datetime",
    "iso_date",
    "iso_datetime",
    "json_kind",
    "list_of",
    "merge_update",
    "model_of",
    "nullable",
    "parse_date",
    "parse_datetime",
    "secret",
]
