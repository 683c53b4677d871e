"""Attachments (raw uploads), Docs & Files vaults, documents, uploads and downloads."""

from __future__ import annotations

import posixpath
import re
from typing import Any

from .._call import Call, Listing, Reply
from .._render import Urls
from .._router import BINARY, Router
from .._storage import IN_PROCESS_STORAGE_ORIGIN, signed_url
from .._store import Blob, Record, Store
from .._wire import HttpError, dumps
from ._common import attachment_sgids, new_recording

MAX_UPLOAD = 512 * 1024 * 1024
_UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\/]')


def clean_filename(name: str) -> str:
    return _UNSAFE.sub("_", posixpath.basename(name.replace("\\", "/"))).strip()


def store_upload(call: Call) -> Blob:
    """Validate a raw-bytes upload (``?name=…`` plus body) and keep its bytes."""
    name = clean_filename(call.q("name") or "")
    if not name:
        raise HttpError(422, "Name can't be blank", errors={"name": ["can't be blank"]})
    if not call.raw:
        raise HttpError(422, "The file is empty", errors={"file": ["can't be empty"]})
    if len(call.raw) > MAX_UPLOAD:
        raise HttpError(413, "The file is too large")
    content_type = call.request.headers.get("content-type", "").split(";")[0].strip()
    return call.store.add_blob(
        filename=name,
        content_type=content_type or "application/octet-stream",
        data=call.raw,
        creator_id=call.me.id,
        when=call.store.now(),
    )


def attachment_json(blob: Blob, urls: Urls) -> dict[str, Any]:
    value: dict[str, Any] = {
        "id": blob.id,
        "attachable_sgid": blob.sgid,
        "sgid": blob.sgid,
        "byte_size": blob.byte_size,
        "content_type": blob.content_type,
        "filename": blob.filename,
        "download_url": urls.blob_download(blob),
        "previewable": blob.width is not None,
    }
    if blob.width is not None:
        value["width"] = blob.width
        value["height"] = blob.height
        value["preview_url"] = urls.blob_preview(blob, "full")
        value["thumbnail_url"] = urls.blob_preview(blob, "thumbnail")
    return value


def create_attachment(call: Call) -> Reply:
    blob = store_upload(call)
    return Reply(201, body=dumps(attachment_json(blob, call.urls)))


def _redirect(call: Call, blob: Blob) -> Reply:
    origin = call.request.storage_origin or IN_PROCESS_STORAGE_ORIGIN
    url = signed_url(call.store, origin, blob, now=call.store.clock.time())
    return Reply(302, headers=[("Location", url), ("Cache-Control", "no-store")])


def download_blob(call: Call) -> Reply:
    blob = call.store.blobs_by_key.get(call.params["key"])
    if blob is None:
        raise HttpError(404, "File not found")
    return _redirect(call, blob)


def preview_blob(call: Call) -> Reply:
    blob = call.store.blobs_by_key.get(call.params["key"])
    if blob is None or blob.width is None or call.params["variant"] not in ("full", "thumbnail"):
        raise HttpError(404, "Preview not found")
    return _redirect(call, blob)


def download_upload(call: Call) -> Reply:
    upload = call.recording(call.id("upload_id"), "Upload")
    return _redirect(call, call.store.blobs_by_sgid[upload.data["sgid"]])


# ------------------------------------------------------------------------- vaults


def new_vault(
    store: Store, parent: Record, title: str, *, creator_id: int, when: float | None = None
) -> Record:
    return new_recording(
        store,
        "Vault",
        bucket_id=parent.bucket_id,
        parent_id=parent.id,
        creator_id=creator_id,
        data={"title": title},
        when=when,
        relation="vaults",
    )


def new_document(
    store: Store,
    vault: Record,
    title: str,
    content: str,
    *,
    creator_id: int,
    when: float | None = None,
) -> Record:
    data = {"title": title, "content": content, "attachments": attachment_sgids(store, content)}
    return new_recording(
        store,
        "Document",
        bucket_id=vault.bucket_id,
        parent_id=vault.id,
        creator_id=creator_id,
        data=data,
        when=when,
        relation="documents",
    )


def new_upload(
    store: Store,
    vault: Record,
    blob: Blob,
    *,
    creator_id: int,
    description: str = "",
    base_name: str | None = None,
    when: float | None = None,
) -> Record:
    data = {
        "sgid": blob.sgid,
        "filename": _rename(blob.filename, base_name),
        "description": description,
        "attachments": attachment_sgids(store, description),
    }
    return new_recording(
        store,
        "Upload",
        bucket_id=vault.bucket_id,
        parent_id=vault.id,
        creator_id=creator_id,
        data=data,
        when=when,
        relation="uploads",
    )


def _rename(filename: str, base_name: str | None) -> str:
    if not base_name:
        return filename
    _, ext = posixpath.splitext(filename)
    return clean_filename(base_name) + ext


def _vault(call: Call, name: str = "vault_id") -> Record:
    return call.recording(call.id(name), "Vault")


def _children(call: Call, relation: str) -> Listing:
    vault = _vault(call)
    status = call.q_status()
    return call.listing([r for r in call.store.iter_kids(vault.id, relation) if r.status == status])


def get_vault(call: Call) -> Reply:
    return call.ok(_vault(call))


def update_vault(call: Call) -> Reply:
    vault = _vault(call)
    form = call.form()
    title = form.string("title", required=True)
    form.check()
    vault.data["title"] = title
    call.store.touch(vault, shared=True)
    return call.ok(vault)


def list_vaults(call: Call) -> Listing:
    return _children(call, "vaults")


def create_vault(call: Call) -> Reply:
    parent = _vault(call)
    form = call.form()
    title = form.string("title", required=True)
    form.check()
    assert title is not None
    return call.ok(new_vault(call.store, parent, title, creator_id=call.me.id), 201)


def list_documents(call: Call) -> Listing:
    return _children(call, "documents")


def create_document(call: Call) -> Reply:
    vault = _vault(call)
    form = call.form()
    title = form.string("title", required=True)
    content = form.string("content", default="") or ""
    status = form.string("status")
    if status not in (None, "active", "drafted"):
        form.error("status", "must be active or drafted")
    form.ids("subscriptions", lambda pid: pid in call.store.people)
    visible = form.boolean("visible_to_clients", False)
    form.check()
    assert title is not None
    document = new_document(call.store, vault, title, content, creator_id=call.me.id)
    document.visible_to_clients = bool(visible)
    if status == "drafted":
        document.status = "drafted"
        call.store.bump_siblings(document)
    return call.ok(document, 201)


def get_document(call: Call) -> Reply:
    return call.ok(call.recording(call.id("document_id"), "Document"))


def replace_document(call: Call) -> Reply:
    """Replace semantics: an omitted title or content is cleared, not kept."""
    document = call.recording(call.id("document_id"), "Document")
    form = call.form()
    if not (form.has("title") or form.has("content")):
        raise HttpError(400, "Send the document's title and/or content")
    title = form.string("title", default="") or ""
    content = form.string("content", default="") or ""
    form.check()
    document.data.update(
        {"title": title, "content": content, "attachments": attachment_sgids(call.store, content)}
    )
    call.store.touch(document, shared=True)
    call.store.log_event(document, "content_changed", call.me.id)
    return call.ok(document)


def list_uploads(call: Call) -> Listing:
    return _children(call, "uploads")


def _blob_for(call: Call, sgid: str | None) -> Blob | None:
    if sgid is None:
        return None
    blob = call.store.blobs_by_sgid.get(sgid)
    if blob is None:
        raise HttpError(
            422, "Attachable sgid is invalid", errors={"attachable_sgid": ["is invalid"]}
        )
    return blob


def create_upload(call: Call) -> Reply:
    vault = _vault(call)
    form = call.form()
    sgid = form.string("attachable_sgid", required=True)
    description = form.string("description", default="") or ""
    base_name = form.string("base_name")
    form.ids("subscriptions", lambda pid: pid in call.store.people)
    visible = form.boolean("visible_to_clients", False)
    form.check()
    blob = _blob_for(call, sgid)
    assert blob is not None
    upload = new_upload(
        call.store, vault, blob, creator_id=call.me.id, description=description, base_name=base_name
    )
    upload.visible_to_clients = bool(visible)
    return call.ok(upload, 201)


def get_upload(call: Call) -> Reply:
    return call.ok(call.recording(call.id("upload_id"), "Upload"))


def update_upload(call: Call) -> Reply:
    upload = call.recording(call.id("upload_id"), "Upload")
    form = call.form()
    description = form.string("description")
    base_name = form.string("base_name")
    form.check()
    if description is not None:
        upload.data["description"] = description
        upload.data["attachments"] = attachment_sgids(call.store, description)
    if base_name:
        upload.data["filename"] = _rename(upload.data["filename"], base_name)
    call.store.touch(upload, shared=True)
    return call.ok(upload)


def register(router: Router) -> None:
    router.add("POST", "/attachments", create_attachment, body=BINARY)
    router.add("GET", "/blobs/{key:str}/download/{filename:str}", download_blob)
    router.add("GET", "/blobs/{key:str}/previews/{variant:str}", preview_blob)
    router.add("GET", "/vaults/{vault_id}", get_vault)
    router.add("PUT", "/vaults/{vault_id}", update_vault)
    router.add("GET", "/vaults/{vault_id}/vaults", list_vaults)
    router.add("POST", "/vaults/{vault_id}/vaults", create_vault)
    router.add("GET", "/vaults/{vault_id}/documents", list_documents)
    router.add("POST", "/vaults/{vault_id}/documents", create_document)
    router.add("GET", "/documents/{document_id}", get_document)
    router.add("PUT", "/documents/{document_id}", replace_document)
    router.add("GET", "/vaults/{vault_id}/uploads", list_uploads)
    router.add("POST", "/vaults/{vault_id}/uploads", create_upload)
    router.add("GET", "/uploads/{upload_id}", get_upload)
    router.add("PUT", "/uploads/{upload_id}", update_upload)
    router.add("GET", "/uploads/{upload_id}/download/{filename:str}", download_upload)
