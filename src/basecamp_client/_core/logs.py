"""Standard :mod:`logging` under ``basecamp_client``, with secrets redacted.

Nothing is configured unless asked: set ``BASECAMP_LOG=debug`` (every request with its
redacted headers) or ``BASECAMP_LOG=info`` (one line per request, retries, refreshes)
to have the client attach a stderr handler, or configure the ``basecamp_client``
logger yourself.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterable, Mapping

from .errors import UsageError

logger = logging.getLogger("basecamp_client")

#: Headers whose values never reach a log line or a hook payload.
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})
REDACTED = "<redacted>"

_LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "error": logging.ERROR,
}
_OFF = frozenset({"", "0", "off", "false", "none"})
_configured = False


def redact_headers(
    headers: Mapping[str, str] | Iterable[tuple[str, str]],
    also: frozenset[str] = frozenset(),
) -> dict[str, str]:
    """A copy of ``headers`` with credentials and cookies replaced by ``<redacted>``.

    ``also`` names (in lower case) further headers to redact, such as those a custom
    auth object sets.
    """
    items = headers.items() if isinstance(headers, Mapping) else headers
    hidden = SECRET_HEADERS | also if also else SECRET_HEADERS
    return {k: (REDACTED if k.lower() in hidden else v) for k, v in items}


def configure_from_env(environ: Mapping[str, str] | None = None) -> None:
    """Honour ``BASECAMP_LOG`` once per process: attach a stderr handler at that level.

    Does nothing when the variable is unset or when the ``basecamp_client`` logger
    already has a handler (the application configured logging itself). Any other value
    than a level or ``off`` is a :class:`UsageError`.
    """
    global _configured
    if _configured and environ is None:
        return
    env = os.environ if environ is None else environ
    wanted = env.get("BASECAMP_LOG", "").strip().lower()
    level = _LEVELS.get(wanted)
    if level is None and wanted not in _OFF:
        # A typo (``verbose``) would otherwise leave the user waiting for logs that never
        # come; refused each time, so every client built meanwhile says so.
        raise UsageError(
            f"BASECAMP_LOG={env['BASECAMP_LOG'].strip()!r} is not a log level: use debug, "
            "info, warning or error (or off, or leave it unset)"
        )
    _configured = True
    if level is None:
        return
    logger.setLevel(level)
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        logger.addHandler(handler)
