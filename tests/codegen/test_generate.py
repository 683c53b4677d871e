"""The generator as a whole: golden output, determinism, the CLI and the drift check."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from codegen.__main__ import main
from codegen.generate import api_from, check, differences, generate, render_to
from codegen.loader import SpecError

from .support import FIXTURE_SPEC, FIXTURES, OUR_SPEC, snapshot

GOLDEN = FIXTURES / "golden.txt"


def test_fixture_matches_golden(tmp_path: Path) -> None:
    """The generator's output for the fixture, file by file. After an intended change
    to the generator, refresh with ``UPDATE_GOLDEN=1 make pytest`` and review the diff."""
    render_to(api_from(FIXTURE_SPEC), tmp_path / "fixture_sdk", "fixture_sdk")
    text = snapshot(tmp_path / "fixture_sdk")
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")


def test_output_is_deterministic(tmp_path: Path) -> None:
    render_to(api_from(OUR_SPEC), tmp_path / "a", "basecamp_client._generated")
    render_to(api_from(OUR_SPEC), tmp_path / "b", "basecamp_client._generated")
    assert differences(tmp_path / "a", tmp_path / "b") == []


def test_committed_generated_code_is_current() -> None:
    assert check() == [], "run `make generate` and commit the result"


def test_check_reports_drift_and_generate_repairs_it(tmp_path: Path) -> None:
    out = tmp_path / "fixture_sdk"
    generate(FIXTURE_SPEC, out, package="fixture_sdk")
    assert check(FIXTURE_SPEC, out, package="fixture_sdk") == []
    (out / "services" / "widgets.py").write_text("# edited by hand\n")
    (out / "stale.py").write_text("")
    shutil.rmtree(out / "sync")
    changed = check(FIXTURE_SPEC, out, package="fixture_sdk")
    assert "services/widgets.py" in changed
    assert "stale.py" in changed
    assert "sync/widgets.py" in changed
    generate(FIXTURE_SPEC, out, package="fixture_sdk")
    assert check(FIXTURE_SPEC, out, package="fixture_sdk") == []
    assert not (out / "stale.py").exists()


def test_cli_generate_and_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "pkg"
    args = ["--spec", str(FIXTURE_SPEC), "--out", str(out), "--package", "pkg"]
    assert main(["generate", *args]) == 0
    assert "2 services, 9 operations" in capsys.readouterr().out
    assert main(["check", *args]) == 0
    (out / "account.py").write_text("")
    assert main(["check", *args]) == 1
    assert "differs: account.py" in capsys.readouterr().out


def test_cli_reports_bad_input_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["generate", "--spec", str(tmp_path / "missing.yaml"), "--out", str(tmp_path)]) == 1
    assert "cannot read" in capsys.readouterr().err
    assert main(["generate", "--package", "not-a-name", "--out", str(tmp_path)]) == 2
    assert "not a dotted Python name" in capsys.readouterr().err


def test_a_failed_run_leaves_the_previous_output_alone(tmp_path: Path) -> None:
    out = tmp_path / "pkg"
    generate(FIXTURE_SPEC, out, package="pkg")
    before = snapshot(out)
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "openapi: 3.1.0\ninfo: {title: x, version: '1'}\npaths:\n"
        "  /a/{id}:\n    get:\n      operationId: GetA\n"
        "      responses: {'200': {description: ok}}\n"
    )
    with pytest.raises(SpecError, match=r"GetA .*placeholders without a parameter: \['id'\]"):
        generate(broken, out, package="pkg")
    assert snapshot(out) == before
