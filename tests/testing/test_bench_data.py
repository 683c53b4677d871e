"""``serve --bench``: the fixtures ``make bench`` measures against."""

from __future__ import annotations

import httpx
import pytest

from basecamp_client.testing import FakeBasecamp
from basecamp_client.testing.__main__ import parser
from basecamp_client.testing._bench import (
    FILE_NAME,
    LONG_LIST,
    PROJECT,
    WRITES_LIST,
    add_bench_data,
    pattern_bytes,
)

HEADERS = {"User-Agent": "Tests (tests@example.com)", "Authorization": "Bearer t"}


@pytest.fixture
def fake() -> FakeBasecamp:
    return FakeBasecamp()


def test_bench_data_is_reachable_through_the_api(fake: FakeBasecamp) -> None:
    data = add_bench_data(fake, todos=250, file_bytes=3 * 2**20 + 5)
    base = f"https://3.basecampapi.com/{fake.account_id}"
    with httpx.Client(transport=fake.transport(), headers=HEADERS, base_url=base) as c:
        project = c.get(f"/projects/{data.project_id}").json()
        assert project["name"] == PROJECT
        assert [t["name"] for t in project["dock"]] == ["message_board", "todoset", "vault"]
        size = len(c.get(f"/projects/{data.project_id}").content)
        assert 1300 < size < 1700
        lists = c.get(f"/todolists/{data.long_list_id}.json").json()
        assert lists["name"] == LONG_LIST
        assert c.get(f"/todolists/{data.writes_list_id}.json").json()["name"] == WRITES_LIST
        sizes = []
        url: str | None = f"/todolists/{data.long_list_id}/todos.json"
        while url:
            r = c.get(url)
            assert r.headers["x-total-count"] == "250"
            sizes.append(len(r.json()))
            url = r.links.get("next", {}).get("url")
        assert sizes == [15, 30, 50, 100, 55]
        assert c.get(f"/todolists/{data.writes_list_id}/todos.json").json() == []
        upload = c.get(f"/uploads/{data.upload_id}.json").json()
        assert upload["filename"] == FILE_NAME
        assert upload["byte_size"] == 3 * 2**20 + 5
        hop = c.get(upload["download_url"])
        assert hop.status_code == 302
    with httpx.Client(transport=fake.transport()) as storage:
        body = storage.get(hop.headers["location"]).content
    assert body == pattern_bytes(3 * 2**20 + 5)


def test_no_file_when_its_size_is_zero(fake: FakeBasecamp) -> None:
    assert add_bench_data(fake, todos=0, file_bytes=0).upload_id is None


@pytest.mark.parametrize(
    ("todos", "file_bytes", "message"),
    [(-1, 0, "todos"), (True, 0, "todos"), (1, -5, "file_bytes"), (1, 2.5, "file_bytes")],
)
def test_bad_sizes_are_refused(
    fake: FakeBasecamp, todos: object, file_bytes: object, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        add_bench_data(fake, todos=todos, file_bytes=file_bytes)  # type: ignore[arg-type]


def test_pattern_bytes_is_not_constant() -> None:
    data = pattern_bytes(2**20 + 3)
    assert len(data) == 2**20 + 3
    assert data[:4] == b"\x00\x01\x02\x03"
    assert data[2**20 :] == b"\x00\x01\x02"


def test_cli_options() -> None:
    args = parser().parse_args(["serve", "--bench", "--bench-todos", "5", "--bench-file-mb", "0"])
    assert (args.bench, args.bench_todos, args.bench_file_mb) == (True, 5, 0)
    defaults = parser().parse_args(["serve"])
    assert (defaults.bench, defaults.bench_todos, defaults.bench_file_mb) == (False, 10_000, 200)
    # The standard library's server is the default: about twice as fast as uvicorn here.
    assert defaults.server == "stdlib"
    with pytest.raises(SystemExit):
        parser().parse_args(["serve", "--bench-todos", "-3"])
