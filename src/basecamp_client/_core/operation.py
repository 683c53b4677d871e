"""Operation descriptors: everything the core needs to know about one API operation.

The generator writes one :class:`Operation` per operation in the description as a
module-level constant of its service module; the core reads retry, idempotency and
pagination rules from it and hooks report its ``id``. Descriptors carry no behaviour.
"""

from __future__ import annotations

from typing import Literal

import attrs

BodyKind = Literal["json", "binary", "multipart"]


@attrs.frozen(slots=True)
class RetrySpec:
    """How often an operation may be attempted and on which statuses it retries.

    ``max_attempts`` counts the first attempt too. ``retry_on`` lists the statuses the
    description marks retryable; the core adds its own safety rules on top (a
    non-idempotent POST is never replayed after a 5xx).
    """

    max_attempts: int = 3
    base_delay: float = 1.0
    retry_on: frozenset[int] = frozenset({429, 500, 502, 503, 504})


@attrs.frozen(slots=True)
class PaginationSpec:
    """A list operation paged with ``Link: <…>; rel="next"``.

    ``items_key`` is set when a page is an object wrapping the list (``{"events": [...]}``)
    rather than a bare JSON array. ``total_count_header`` names the header carrying the
    total number of items, when the API sends one.
    """

    items_key: str | None = None
    total_count_header: str | None = "X-Total-Count"
    max_page_size: int | None = None


@attrs.frozen(slots=True)
class WriteSemantics:
    """A write that replaces the whole record: omitted fields are cleared.

    ``preserved_on_omission`` lists fields the API keeps when they are left out.
    """

    mode: str = "replace"
    clears_omitted: bool = True
    preserved_on_omission: frozenset[str] = frozenset()


@attrs.frozen(slots=True)
class Operation:
    """One API operation.

    ``path`` is relative to the account (``/projects/{projectId}``) unless
    ``account_scoped`` is false, in which case it is relative to the base URL.
    ``path_params`` gives the placeholders in ``path`` in order.
    """

    id: str
    method: str
    path: str
    path_params: tuple[str, ...] = ()
    idempotent: bool = False
    retry: RetrySpec = RetrySpec()
    pagination: PaginationSpec | None = None
    body: BodyKind | None = None
    multipart_field: str | None = None
    success_status: int = 200
    write_semantics: WriteSemantics | None = None
    account_scoped: bool = True

    @property
    def is_safe_to_replay(self) -> bool:
        """GETs and operations the description marks idempotent may be re-sent freely."""
        return self.method in ("GET", "HEAD", "PUT", "DELETE") or self.idempotent
