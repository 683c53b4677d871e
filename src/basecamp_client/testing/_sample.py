"""Sample data: a small company with two projects, deterministic for a given seed.

Every name and text here is made up for the fake.
"""

from __future__ import annotations

import random
import struct
import zlib
from datetime import date, datetime, timedelta, timezone

from ._resources.chats import new_line
from ._resources.files import new_document, new_upload
from ._resources.messages import new_comment, new_message
from ._resources.people import new_person
from ._resources.projects import new_project, tool
from ._resources.schedules import new_entry
from ._resources.todos import complete, new_todo, new_todolist
from ._store import Record, Store

# Sample data is dated from here on, whatever the machine's clock says.
EPOCH = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc).timestamp()
BACKLOG_SIZE = 120  # enough for four geared pages: 15 + 30 + 50 + 25

COMPANY = "Larkspur & Finch"
PEOPLE = (
    # name, e-mail, title, location
    ("Marisol Quintero", "marisol@larkspur-finch.test", "Founder", "Lisbon"),
    ("Tobias Wren", "tobias@larkspur-finch.test", "Lead Engineer", "Leeds"),
    ("Priya Castellano", "priya@larkspur-finch.test", "Product Designer", "Turin"),
    ("Oskar Lindahl", "oskar@larkspur-finch.test", "Operations", "Malmö"),
    ("Nadia Okonkwo", "nadia@larkspur-finch.test", "Marketing Lead", "Lagos"),
)
CLIENT = ("Hugo Brandt", "hugo@brandt-outdoor.test", "Buyer", "Graz", "Brandt Outdoor")

LAUNCH_TODOS = (
    "Confirm the stall lease",
    "Order the awning in teal",
    "Print price cards",
    "Book the card reader",
    "Draft the opening-day playlist",
    "Test the till with three fake sales",
    "Ask the neighbours about shared bins",
)
PERMIT_TODOS = ("File the food-handling permit", "Photograph the fire extinguisher tag")
VERBS = ("Sketch", "Price", "Sort", "Label", "Restock", "Photograph", "Review", "Clean", "Count")
NOUNS = (
    "jam jars",
    "the chalkboard",
    "tote bags",
    "spare receipts",
    "the cold box",
    "herb bundles",
    "the tasting spoons",
    "crates",
    "the rain cover",
    "loyalty cards",
)
WEB_TODOS = {
    "Design": (
        "Pick a type pairing",
        "Mock up the order page",
        "Choose three hero photos",
        "Check colour contrast",
        "Design the empty-cart state",
    ),
    "Content": (
        "Write the about page",
        "Collect supplier stories",
        "Proofread the FAQ",
        "Translate the footer",
    ),
}
CHAT_LINES = (
    "Morning! Coffee is on the stall counter.",
    "Who has the van keys?",
    "The awning supplier says Thursday.",
    "Nice — can someone check the bolts?",
    "Price cards are at the printer.",
    "Remember the soft opening is all day Saturday.",
    "I can bring extra crates.",
    "<strong>Reminder:</strong> bins go out on Fridays.",
)
MESSAGES = (
    (
        "Kickoff notes",
        "<div>We open at the riverside market in six weeks. This board is for "
        "decisions; quick questions go to the chat.</div>",
        ("Sounds good. I will own the permits.", "Can we keep Saturdays for the tasting table?"),
    ),
    (
        "Vendor shortlist",
        "<div>Three jam makers and two bakers replied. Notes are in Docs &amp; Files.</div>",
        ("The honey people also asked about a shared shelf.",),
    ),
)


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A valid, solid-colour PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


class _Timeline:
    """Hands out increasing timestamps from EPOCH, so sample data reads like a history."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._t = EPOCH

    def next(self, minutes: int = 40) -> float:
        self._t += 60 * self._rng.randint(1, minutes)
        return self._t


def populate(store: Store, seed: int) -> None:
    rng = random.Random(seed)  # noqa: S311 - repeatable sample data, not secrets
    clock = _Timeline(rng)
    store.account_name = COMPANY
    store.account_created_at = store.at(EPOCH)
    company = (store.next_id(), COMPANY)
    team: list[Record] = []
    for i, (name, email, title, location) in enumerate(PEOPLE):
        team.append(
            new_person(
                store,
                name,
                email,
                when=clock.next(),
                title=title,
                location=location,
                time_zone="Europe/Lisbon",
                admin=i == 0,
                owner=i == 0,
                company=company,
            )
        )
    name, email, title, location, client_company = CLIENT
    client = new_person(
        store,
        name,
        email,
        when=clock.next(),
        title=title,
        location=location,
        client=True,
        company=(store.next_id(), client_company),
    )
    store.owner_id = team[0].id
    ids = [p.id for p in team]

    # Projects list newest first: the market project, made last, leads.
    web = new_project(
        store,
        "Web Shop Refresh",
        "A calmer, faster online shop.",
        creator_id=ids[2],
        people=ids,
        when=clock.next(),
    )
    market = new_project(
        store,
        "Riverside Market Launch",
        "Opening our first market stall by the river.",
        creator_id=ids[0],
        people=[*ids, client.id],
        when=clock.next(),
    )
    _market_todos(store, market, ids, rng, clock)
    _web_todos(store, web, ids, rng, clock)
    _messages(store, market, ids, rng, clock)
    _chat(store, market, ids, rng, clock)
    _files(store, market, ids, clock)
    _schedule(store, market, ids, clock)


def _due(rng: random.Random) -> str | None:
    if rng.random() < 0.4:
        return None
    return (date(2026, 2, 1) + timedelta(days=rng.randint(0, 40))).isoformat()


def _market_todos(
    store: Store, project: Record, ids: list[int], rng: random.Random, clock: _Timeline
) -> None:
    todoset = tool(store, project, "Todoset")
    launch = new_todolist(
        store,
        todoset,
        "Launch checklist",
        "<div>Everything that must be true on opening day.</div>",
        creator_id=ids[0],
        when=clock.next(),
    )
    for text in LAUNCH_TODOS:
        todo = new_todo(
            store,
            launch,
            text,
            creator_id=rng.choice(ids),
            assignee_ids=rng.sample(ids, rng.randint(0, 2)),
            due_on=_due(rng),
            when=clock.next(),
        )
        if rng.random() < 0.35:
            complete(store, todo, rng.choice(ids), when=clock.next())
    permits = new_todolist(
        store, launch, "Permits", creator_id=ids[3], group=True, color="blue", when=clock.next()
    )
    for text in PERMIT_TODOS:
        new_todo(store, permits, text, creator_id=ids[3], assignee_ids=[ids[3]], when=clock.next())
    backlog = new_todolist(
        store,
        todoset,
        "Backlog",
        "<div>Small jobs for quiet afternoons.</div>",
        creator_id=ids[1],
        when=clock.next(),
    )
    for n in range(1, BACKLOG_SIZE + 1):
        new_todo(
            store,
            backlog,
            f"{rng.choice(VERBS)} {rng.choice(NOUNS)} (#{n:03d})",
            creator_id=rng.choice(ids),
            when=clock.next(5),
        )


def _web_todos(
    store: Store, project: Record, ids: list[int], rng: random.Random, clock: _Timeline
) -> None:
    todoset = tool(store, project, "Todoset")
    for list_name, texts in WEB_TODOS.items():
        todolist = new_todolist(store, todoset, list_name, creator_id=ids[2], when=clock.next())
        for text in texts:
            todo = new_todo(
                store,
                todolist,
                text,
                creator_id=ids[2],
                assignee_ids=[rng.choice(ids)],
                due_on=_due(rng),
                when=clock.next(),
            )
            if rng.random() < 0.3:
                complete(store, todo, ids[2], when=clock.next())


def _messages(
    store: Store, project: Record, ids: list[int], rng: random.Random, clock: _Timeline
) -> None:
    board = tool(store, project, "Message::Board")
    category = next(c.id for c in store.categories.values() if c.bucket_id == project.id)
    for subject, content, replies in MESSAGES:
        message = new_message(
            store,
            board,
            subject,
            content,
            creator_id=ids[0],
            category_id=category,
            when=clock.next(),
        )
        for reply in replies:
            new_comment(
                store,
                message,
                f"<div>{reply}</div>",
                creator_id=rng.choice(ids[1:]),
                when=clock.next(),
            )


def _chat(
    store: Store, project: Record, ids: list[int], rng: random.Random, clock: _Timeline
) -> None:
    chat = tool(store, project, "Chat::Transcript")
    for text in CHAT_LINES:
        new_line(
            store, chat, text, creator_id=rng.choice(ids), rich="<" in text, when=clock.next(10)
        )


def _files(store: Store, project: Record, ids: list[int], clock: _Timeline) -> None:
    vault = tool(store, project, "Vault")
    new_document(
        store,
        vault,
        "Stall layout",
        "<div><strong>Front:</strong> tasting table. <strong>Back:</strong> stock crates.</div>",
        creator_id=ids[2],
        when=clock.next(),
    )
    when = clock.next()
    blob = store.add_blob(
        filename="stall-sign.png",
        content_type="image/png",
        data=png(48, 16, (20, 128, 120)),
        creator_id=ids[2],
        when=when,
    )
    new_upload(
        store,
        vault,
        blob,
        creator_id=ids[2],
        description="<div>Sign for the awning.</div>",
        when=when,
    )


def _schedule(store: Store, project: Record, ids: list[int], clock: _Timeline) -> None:
    schedule = tool(store, project, "Schedule")
    new_entry(
        store,
        schedule,
        "Call with the awning supplier",
        "2026-02-03T10:00:00.000Z",
        "2026-02-03T10:30:00.000Z",
        creator_id=ids[3],
        participant_ids=[ids[0], ids[3]],
        when=clock.next(),
    )
    new_entry(
        store,
        schedule,
        "Soft opening",
        "2026-02-14T00:00:00.000Z",
        "2026-02-14T23:59:59.000Z",
        creator_id=ids[0],
        all_day=True,
        participant_ids=ids,
        description="<div>Friends and family only.</div>",
        when=clock.next(),
    )
