"""``python -m codegen generate|check [--spec PATH] [--out DIR] [--package NAME]``."""

from __future__ import annotations

import argparse
import contextlib
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

from .generate import DEFAULT_PACKAGE, DEFAULT_SPEC, REPO, GenerateError, check, generate
from .loader import SpecError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m codegen", description="Generate the SDK from an OpenAPI description."
    )
    parser.add_argument("command", choices=("generate", "check"))
    parser.add_argument(
        "--spec",
        type=Path,
        default=DEFAULT_SPEC,
        help="entry file of the description: our openapi/openapi.yaml (default) or a "
        "single JSON/YAML file such as Basecamp's published openapi.json",
    )
    parser.add_argument(
        "--package",
        default=DEFAULT_PACKAGE,
        help=f"dotted name of the generated package (default {DEFAULT_PACKAGE}); "
        "it decides the output directory when --out is not given",
    )
    parser.add_argument("--out", type=Path, help="output directory (replaced as a whole)")
    parser.add_argument(
        "--extensions",
        type=Path,
        help="hand-written mixins and services to wire in (default: codegen/extensions.yaml "
        f"for {DEFAULT_PACKAGE}, none for other packages)",
    )
    return parser


@contextlib.contextmanager
def _warnings_shown() -> Iterator[None]:
    """Print the generator's warnings (an extension left out, …) as ``warning: …`` lines."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            yield
        finally:
            for warning in caught:
                print(f"warning: {warning.message}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    package: str = args.package
    if not all(part.isidentifier() for part in package.split(".")):
        print(f"error: --package {package!r} is not a dotted Python name", file=sys.stderr)
        return 2
    out: Path = args.out or REPO / "src" / Path(*package.split("."))
    try:
        if args.command == "check":
            with _warnings_shown():
                changed = check(args.spec, out, package=package, extensions=args.extensions)
            if changed:
                print(f"{out} is out of date with {args.spec}; run `make generate`.")
                for rel in changed:
                    print(f"  differs: {rel}")
                return 1
            print(f"{out} is up to date.")
            return 0
        with _warnings_shown():
            api = generate(args.spec, out, package=package, extensions=args.extensions)
    except (SpecError, GenerateError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(
        f"generated {package} in {out}: {len(api.services)} services, "
        f"{len(api.operations)} operations, {len(api.models)} models"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
