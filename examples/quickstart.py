"""A tour of basecamp-client, against a fake Basecamp or your own account.

    python examples/quickstart.py                # a fake Basecamp on 127.0.0.1, started here
    python examples/quickstart.py --in-process   # the same fake, as an httpx transport (no sockets)

With BASECAMP_TOKEN, BASECAMP_ACCOUNT_ID and BASECAMP_USER_AGENT set, it tours your
Basecamp account instead, read-only:

    python examples/quickstart.py                # reads only; the write steps say they were skipped
    python examples/quickstart.py --write        # also creates a to-do list and a message, then
                                                 # moves them to the trash (--keep leaves them)

The async client does the tour; then the sync client repeats a few of the calls.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import os
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from basecamp_client import (
    AsyncBasecamp,
    Basecamp,
    BasecampError,
    Config,
    Hooks,
    OperationEnd,
    RequestEnd,
)
from basecamp_client import rich_text as rt
from basecamp_client.models import Project

IMAGE = Path(__file__).with_name("assets") / "demo-card.png"
REAL_ACCOUNT_VARS = ("BASECAMP_TOKEN", "BASECAMP_ACCOUNT_ID", "BASECAMP_USER_AGENT")
DEMO_USER_AGENT = "basecamp-client quickstart (demo@example.com)"


# --------------------------------------------------------------------------- output


class Out:
    """Numbered steps with aligned labels: a few short lines each, and under them the
    SDK code the step ran (dimmed on a terminal)."""

    def __init__(self) -> None:
        self.step = 0
        self.dim = ("\x1b[2m", "\x1b[0m") if sys.stdout.isatty() else ("", "")

    def title(self, text: str) -> None:
        print(f"\n{text}")

    def line(self, label: str, text: str) -> None:
        self.step += 1
        print(f"{self.step:>2}  {label:<17} {text}")

    def more(self, text: str) -> None:
        print(f"{'':<22}{text}")

    def code(self, *lines: str) -> None:
        start, end = self.dim
        for line in lines:
            print(f"{'':<22}{start}» {line}{end}")


class Tally:
    """Hooks that count what went over the wire, so the tour can show it."""

    def __init__(self) -> None:
        self.requests = 0
        self.not_modified = 0
        self.writes = 0
        self.last: OperationEnd | None = None

    def hooks(self) -> Hooks:
        return Hooks(on_request_end=self._request, on_operation_end=self._operation)

    def _request(self, event: RequestEnd) -> None:
        self.requests += 1
        self.not_modified += event.status_code == 304
        self.writes += event.method != "GET"

    def _operation(self, event: OperationEnd) -> None:
        self.last = event


# --------------------------------------------------------------------------- where to


@dataclasses.dataclass(frozen=True)
class Target:
    """Which Basecamp to talk to, and how the clients reach it."""

    client_options: dict[str, Any]
    description: str
    real: bool
    write: bool
    keep: bool = False


class UsageProblem(Exception):
    """Bad arguments or environment: reported in one line, exit status 2."""


@contextlib.contextmanager
def open_target(args: argparse.Namespace, environ: Mapping[str, str]) -> Iterator[Target]:
    present = [name for name in REAL_ACCOUNT_VARS if environ.get(name, "").strip()]
    if args.fake or args.in_process or not present:
        yield from _fake(args)
        return
    if len(present) < len(REAL_ACCOUNT_VARS):
        missing = [name for name in REAL_ACCOUNT_VARS if name not in present]
        raise UsageProblem(
            f"{' and '.join(present)} {'is' if len(present) == 1 else 'are'} set but "
            f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} not: set all three "
            "to tour your Basecamp account, or none (or pass --fake) to tour the fake one"
        )
    config = Config.from_env(environ)
    mode = "read-only; --write also creates" if not args.write else "--write: creates, then trashes"
    if args.write and args.keep:
        mode = "--write --keep: creates and keeps"
    yield Target(
        client_options={"config": config},
        description=f"Basecamp at {config.base_url}, account {config.account_id} ({mode})",
        real=True,
        write=args.write,
        keep=args.keep,
    )


def _fake(args: argparse.Namespace) -> Iterator[Target]:
    from basecamp_client.testing import FakeBasecamp

    fake = FakeBasecamp.with_sample_data()
    options: dict[str, Any] = {
        "access_token": "demo",
        "user_agent": DEMO_USER_AGENT,
        "account_id": fake.account_id,
    }
    if args.in_process:
        yield Target(
            client_options={**options, "transport": fake.transport()},
            description="a fake Basecamp in this process (an httpx transport, no sockets)",
            real=False,
            write=True,
        )
        return
    with fake.serve() as server:
        yield Target(
            client_options={**options, "base_url": server.base_url},
            description=f"a fake Basecamp serving {server.base_url} (started by this script)",
            real=False,
            write=True,
        )


# --------------------------------------------------------------------------- the tour


def tool_id(project: Project, name: str) -> int | None:
    """The id of an enabled tool in the project's dock (``todoset``, ``message_board``…)."""
    return next((t.id for t in project.dock or () if t.name == name and t.enabled), None)


def pick_project(projects: Sequence[Project]) -> Project | None:
    """The first project with to-dos and a message board, else the first with to-dos."""
    for wanted in (("todoset", "message_board"), ("todoset",)):
        for project in projects:
            if all(tool_id(project, name) for name in wanted):
                return project
    return projects[0] if projects else None


def ratio_total(ratio: str | None) -> int:
    """``"3/7"`` (done/total) → 7."""
    _done, _sep, total = (ratio or "").partition("/")
    return int(total) if total.isdigit() else 0


@dataclasses.dataclass
class Made:
    """What the tour found or created, for the sync client to revisit and for cleanup."""

    project: Project | None = None
    todolist: tuple[int, str] | None = None
    long_list: tuple[int, str] | None = None
    created: list[tuple[int, str]] = dataclasses.field(default_factory=list)  # (id, what)


async def async_tour(target: Target, out: Out, tally: Tally, made: Made) -> None:
    out.title("Async client: AsyncBasecamp")
    out.code(
        "async with AsyncBasecamp(access_token=…, user_agent=…) as client:",
        "    account = client.for_account()",
    )
    async with AsyncBasecamp(**target.client_options, hooks=tally.hooks()) as client:
        account = client.for_account()
        project = made.project = await who_and_where(account, out)
        if project is None:
            return
        todoset_id = tool_id(project, "todoset")
        board_id = tool_id(project, "message_board")
        if not target.write:
            out.line("To-do list", f"skipped (read-only): --write creates one in {project.name}")
            out.line("Message + image", "skipped (read-only): --write posts one with an image")
        else:
            if todoset_id is not None:
                await todos_step(account, todoset_id, project, out, made)
            else:
                out.line("To-do list", f"skipped: {project.name} has no to-dos tool")
            if board_id is not None:
                await message_step(account, board_id, out, made)
            else:
                out.line("Message + image", f"skipped: {project.name} has no message board")
        if todoset_id is not None:
            await pagination_step(account, todoset_id, out, made)
        await cache_step(account, project, out, tally)


async def who_and_where(account: Any, out: Out) -> Project | None:
    me = await account.my_profile.get()
    out.line("Signed in as", f"{me.name}" + (f", {me.title}" if me.title else ""))
    out.code("me = await account.my_profile.get()")
    projects = await account.projects.list()  # every page, as typed Project models
    out.line("Projects", f"{len(projects)} (X-Total-Count: {projects.meta.total_count})")
    more = f" · … {len(projects) - 4} more" if len(projects) > 4 else ""
    out.more(" · ".join(p.name for p in projects[:4]) + more)
    out.code("projects = await account.projects.list()   # every page, typed Project models")
    return pick_project(projects)


async def todos_step(account: Any, todoset_id: int, project: Project, out: Out, made: Made) -> None:
    todolist = await account.todolists.create(
        todoset_id=todoset_id,
        name=f"basecamp-client demo {time.strftime('%Y-%m-%d %H:%M')}",
        description="<div>Made by examples/quickstart.py</div>",
    )
    made.todolist = (todolist.id, todolist.name)
    made.created.append((todolist.id, "a to-do list"))
    todos = [
        await account.todos.create(todolist_id=todolist.id, content=text)
        for text in ("Install basecamp-client", "Run make demo", "Read the README")
    ]
    await account.todos.complete(todo_id=todos[0].id)
    done = {t.id for t in await account.todos.list(todolist_id=todolist.id, completed=True)}
    out.line("To-do list", f'created "{todolist.name}" in {project.name}')
    for todo in todos:
        out.more(f"[{'x' if todo.id in done else ' '}] {todo.content}")
    out.code(
        "todo = await account.todos.create(todolist_id=todolist.id, content=…)",
        "await account.todos.complete(todo_id=todo.id)",
    )


async def pagination_step(account: Any, todoset_id: int, out: Out, made: Made) -> None:
    lists = await account.todolists.list(todoset_id=todoset_id)
    longest = max(lists, key=lambda t: ratio_total(t.completed_ratio), default=None)
    if longest is None:
        return
    made.long_list = (longest.id, longest.name)
    sizes, total = [], None
    async for page in account.todos.list(todolist_id=longest.id).pages():
        sizes.append(len(page.items))
        total = page.total_count
    out.line(
        "Pagination",
        f"{longest.name}: {sum(sizes)} open to-dos in {len(sizes)} "
        f"page{'s' * (len(sizes) != 1)} of {' + '.join(map(str, sizes))} "
        f"(X-Total-Count: {total})",
    )
    out.code("async for page in account.todos.list(todolist_id=…).pages():")


async def cache_step(account: Any, project: Project, out: Out, tally: Tally) -> None:
    first = await account.projects.get(project_id=project.id)
    before = tally.last
    again = await account.projects.get(project_id=project.id)
    after = tally.last
    status = before.status_code if before else "?"
    out.line("HTTP cache", f"GET project {project.id}: {status}, decoded into a Project")
    if after is not None and after.from_cache:
        same = " (the very same object)" if again is first else ""
        out.more(f"GET it again: 304 Not Modified, the cached Project returned{same}")
    else:
        out.more(f"GET it again: {after.status_code if after else '?'}, not from the cache")
    out.code("project = await account.projects.get(project_id=…)   # twice")


async def message_step(account: Any, board_id: int, out: Out, made: Made) -> None:
    attachment = await account.attachments.upload(IMAGE)  # streamed from the file
    size = IMAGE.stat().st_size
    out.line("Message + image", f"uploaded {IMAGE.name} ({size:,} bytes): got its attachable_sgid")
    out.code(f'attachment = await account.attachments.upload("{IMAGE.name}")')
    # rich_text escapes text and attributes: no caption or name can inject markup.
    content = rt.html(
        rt.paragraph("Posted by ", rt.bold("examples/quickstart.py"), ", with an image:"),
        rt.attachment(attachment, caption="A check mark"),
    )
    message = await account.messages.create(
        board_id=board_id, subject="Hello from basecamp-client", content=content
    )
    made.created.append((message.id, "a message"))
    embedded = message.content_attachments or []
    shown = ", ".join(f"{a.filename} ({a.width}x{a.height} {a.content_type})" for a in embedded)
    out.more(f'posted "{message.subject}" embedding {shown or "nothing?"}')
    out.code(
        "await account.messages.create(board_id=…, subject=…,",
        "    content=rt.html(rt.paragraph(…), rt.attachment(attachment, caption=…)))",
    )
    if embedded:
        # Two hops: the API (with credentials), then signed storage (without them).
        data = await account.downloads.read(embedded[0], max_bytes=1_000_000)
        same = "identical" if data == IMAGE.read_bytes() else "DIFFERENT"
        out.more(f"downloaded it back: {len(data):,} bytes, {same}")
        out.code("data = await account.downloads.read(message.content_attachments[0], …)")


def sync_tour(target: Target, out: Out, tally: Tally, made: Made) -> None:
    out.title("Sync client: Basecamp (the same calls, without await)")
    out.code("with Basecamp(access_token=…, user_agent=…) as client:")
    with Basecamp(**target.client_options, hooks=tally.hooks()) as client:
        account = client.for_account()
        projects = account.projects.list().collect()
        out.line("Projects", " · ".join(p.name for p in projects[:4]))
        out.code("projects = account.projects.list().collect()")
        if made.todolist is not None:
            list_id, name = made.todolist
            todos = account.todos.list(todolist_id=list_id).collect()
            done = account.todos.list(todolist_id=list_id, completed=True).collect()
            out.line("To-dos", f'"{name}": {len(done)} done, {len(todos)} to go')
            out.code("done = account.todos.list(todolist_id=…, completed=True).collect()")
        if made.long_list is not None:
            list_id, name = made.long_list
            sizes = [len(page.items) for page in account.todos.list(todolist_id=list_id).pages()]
            out.line("Pagination", f"{name}, page by page: {', '.join(map(str, sizes))}")
            out.code("for page in account.todos.list(todolist_id=…).pages():")
        if made.project is not None:
            account.projects.get(project_id=made.project.id)
            account.projects.get(project_id=made.project.id)
            last = tally.last
            cached = ", from the cache" if last is not None and last.from_cache else ""
            out.line(
                "HTTP cache", f"project fetched twice: {last.status_code if last else '?'}{cached}"
            )
            out.code("account.projects.get(project_id=…)   # twice")
        if target.real and made.created:
            what = " and ".join(kind for _id, kind in made.created)
            if target.keep:
                out.line("Kept", f"what the tour made ({what}), as --keep asked")
            else:
                for recording_id, _kind in made.created:
                    account.recordings.trash(recording_id=recording_id)
                out.line("Cleanup", f"moved what the tour made to the trash ({what})")
                out.code("account.recordings.trash(recording_id=…)")


# --------------------------------------------------------------------------- main


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Tour basecamp-client against a fake Basecamp, or your own account "
        "when BASECAMP_TOKEN, BASECAMP_ACCOUNT_ID and BASECAMP_USER_AGENT are set."
    )
    parser.add_argument("--fake", action="store_true", help="use the fake even if those are set")
    parser.add_argument(
        "--in-process", action="store_true", help="run the fake in process (no sockets)"
    )
    parser.add_argument(
        "--write", action="store_true", help="real account: also create (then trash) things"
    )
    parser.add_argument("--keep", action="store_true", help="with --write: do not trash them")
    args = parser.parse_args(argv)
    if args.keep and not args.write:
        parser.error("--keep only makes sense with --write")
    return args


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    args = parse_args(argv)
    out = Out()
    tally = Tally()
    made = Made()
    try:
        with open_target(args, os.environ if environ is None else environ) as target:
            print(f"basecamp-client tour against {target.description}")
            asyncio.run(async_tour(target, out, tally, made))
            sync_tour(target, out, tally, made)
    except UsageProblem as exc:
        print(f"quickstart: {exc}", file=sys.stderr)
        return 2
    except BasecampError as exc:
        print(f"\nquickstart: {type(exc).__name__}: {exc}", file=sys.stderr)
        return exc.exit_code or 1
    except KeyboardInterrupt:
        return 130
    print(
        f"\nDone: {tally.requests} HTTP requests, {tally.writes} of them writes, "
        f"{tally.not_modified} answered 304 Not Modified."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
