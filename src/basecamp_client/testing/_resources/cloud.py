"""Links to files kept elsewhere: cloud files and Google documents, both in a vault.

Their ``PUT`` replaces the whole writable state: an omitted title or description is
cleared, while the link and its service (or document type) are required.
"""

from __future__ import annotations

import re
from typing import Any

from .._call import Call, Form, Reply
from .._router import Router
from .._store import Record
from .._wire import HttpError
from ._common import attachment_sgids, new_recording

# Services a cloud file can point at: code -> (name, example URL, URL patterns, hint).
SERVICES: dict[str, tuple[str, str, tuple[str, ...], str | None]] = {
    "dropbox": (
        "Dropbox",
        "https://www.dropbox.com/s/abc123/plan.pdf",
        (r"^https://(www\.)?dropbox\.com/",),
        "a file or folder on Dropbox",
    ),
    "box": ("Box", "https://app.box.com/s/abc123", (r"^https://([a-z0-9-]+\.)?box\.com/",), None),
    "figma": (
        "Figma",
        "https://www.figma.com/file/abc123/Sketch",
        (r"^https://(www\.)?figma\.com/",),
        "a Figma file",
    ),
    "other": ("Other", "https://example.com/file", (r"^https?://\S+$",), None),
}
DOCUMENT_TYPES = ("doc", "sheet", "slide", "other")


def service_json(code: str) -> dict[str, Any]:
    name, example, patterns, hint = SERVICES[code]
    value: dict[str, Any] = {
        "name": name,
        "example_url": example,
        "code": code,
        "valid_patterns": list(patterns),
    }
    if hint is not None:
        value["supporting_text"] = hint
    return value


def _link(form: Form, patterns: tuple[str, ...] = (r"^https?://\S+$",)) -> str | None:
    url = form.string("url", required=True)
    if url and not any(re.match(p, url) for p in patterns):
        form.error("url", "doesn't match the service's links")
    return url


def _common_fields(call: Call, form: Form) -> dict[str, Any]:
    description = form.string("description", default="") or ""
    return {
        "title": form.string("title", default="") or "",
        "description": description,
        "attachments": attachment_sgids(call.store, description),
    }


def _cloud_fields(call: Call) -> dict[str, Any]:
    form = call.form()
    code = form.string("service", required=True)
    if code and code not in SERVICES:
        form.error("service", f"must be one of {', '.join(SERVICES)}")
    link = _link(form, SERVICES[code][2] if code in SERVICES else ())
    common = _common_fields(call, form)
    form.ids("subscriptions", lambda pid: pid in call.store.people)
    form.check()
    assert code is not None
    return {"service": service_json(code), "link": link, **common}


def _google_fields(call: Call) -> dict[str, Any]:
    form = call.form()
    document_type = form.string("document_type", required=True)
    if document_type and document_type not in DOCUMENT_TYPES:
        form.error("document_type", "is not a valid document type")
    fields = {"document_type": document_type, "link": _link(form), **_common_fields(call, form)}
    status = form.string("status")
    if status not in (None, "active", "drafted"):
        form.error("status", "must be active or drafted")
    fields["status"] = status
    form.ids("subscriptions", lambda pid: pid in call.store.people)
    form.check()
    return fields


def _create(call: Call, kind: str, relation: str, fields: dict[str, Any]) -> Record:
    vault = call.recording(call.id("vault_id"), "Vault")
    if vault.bucket_id != call.id("bucket_id"):
        raise HttpError(404, f"Vault {vault.id} not found in project {call.id('bucket_id')}")
    status = fields.pop("status", None)
    record = new_recording(
        call.store,
        kind,
        bucket_id=vault.bucket_id,
        parent_id=vault.id,
        creator_id=call.me.id,
        data=fields,
        relation=relation,
    )
    if status == "drafted":
        record.status = "drafted"
        call.store.bump_siblings(record)
    return record


def _replace(call: Call, record: Record, fields: dict[str, Any]) -> Reply:
    status = fields.pop("status", None)
    record.data.update(fields)
    if status == "active" and record.status == "drafted":
        record.status = "active"
        call.store.bump_siblings(record)
    call.store.touch(record, shared=True)
    call.store.log_event(record, "content_changed", call.me.id)
    return call.ok(record)


def create_cloud_file(call: Call) -> Reply:
    return call.ok(_create(call, "CloudFile", "cloud_files", _cloud_fields(call)), 201)


def get_cloud_file(call: Call) -> Reply:
    return call.ok(call.recording(call.id("cloud_file_id"), "CloudFile"))


def replace_cloud_file(call: Call) -> Reply:
    record = call.recording(call.id("cloud_file_id"), "CloudFile")
    return _replace(call, record, _cloud_fields(call))


def create_google_document(call: Call) -> Reply:
    fields = _google_fields(call)
    # Created as a draft unless asked otherwise, as Basecamp does.
    fields["status"] = fields["status"] or "drafted"
    return call.ok(_create(call, "GoogleDocument", "google_documents", fields), 201)


def get_google_document(call: Call) -> Reply:
    return call.ok(call.recording(call.id("document_id"), "GoogleDocument"))


def replace_google_document(call: Call) -> Reply:
    record = call.recording(call.id("document_id"), "GoogleDocument")
    return _replace(call, record, _google_fields(call))


def register(router: Router) -> None:
    router.add("POST", "/buckets/{bucket_id}/vaults/{vault_id}/cloud_files", create_cloud_file)
    router.add("GET", "/cloud_files/{cloud_file_id}", get_cloud_file)
    router.add("PUT", "/cloud_files/{cloud_file_id}", replace_cloud_file)
    router.add(
        "POST", "/buckets/{bucket_id}/vaults/{vault_id}/google_documents", create_google_document
    )
    router.add("GET", "/google_documents/{document_id}", get_google_document)
    router.add("PUT", "/google_documents/{document_id}", replace_google_document)
