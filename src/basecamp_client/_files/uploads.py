"""``account.uploads.upload_file``: a file from disk into Docs & Files in one call.

Mixins of the generated uploads services (wired by ``codegen/extensions.yaml``).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from .._core.errors import DecodeError
from .._core.kinds import BOOL, ID, INT, STR
from .._core.model_kinds import list_of
from .._core.progress import ProgressCallback
from .._core.unset import UNSET, Unset

_ID_LIST = list_of(INT)

if TYPE_CHECKING:
    from .._core.runner import Runner
    from .._core.session import AccountSession
    from .._generated.models.upload import Upload
    from .._generated.services.uploads import AsyncUploadsService


class AsyncUploadsFiles:
    """What :class:`AsyncUploadsService` adds to the operations of the description."""

    __slots__ = ()
    _session: AccountSession

    async def upload_file(
        self,
        *,
        vault_id: int,
        path: str | os.PathLike[str],
        name: str | None = None,
        content_type: str | None = None,
        progress: ProgressCallback | None = None,
        description: str | Unset = UNSET,
        base_name: str | Unset = UNSET,
        subscriptions: list[int] | Unset = UNSET,
        visible_to_clients: bool | Unset = UNSET,
    ) -> Upload:
        """Upload the file at ``path`` and file it into the Docs & Files folder
        ``vault_id``: ``attachments.upload`` then ``uploads.create``, in one call.

        ``name`` (default: the file's own name), ``content_type`` (default: a guess from
        the name) and ``progress`` are as for ``attachments.upload``; the rest as for
        ``uploads.create``. The file is streamed, never read whole into memory.
        """
        from .._generated.services.attachments import AsyncAttachmentsService
        from .._generated.services.uploads import CREATE_UPLOAD, AsyncUploadsService

        # The second step's arguments, checked before the first step sends anything.
        ID.check(CREATE_UPLOAD, "vault_id", vault_id)
        STR.check(CREATE_UPLOAD, "description", description)
        STR.check(CREATE_UPLOAD, "base_name", base_name)
        _ID_LIST.check(CREATE_UPLOAD, "subscriptions", subscriptions)
        BOOL.check(CREATE_UPLOAD, "visible_to_clients", visible_to_clients)
        attachment = await AsyncAttachmentsService(self._session).upload(
            path, name=name, content_type=content_type, progress=progress
        )
        sgid = attachment.attachable_sgid
        if not sgid:
            raise DecodeError(
                "CreateAttachment: the response has no attachable_sgid to file the upload with",
                operation_id="CreateAttachment",
            )
        return await AsyncUploadsService(self._session).create(
            vault_id=vault_id,
            attachable_sgid=sgid,
            description=description,
            base_name=base_name,
            subscriptions=subscriptions,
            visible_to_clients=visible_to_clients,
        )


class UploadsFiles:
    """The sync twin of :class:`AsyncUploadsFiles`."""

    __slots__ = ()
    _a: AsyncUploadsService
    _runner: Runner

    def upload_file(
        self,
        *,
        vault_id: int,
        path: str | os.PathLike[str],
        name: str | None = None,
        content_type: str | None = None,
        progress: ProgressCallback | None = None,
        description: str | Unset = UNSET,
        base_name: str | Unset = UNSET,
        subscriptions: list[int] | Unset = UNSET,
        visible_to_clients: bool | Unset = UNSET,
    ) -> Upload:
        """Upload the file at ``path`` into the folder ``vault_id`` (see
        :meth:`AsyncUploadsFiles.upload_file`)."""
        return self._runner.run(
            self._a.upload_file,
            vault_id=vault_id,
            path=path,
            name=name,
            content_type=content_type,
            progress=progress,
            description=description,
            base_name=base_name,
            subscriptions=subscriptions,
            visible_to_clients=visible_to_clients,
        )
