"""Types for annotating code that moves files with the client (see ``docs/files.md``).

``account.attachments.upload(source, …)`` takes an :data:`UploadSource`; uploads and
downloads report to a :data:`ProgressCallback`; ``account.downloads`` takes a
:data:`DownloadTarget` and streams through :class:`AsyncDownloadStream` /
:class:`DownloadStream`.
"""

from __future__ import annotations

from ._core.downloads import DownloadTarget, SupportsDownloadUrl
from ._core.progress import ProgressCallback
from ._core.sources import BinaryReadable, UploadSource
from ._files.downloads import (
    DEFAULT_MAX_BYTES,
    AsyncDownloadsService,
    AsyncDownloadStream,
    DownloadsService,
    DownloadStream,
)

__all__ = [
    "DEFAULT_MAX_BYTES",
    "AsyncDownloadStream",
    "AsyncDownloadsService",
    "BinaryReadable",
    "DownloadStream",
    "DownloadTarget",
    "DownloadsService",
    "ProgressCallback",
    "SupportsDownloadUrl",
    "UploadSource",
]
