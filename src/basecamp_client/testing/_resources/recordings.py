"""Cross-cutting recording endpoints: listings by type, status changes, events, search,
and the dock tools that have no content of their own here (check-ins, forwards)."""

from __future__ import annotations

from .._call import Call, Listing, Reply, empty
from .._fragments import fragment
from .._render import LINE_KINDS, plain_text, title_of
from .._render_kinds import render_event
from .._router import Router
from .._store import ACTIVE, ARCHIVED, TRASHED
from .._wire import HttpError, dumps, is_digits
from ._common import set_status, sort_by_query

LISTABLE = (
    "Comment",
    "Document",
    "Door",
    "Kanban::Card",
    "Kanban::Step",
    "Message",
    "Question::Answer",
    "Schedule::Entry",
    "Todo",
    "Todolist",
    "Upload",
    "Vault",
)
SEARCHABLE = frozenset(
    {"Comment", "Document", "Message", "Schedule::Entry", "Todo", "Todolist", "Upload", *LINE_KINDS}
)


def _int_list(call: Call, *names: str) -> set[int]:
    values: set[int] = set()
    for name in names:
        for raw in call.query.get(name, ()):
            for part in raw.split(","):
                if part.strip():
                    if not is_digits(part.strip()):
                        raise HttpError(400, f"{name} must hold integer ids, got {part!r}")
                    values.add(int(part))
    return values


def list_recordings(call: Call) -> Listing:
    kind = call.q("type")
    if kind not in LISTABLE:
        raise HttpError(400, f"type is required: one of {', '.join(LISTABLE)}")
    status = call.q_status()
    buckets = _int_list(call, "bucket")
    records = [
        r
        for r in call.store.all_recordings()
        if r.kind == kind and r.status == status and (not buckets or r.bucket_id in buckets)
    ]
    return call.listing(sort_by_query(call, records))


def list_events(call: Call) -> Listing:
    record = call.recording(call.id("recording_id"))
    events = list(reversed(call.store.events.get(record.id, [])))
    store, urls = call.store, call.urls
    return Listing(events, lambda event: dumps(render_event(store, event, urls)))


def _status(call: Call, status: str) -> Reply:
    record = call.recording(call.id("recording_id"))
    set_status(call.store, record, status, call.me.id)
    return empty()


def trash_recording(call: Call) -> Reply:
    return _status(call, TRASHED)


def archive_recording(call: Call) -> Reply:
    return _status(call, ARCHIVED)


def unarchive_recording(call: Call) -> Reply:
    return _status(call, ACTIVE)


def search(call: Call) -> Listing:
    needle = (call.q("q") or "").strip().lower()
    if not needle:
        raise HttpError(400, "q is required: the text to search for")
    kinds = set(call.query.get("type_names[]", ())) | {t for t in [call.q("type")] if t}
    buckets = _int_list(call, "bucket_ids[]", "bucket_id")
    creators = _int_list(call, "creator_ids[]", "creator_id")
    exclude_chat = call.q("exclude_chat") == "true"
    hits = []
    for r in call.store.all_recordings():
        if (
            r.kind not in SEARCHABLE
            or r.status != ACTIVE
            or (kinds and r.kind not in kinds)
            or (buckets and r.bucket_id not in buckets)
            or (creators and r.creator_id not in creators)
            or (exclude_chat and r.kind in LINE_KINDS)
        ):
            continue
        text = " ".join(
            (
                title_of(r),
                plain_text(r.data.get("content")),
                plain_text(r.data.get("description")),
            )
        ).lower()
        if needle in text:
            hits.append(r)
    hits.sort(key=lambda r: r.updated_at, reverse=True)
    store, urls = call.store, call.urls
    return Listing(hits, lambda r: fragment(store, r, urls, "search"))


def get_questionnaire(call: Call) -> Reply:
    return call.ok(call.recording(call.id("questionnaire_id"), "Questionnaire"))


def list_questions(call: Call) -> Listing:
    call.recording(call.id("questionnaire_id"), "Questionnaire")
    return call.listing([])


def get_inbox(call: Call) -> Reply:
    return call.ok(call.recording(call.id("inbox_id"), "Inbox"))


def list_forwards(call: Call) -> Listing:
    call.recording(call.id("inbox_id"), "Inbox")
    return call.listing([])


def register(router: Router) -> None:
    router.add("GET", "/projects/recordings", list_recordings)
    router.add("GET", "/recordings/{recording_id}/events", list_events)
    router.add("PUT", "/recordings/{recording_id}/status/trashed", trash_recording)
    router.add("PUT", "/recordings/{recording_id}/status/archived", archive_recording)
    router.add("PUT", "/recordings/{recording_id}/status/active", unarchive_recording)
    router.add("GET", "/search", search)
    router.add("GET", "/questionnaires/{questionnaire_id}", get_questionnaire)
    router.add("GET", "/questionnaires/{questionnaire_id}/questions", list_questions)
    router.add("GET", "/inboxes/{inbox_id}", get_inbox)
    router.add("GET", "/inboxes/{inbox_id}/inbox_forwards", list_forwards)
    # Inboxes advertise this older spelling in their forwards_url.
    router.add("GET", "/inboxes/{inbox_id}/forwards", list_forwards, name="list_forwards_legacy")
