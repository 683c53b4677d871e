"""codegen.yaml_edit: each edit changes only the lines of the node it touches."""

from __future__ import annotations

import difflib
import textwrap

import pytest
import yaml

from codegen.yaml_edit import EditError, YamlFile, dump

SOURCE = textwrap.dedent(
    """\
    # A part, hand-written: this comment and the odd spacing below must survive.
    paths:
      /things/{id}:
        get:
          operationId: GetThing   # trailing comment
          tags: [things]
          parameters:
          - name: id
            in: path
            required: true
            schema: {type: integer}
          responses:
            '200':
              description: OK.
          x-basecamp-retry:
            maxAttempts: 3
            retryOn: [429, 503]

    # Schemas follow.
    components:
      schemas:
        Thing:
          type: object
          properties:
            id:
              type: integer
          required: [id]
    """
)


def changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def test_replacing_a_value_touches_only_its_lines() -> None:
    f = YamlFile(SOURCE)
    retry = ["paths", "/things/{id}", "get", "x-basecamp-retry"]
    f.set(retry, {"maxAttempts": 5, "retryOn": [429, 503]})
    assert changed_lines(SOURCE, f.text) == ["-        maxAttempts: 3", "+        maxAttempts: 5"]
    assert "# trailing comment" in f.text
    assert "# Schemas follow." in f.text
    assert f.changed
    assert f.edits == 1


def test_adding_keys_at_the_end_or_after_a_sibling() -> None:
    f = YamlFile(SOURCE)
    f.set(["components", "schemas", "Thing", "properties", "name"], {"type": ["string", "null"]})
    f.set(["paths", "/things/{id}", "get", "x-sdk-method"], "get", after="tags")
    assert changed_lines(SOURCE, f.text) == [
        "+      x-sdk-method: get",
        "+        name:",
        "+          type: [string, 'null']",
    ]
    assert list(f.get(["paths", "/things/{id}", "get"])) == [
        "operationId",
        "tags",
        "x-sdk-method",
        "parameters",
        "responses",
        "x-basecamp-retry",
    ]


def test_appending_to_block_and_flow_sequences() -> None:
    f = YamlFile(SOURCE)
    params = ["paths", "/things/{id}", "get", "parameters"]
    f.append(params, {"name": "q", "in": "query", "schema": {"type": "string"}})
    f.append(["paths", "/things/{id}", "get", "tags"], "more")
    assert changed_lines(SOURCE, f.text) == [
        "-      tags: [things]",
        "+      tags: [things, more]",
        "+      - name: q",
        "+        in: query",
        "+        schema:",
        "+          type: string",
    ]
    f.append(["paths", "/things/{id}", "get", "security"], {"oauth2": []})
    assert f.get(["paths", "/things/{id}", "get", "security"]) == [{"oauth2": []}]


def test_deleting_and_renaming_keep_the_rest() -> None:
    f = YamlFile(SOURCE)
    f.rename(["paths", "/things/{id}", "get", "responses", "200"], "201")
    f.delete(["paths", "/things/{id}", "get", "x-basecamp-retry"])
    assert changed_lines(SOURCE, f.text) == [
        "-        '200':",
        "+        '201':",
        "-      x-basecamp-retry:",
        "-        maxAttempts: 3",
        "-        retryOn: [429, 503]",
    ]
    with pytest.raises(EditError, match="opens a sequence item"):
        f.delete(["paths", "/things/{id}", "get", "parameters", 0, "name"])


def test_replacing_the_first_key_of_a_sequence_item_keeps_the_dash() -> None:
    f = YamlFile(SOURCE)
    f.set(["paths", "/things/{id}", "get", "parameters", 0, "name"], "thing_id")
    assert changed_lines(SOURCE, f.text) == ["-      - name: id", "+      - name: thing_id"]


def test_a_flow_or_empty_mapping_is_rewritten_whole() -> None:
    f = YamlFile("paths: {}\nother: 1\n")
    f.set(["paths", "/x"], {"get": {"operationId": "X"}})
    assert f.text == "paths:\n  /x:\n    get:\n      operationId: X\nother: 1\n"
    g = YamlFile(SOURCE)
    g.set(["paths", "/things/{id}", "get", "parameters", 0, "schema", "format"], "int64")
    assert g.get(["paths", "/things/{id}", "get", "parameters", 0, "schema"]) == {
        "type": "integer",
        "format": "int64",
    }


def test_long_values_wrap_as_a_whole_file_dump_would() -> None:
    base = {"a": {"b": {"c": {"description": "word " * 40, "enum": list("abcdefghij") * 3}}}}
    text = dump(base)
    f = YamlFile(dump({"a": {"b": {"c": {}}}}).replace("c: {}", "c:\n      x: 1"))
    f.set(["a", "b", "c"], base["a"]["b"]["c"])
    assert f.text == text, "emitted at its column, wrapped at 100 like the rest"


def test_edits_are_checked_against_the_data() -> None:
    f = YamlFile(SOURCE)
    with pytest.raises(EditError, match="not a mapping"):
        f.set(["paths", "/things/{id}", "get", "tags", "x"], 1)
    with pytest.raises(EditError, match="no 'nope'"):
        f.delete(["paths", "nope"])
    with pytest.raises(EditError, match="cannot rename"):
        f.rename(["paths", "/things/{id}", "get", "responses", "200"], "200")
    assert f.text == SOURCE, "nothing changed after refused edits"
    assert not f.changed


def test_our_style_round_trips() -> None:
    data = {
        "paths": {
            "/x": {
                "get": {
                    "tags": ["x"],
                    "parameters": [{"name": "id", "in": "path", "schema": {"type": "integer"}}],
                    "responses": {"200": {"description": "OK."}},
                }
            }
        }
    }
    text = dump(data)
    assert "tags: [x]" in text
    assert "      parameters:\n      - name: id\n" in text, "a sequence sits at its key's column"
    assert yaml.safe_load(text) == data
