"""The intermediate representation the templates render: plain, frozen data.

Everything a template needs is decided here (Python names, types as Python text,
collisions resolved), so templates only lay text out.
"""

from __future__ import annotations

from typing import Literal

import attrs

TypeKind = Literal[
    "str", "int", "float", "bool", "datetime", "date", "bytes", "any", "model", "list", "dict"
]


@attrs.frozen
class TypeRef:
    """A schema's Python type. ``model`` names a generated class; ``item`` is the
    element of a ``list`` or the value of a ``dict``."""

    kind: TypeKind
    nullable: bool = False
    model: str | None = None
    item: TypeRef | None = None
    enum: tuple[str, ...] = ()

    def models(self) -> set[str]:
        """Every generated class this type mentions."""
        found = {self.model} if self.model else set()
        if self.item is not None:
            found |= self.item.models()
        return found

    def with_nullable(self, nullable: bool) -> TypeRef:
        return attrs.evolve(self, nullable=nullable)


@attrs.frozen
class Field:
    """One property of a model."""

    name: str  # Python attribute
    wire: str  # JSON key
    type: TypeRef
    required: bool
    description: str = ""
    secret: bool = False  # hidden from repr (x-basecamp-sensitive, category credential)
    deprecated: bool = False


@attrs.frozen
class Model:
    """One attrs class; ``module`` is its module under ``models/``."""

    name: str
    module: str
    fields: tuple[Field, ...]
    description: str = ""
    schema_name: str = ""  # the component it came from, for tests and error messages

    def dependencies(self) -> set[str]:
        found: set[str] = set()
        for field in self.fields:
            found |= field.type.models()
        return found


@attrs.frozen
class Param:
    """One keyword argument of a service method."""

    name: str  # Python keyword argument
    wire: str  # placeholder, query parameter or body property name
    location: Literal["path", "query", "body"]
    type: TypeRef
    required: bool
    description: str = ""
    deprecated: bool = False
    secret: bool = False  # a credential: its value never appears in a message


@attrs.frozen
class Retry:
    max_attempts: int
    base_delay: float
    retry_on: tuple[int, ...]


@attrs.frozen
class Pagination:
    items_key: str | None
    total_count_header: str | None
    max_page_size: int | None


@attrs.frozen
class WriteSemantics:
    mode: str
    clears_omitted: bool
    preserved_on_omission: tuple[str, ...]


@attrs.frozen
class MergeField:
    """One field of a replace body, and where the record read back shows it
    (``x-sdk-merge``)."""

    param: Param  # the replace method's keyword argument
    source: str  # as the description writes it (``assignees[].id``); "" when write-only
    read: tuple[str, ...]  # attribute path on the read model
    each: tuple[str, ...]  # with ``read`` naming a list: the path within each item
    preserved: bool  # the API keeps it when omitted
    empty: str | None  # Python literal that clears a preserved field


@attrs.frozen
class Merge:
    """How ``update``/``edit`` rebuild a replace operation's body from a read."""

    read_op: str  # operation id of the read, on the same service
    read_method: str  # its method name
    read_path: tuple[tuple[str, str], ...]  # (read argument, replace argument) pairs
    record: str  # the read model's class
    draft: str  # the generated draft class
    fields: tuple[MergeField, ...]


ResponseKind = Literal["model", "list", "paginated", "none", "value"]
BodyKind = Literal["json", "binary", "multipart"]


@attrs.frozen
class Operation:
    """One API operation as one method on one service."""

    id: str
    service: str
    method_name: str
    http_method: str  # upper case
    path: str  # relative to the account
    path_params: tuple[str, ...]  # placeholder names, in order of appearance
    params: tuple[Param, ...]  # path, then required, then optional arguments
    response_kind: ResponseKind
    response_type: TypeRef | None  # the item type for list and paginated responses
    success_status: int
    summary: str = ""
    description: str = ""
    body_kind: BodyKind | None = None
    body_required: bool = False
    multipart_field: str | None = None
    # The query parameter a raw-bytes upload sends its file name in (``?name=``).
    name_query: str | None = None
    body_param: str | None = None  # a JSON body that is not an object is one argument
    idempotent: bool = False
    retry: Retry | None = None
    pagination: Pagination | None = None
    # A paginated list the API wraps in an object beside other fields: that object's model
    # and the attribute of the list in it (``PersonProgress``, ``events``).
    page_wrapper: TypeRef | None = None
    page_field: str | None = None
    write_semantics: WriteSemantics | None = None
    merge: Merge | None = None  # replace-semantics writes with ``x-sdk-merge``
    deprecated: bool = False
    account_scoped: bool = True

    @property
    def constant(self) -> str:
        """Name of the module-level ``Operation`` descriptor."""
        from .names import upper_snake

        return upper_snake(self.id)

    @property
    def is_upload(self) -> bool:
        return self.body_kind in ("binary", "multipart")

    @property
    def is_create(self) -> bool:
        """A POST that creates something from a JSON object (``201 Created``)."""
        return (
            self.http_method == "POST"
            and self.success_status == 201
            and self.body_kind == "json"
            and self.body_param is None
            and any(p.location == "body" for p in self.params)
        )

    def models(self) -> set[str]:
        found: set[str] = set()
        for param in self.params:
            found |= param.type.models()
        if self.response_type is not None:
            found |= self.response_type.models()
        if self.page_wrapper is not None:
            found |= self.page_wrapper.models()
        return found


@attrs.frozen
class Service:
    name: str  # attribute on the account (``card_tables``)
    class_base: str  # ``CardTables``: classes are ``Async<base>Service`` / ``<base>Service``
    description: str
    operations: tuple[Operation, ...]

    @property
    def summary(self) -> str:
        """The first line of the description (the service's one-line help)."""
        return (self.description or f"The {self.name} service.").split("\n")[0]

    @property
    def async_class(self) -> str:
        return f"Async{self.class_base}Service"

    @property
    def sync_class(self) -> str:
        return f"{self.class_base}Service"

    def models(self) -> set[str]:
        found: set[str] = set()
        for op in self.operations:
            found |= op.models()
        return found


@attrs.frozen
class Api:
    """The whole description, ready to render."""

    title: str
    version: str
    services: tuple[Service, ...]
    models: tuple[Model, ...]

    @property
    def operations(self) -> tuple[Operation, ...]:
        return tuple(op for service in self.services for op in service.operations)

    def model(self, name: str) -> Model:
        for model in self.models:
            if model.name == name:
                return model
        raise KeyError(name)
