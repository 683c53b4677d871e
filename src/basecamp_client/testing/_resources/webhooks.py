"""Webhook subscriptions (create, read, update, delete; deliveries are not simulated)."""

from __future__ import annotations

from urllib.parse import urlsplit

from .._call import Call, Form, Listing, Reply, empty
from .._router import Router
from .._store import Record
from .._wire import HttpError

# Recording types a webhook can subscribe to ("all" means every one).
TYPES = frozenset(
    {
        "all",
        "Comment",
        "Client::Approval::Response",
        "Client::Forward",
        "Client::Reply",
        "CloudFile",
        "Document",
        "GoogleDocument",
        "Inbox::Forward",
        "Kanban::Card",
        "Kanban::Step",
        "Message",
        "Question",
        "Question::Answer",
        "Schedule::Entry",
        "Todo",
        "Todolist",
        "Upload",
        "Vault",
    }
)


def _payload_url(form: Form, *, required: bool) -> str | None:
    url = form.string("payload_url", required=required)
    if url:
        parts = urlsplit(url)
        if parts.scheme != "https" or not parts.hostname:
            form.error("payload_url", "must be an https:// URL")
    return url


def _types(form: Form, *, required: bool) -> list[str] | None:
    types = form.strings("types", required=required)
    if types:
        unknown = sorted(set(types) - TYPES)
        if unknown:
            form.error("types", f"unknown type{'s' if len(unknown) > 1 else ''}: {unknown}")
    return types


def _webhook(call: Call) -> Record:
    webhook = call.store.webhooks.get(call.id("webhook_id"))
    if webhook is None or (call.bucket_id is not None and webhook.bucket_id != call.bucket_id):
        raise HttpError(404, f"Webhook {call.params['webhook_id']} not found")
    return webhook


def _project_id(call: Call) -> int:
    return call.project(call.id("bucket_id")).id


def list_webhooks(call: Call) -> Listing:
    bucket_id = _project_id(call)
    return call.listing([w for w in call.store.webhooks.values() if w.bucket_id == bucket_id])


def create_webhook(call: Call) -> Reply:
    bucket_id = _project_id(call)
    form = call.form()
    payload_url = _payload_url(form, required=True)
    types = _types(form, required=True)
    active = form.boolean("active", True)
    form.check()
    if any(
        w.bucket_id == bucket_id and w.data["payload_url"] == payload_url
        for w in call.store.webhooks.values()
    ):
        raise HttpError(
            422,
            "Payload URL has already been taken",
            errors={"payload_url": ["has already been taken"]},
        )
    webhook = Record(
        call.store.next_id(), "Webhook", created_at=call.store.now(), bucket_id=bucket_id
    )
    webhook.data = {"payload_url": payload_url, "types": types, "active": active}
    call.store.add(call.store.webhooks, webhook)
    return call.ok(webhook, 201)


def get_webhook(call: Call) -> Reply:
    return call.ok(_webhook(call))


def update_webhook(call: Call) -> Reply:
    webhook = _webhook(call)
    form = call.form()
    payload_url = _payload_url(form, required=form.has("payload_url"))
    types = _types(form, required=form.has("types"))
    active = form.boolean("active")
    form.check()
    if payload_url is not None:
        webhook.data["payload_url"] = payload_url
    if types is not None:
        webhook.data["types"] = types
    if active is not None:
        webhook.data["active"] = active
    call.store.touch(webhook)
    return call.ok(webhook)


def delete_webhook(call: Call) -> Reply:
    webhook = _webhook(call)
    del call.store.webhooks[webhook.id]
    call.store.changed()
    return empty()


def register(router: Router) -> None:
    router.add("GET", "/buckets/{bucket_id}/webhooks", list_webhooks)
    router.add("POST", "/buckets/{bucket_id}/webhooks", create_webhook)
    router.add("GET", "/webhooks/{webhook_id}", get_webhook)
    router.add("PUT", "/webhooks/{webhook_id}", update_webhook)
    router.add("DELETE", "/webhooks/{webhook_id}", delete_webhook)
