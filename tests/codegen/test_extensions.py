"""codegen/extensions.yaml: hand-written mixins and services wired into the generated
classes — parsed strictly, checked against the description, rendered lazily."""

from __future__ import annotations

import importlib
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

from codegen.extensions import DEFAULT_EXTENSIONS, ExtensionSkipped, load, parse
from codegen.generate import DEFAULT_PACKAGE, api_from, extensions_for
from codegen.loader import SpecError

from .support import FIXTURE_SPEC, generated_package

EXTRAS = '''
"""Hand-written additions for the fixture package."""

class AsyncWidgetsExtras:
    __slots__ = ()

    async def shout(self, *, text: str) -> str:
        return text.upper() + repr(self._session.account_id)


class WidgetsExtras:
    __slots__ = ()

    def shout(self, *, text: str) -> str:
        return self._runner.run(self._a.shout, text=text)


class AsyncGadgets:
    def __init__(self, session):
        self.session = session


class Gadgets:
    def __init__(self, async_service, runner):
        self.async_service = async_service
        self.runner = runner
'''

SPEC = {
    "mixins": {
        "widgets": {
            "async": "fixture_extras:AsyncWidgetsExtras",
            "sync": ["fixture_extras:WidgetsExtras"],
        }
    },
    "services": {
        "gadgets": {
            "summary": "Gadgets, written by hand.\nSecond line.",
            "async": "fixture_extras:AsyncGadgets",
            "sync": "fixture_extras:Gadgets",
        }
    },
}


def test_the_fixture_package_inherits_mixins_and_gains_services(tmp_path: Path) -> None:
    (tmp_path / "fixture_extras.py").write_text(textwrap.dedent(EXTRAS), encoding="utf-8")
    sys.path.insert(0, str(tmp_path))
    try:
        with generated_package(api_from(FIXTURE_SPEC), tmp_path, "ext_sdk", parse(SPEC)) as package:
            source = (Path(package.__file__).parent / "account.py").read_text()
            assert "from fixture_extras import AsyncGadgets" in source
            assert '"""Gadgets, written by hand."""' in source
            assert "fixture_extras" not in sys.modules  # imported on first use only
            account_module = importlib.import_module("ext_sdk.account")
            widgets = importlib.import_module("ext_sdk.services.widgets")
            extras = sys.modules["fixture_extras"]
            assert issubclass(widgets.AsyncWidgetsService, extras.AsyncWidgetsExtras)
            sync_widgets = importlib.import_module("ext_sdk.sync.widgets")
            assert issubclass(sync_widgets.WidgetsService, extras.WidgetsExtras)
            from basecamp_client import Basecamp

            with Basecamp(access_token="t", user_agent="ext tests (t@example.com)") as bc:
                runner = bc._runner
                session = bc._async.for_account(5)._session
                account: Any = account_module.AsyncAccount(session)
                sync: Any = account_module.SyncAccount(account, runner)
                assert isinstance(account.gadgets, extras.AsyncGadgets)
                assert account.gadgets.session is session
                assert sync.gadgets.async_service is account.gadgets
                assert sync.widgets.shout(text="hi") == "HI5"
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("fixture_extras", None)


def test_extensions_are_checked_against_the_description() -> None:
    api = api_from(FIXTURE_SPEC)
    from codegen.emit import render

    unknown = parse({"mixins": {"nope": {"async": "m:A", "sync": "m:B"}}})
    with pytest.warns(ExtensionSkipped, match=r"no service 'nope' in the description.*m:A"):
        files = render(api, "x", unknown)
    assert "from m import" not in "".join(files.values()), "a skipped mixin is not wired in"
    clash = parse({"services": {"widgets": {"summary": "s", "async": "m:A", "sync": "m:B"}}})
    with pytest.raises(SpecError, match="also generated"):
        render(api, "x", clash)
    reserved = parse({"services": {"call": {"summary": "s", "async": "m:A", "sync": "m:B"}}})
    with pytest.raises(SpecError, match="reserved"):
        render(api, "x", reserved)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "the document must be a mapping"),
        ({"plugins": {}}, "unknown sections"),
        ({"mixins": {"w": {"async": "m:A"}}}, "exactly 'async' and 'sync'"),
        ({"mixins": {"w": {"async": "not a ref", "sync": "m:B"}}}, "package.module:ClassName"),
        ({"services": {"Bad-Name": {"summary": "", "async": "m:A", "sync": "m:B"}}}, "snake_case"),
        ({"services": {"x": {"async": "m:A", "sync": "m:B"}}}, "'summary', 'async' and 'sync'"),
    ],
)
def test_malformed_extension_files_are_refused(document: object, message: str) -> None:
    with pytest.raises(SpecError, match=message):
        parse(document)


def test_the_sdk_wires_its_own_extensions_and_they_import(tmp_path: Path) -> None:
    ours = load(DEFAULT_EXTENSIONS)
    assert extensions_for(DEFAULT_PACKAGE) == ours
    assert extensions_for("other_package").services == ()
    assert set(ours.mixins) == {"uploads"}
    assert [s.name for s in ours.services] == ["downloads", "event_feed"]
    refs = [r for m in ours.mixins.values() for r in (*m.async_bases, *m.sync_bases)]
    refs += [r for s in ours.services for r in (s.async_class, s.sync_class)]
    for ref in refs:
        assert isinstance(getattr(importlib.import_module(ref.module), ref.name), type)
    copy = tmp_path / "ext.yaml"
    copy.write_text(yaml.safe_dump({"mixins": {}}), encoding="utf-8")
    assert extensions_for(DEFAULT_PACKAGE, copy).mixins == {}
    with pytest.raises(SpecError, match="cannot read"):
        load(tmp_path / "missing.yaml")
