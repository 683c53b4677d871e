"""What is due, and for whom, across every project: a plain script with the sync client.

    export BASECAMP_TOKEN=… BASECAMP_ACCOUNT_ID=… BASECAMP_USER_AGENT="Due Report (you@example.com)"
    python examples/sync_script.py [--within DAYS]

    python examples/sync_script.py --fake      # against a fake Basecamp, no account needed

No ``async``/``await`` anywhere: ``Basecamp`` runs the async client on a private event
loop thread. One client is shared by the worker threads below, which fetch the to-do
lists concurrently over its connection pool.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from basecamp_client import Basecamp, BasecampError
from basecamp_client.models import Todo, Todolist


def connect(fake: bool) -> Basecamp:
    if not fake:
        return Basecamp.from_env()  # BASECAMP_TOKEN, BASECAMP_ACCOUNT_ID, BASECAMP_USER_AGENT
    from basecamp_client.testing import FakeBasecamp

    basecamp = FakeBasecamp.with_sample_data()
    return Basecamp(
        access_token="any",
        user_agent="Due Report (you@example.com)",
        account_id=basecamp.account_id,
        transport=basecamp.transport(),
    )


def report(client: Basecamp, *, horizon: dt.date | None, today: dt.date) -> list[str]:
    account = client.for_account()
    lists: list[tuple[str, Todolist]] = []
    for project in account.projects.list():
        todoset = next((t for t in project.dock or () if t.name == "todoset" and t.enabled), None)
        if todoset is None:
            continue
        for todolist in account.todolists.list(todoset_id=todoset.id):
            lists.append((project.name, todolist))
            # A group inside a list holds to-dos of its own.
            lists.extend(
                (project.name, g) for g in account.todolist_groups.list(todolist_id=todolist.id)
            )

    def due_in(item: tuple[str, Todolist]) -> list[tuple[dt.date, str, Todo]]:
        project_name, todolist = item
        todos = account.todos.list(todolist_id=todolist.id)
        return [(todo.due_on, project_name, todo) for todo in todos if todo.due_on is not None]

    with ThreadPoolExecutor(max_workers=8) as pool:
        due = [row for rows in pool.map(due_in, lists) for row in rows]

    lines = []
    for due_on, project_name, todo in sorted(due, key=lambda row: (row[0], row[2].id)):
        if horizon is not None and due_on > horizon:
            continue
        who = ", ".join(p.name for p in todo.assignees or []) or "nobody"
        late = "  OVERDUE" if due_on < today else ""
        lines.append(f"{due_on}  {todo.content:<40.40}  {project_name:<24.24}  {who}{late}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="List open to-dos with a due date.")
    parser.add_argument("--fake", action="store_true", help="use a fake Basecamp (no account)")
    parser.add_argument("--within", type=int, metavar="DAYS", help="only what is due this soon")
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date.today())
    args = parser.parse_args(argv)
    try:
        with connect(args.fake) as client:
            horizon = (
                args.today + dt.timedelta(days=args.within) if args.within is not None else None
            )
            lines = report(client, horizon=horizon, today=args.today)
    except BasecampError as exc:  # bad settings, auth, network…: one line, no traceback
        print(f"sync_script: {exc}", file=sys.stderr)
        return exc.exit_code
    scope = f"due by {horizon}" if horizon else "with a due date"
    print(f"{len(lines)} open to-do{'s' * (len(lines) != 1)} {scope}")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
