"""codegen.spec_place: where spec-update puts a new operation, rule by rule, and how often it
agrees with the places people chose in openapi/."""

from __future__ import annotations

from collections import Counter

import yaml

from codegen.spec_place import (
    Layout,
    Placed,
    anchor,
    choose_method,
    choose_part,
    choose_service,
    place,
    segments,
    shared_prefix,
)

from .conftest import ENTRY


def layout() -> Layout:
    ops = [
        Placed("/projects.json", "get", "ListProjects", "projects", "list", "parts/projects.yaml"),
        Placed("/projects/{id}", "get", "GetProject", "projects", "get", "parts/projects.yaml"),
        Placed("/todosets/{id}", "get", "GetTodoset", "todosets", "get", "parts/todos.yaml"),
        Placed(
            "/todosets/{id}/todolists.json",
            "get",
            "ListTodolists",
            "todolists",
            "list",
            "parts/todos.yaml",
        ),
        Placed(
            "/todosets/{id}/todolists.json",
            "post",
            "CreateTodolist",
            "todolists",
            "create",
            "parts/todos.yaml",
        ),
        Placed("/boosts/{id}", "get", "GetBoost", "boosts", "get", "parts/messages.yaml"),
        Placed(
            "/my/readings.json", "get", "GetMyReadings", "my_notifications", "get", "parts/my.yaml"
        ),
    ]
    found = Layout(operations=ops)
    found.tag_services["notifications"] = Counter({"my_notifications": 1})
    return found


def test_segments_and_shared_prefix() -> None:
    assert segments("/projects/{projectId}/recent.json") == ["projects", "{}", "recent"]
    assert shared_prefix("/projects/{a}/x.json", "/projects/{b}") == 2
    assert shared_prefix("/projects.json", "/projects/{id}") == 1
    assert shared_prefix("/people.json", "/projects.json") == 0


def test_same_path_wins() -> None:
    service, reason = choose_service(layout(), "/projects/{id}", "ArchiveThing", "")
    assert (service, reason) == ("projects", "same path as other /projects/{id} methods")


def test_a_resource_named_after_the_verb() -> None:
    assert choose_service(layout(), "/elsewhere.json", "UpdateBoost", "")[0] == "boosts"
    assert choose_service(layout(), "/elsewhere.json", "ListEventBoosts", "")[0] == "boosts"
    # the start of the name wins over its end; the longest name wins
    assert choose_service(layout(), "/x.json", "GetProjectBoosts", "")[0] == "projects"


def test_the_resource_a_shared_prefix_names() -> None:
    service, reason = choose_service(layout(), "/todosets/{id}/hill.json", "GetHillChart", "")
    assert (service, reason) == ("todosets", "shares /todosets/{} with todosets operations")
    assert choose_service(layout(), "/projects/{id}/wallpaper.json", "SetWallpaper", "")[0] == (
        "projects"
    )


def test_upstream_tag_then_a_new_service() -> None:
    assert choose_service(layout(), "/circles.json", "ListPings", "notifications") == (
        "my_notifications",
        "upstream tag 'notifications' is mostly my_notifications",
    )
    assert choose_service(layout(), "/circles.json", "ListPings", "pings") == (
        "pings",
        "new service after upstream tag 'pings'",
    )


def test_parts() -> None:
    assert choose_part(layout(), "todolists", "/todolists/{id}/x.json", "") == (
        "parts/todos.yaml",
        False,
    )
    assert choose_part(layout(), "pings", "/circles.json", "notifications") == (
        "parts/my.yaml",
        False,
    )
    assert choose_part(layout(), "pings", "/circles.json", "pings") == ("parts/pings.yaml", True)


def test_method_names_are_new_readable_and_never_rename() -> None:
    found = layout()
    assert choose_method(found, "projects", "ListProjects") == "list_projects"
    assert choose_method(found, "projects", "TrashProject") == "trash"
    assert choose_method(found, "projects", "ReplaceProject", replace=True) == "replace"
    assert choose_method(found, "projects", "Filter") == "filter_2", "no builtin names"
    assert choose_method(found, "projects", "ProjectsGet") == "get_2", "nor the service again"
    assert choose_method(found, "projects", "Projects") == "projects"
    placed = place(found, "/projects/{id}", "delete", "TrashProject", "")
    assert (placed.service, placed.method_name, placed.part) == (
        "projects",
        "trash",
        "parts/projects.yaml",
    )
    assert choose_method(found, "projects", "TrashProject") == "trash_project"


def test_anchor_is_the_last_path_sharing_the_longest_prefix() -> None:
    paths = ["/projects.json", "/projects/{id}", "/projects/{id}/people.json", "/todos.json"]
    assert anchor(paths, "/projects/{id}/wallpaper.json") == "/projects/{id}/people.json"
    assert anchor(paths, "/projects/recent.json") == "/projects/{id}/people.json"
    assert anchor(paths, "/circles.json") is None


def test_placement_agrees_with_the_places_people_chose() -> None:
    """Each of our operations, taken out and placed again among the others (no upstream
    tags): the service and part chosen agree with ours for ~90% of them."""
    entry = yaml.safe_load(ENTRY.read_text(encoding="utf-8"))
    ops = []
    for rel in entry["x-parts"]:
        part = yaml.safe_load((ENTRY.parent / rel).read_text(encoding="utf-8"))
        for path, item in (part.get("paths") or {}).items():
            for method, op in item.items():
                ops.append(
                    Placed(
                        path,
                        method,
                        op["operationId"],
                        op["tags"][0],
                        op["x-sdk-method"],
                        rel,
                    )
                )
    same_service = same_part = 0
    for i, op in enumerate(ops):
        others = Layout(operations=[o for j, o in enumerate(ops) if j != i])
        placed = place(others, op.path, op.method, op.operation_id, "")
        same_service += placed.service == op.service
        same_part += placed.part == op.part
    assert len(ops) >= 250
    assert same_service / len(ops) >= 0.85, f"{same_service}/{len(ops)}"
    assert same_part / len(ops) >= 0.88, f"{same_part}/{len(ops)}"
