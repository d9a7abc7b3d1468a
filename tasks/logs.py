"""The lines claimtrack writes to stderr (progress, outcomes, errors): text for people, or one
JSON object a line for log collectors (CLAIMTRACK_LOG_FORMAT=json), with Prefect's own logs in
JSON too."""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC, datetime
from typing import Any

from schemas.settings import get_settings


def json_logs() -> bool:
    try:
        return get_settings().log_format == "json"
    except Exception:  # invalid settings are reported as such, in text
        return os.environ.get("CLAIMTRACK_LOG_FORMAT", "").strip().lower() == "json"


def log_line(message: str, *, event: str = "message", level: str = "info", **fields: Any) -> None:
    """Write one line: the message, or {time, level, event, message, ...fields} in JSON."""
    if json_logs():
        record = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "level": level,
            "logger": "claimtrack",
            "event": event,
            "message": message,
            **{key: value for key, value in fields.items() if value is not None},
        }
        line = json.dumps(record, ensure_ascii=False, default=str)
    else:
        line = message
    print(line, file=sys.stderr, flush=True)


def prefect_json_logging() -> None:
    """Prefect's console handlers write JSON too (its logging config, set by environment)."""
    if not json_logs():
        return
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_FORMATTER", "json")
