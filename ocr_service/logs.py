"""Logging that never writes a full personal ID number.

Citizen ID numbers appear in request paths (``/v1/citizens/{id}/documents``) and could reach a
log through any message; this filter masks every run of 9 to 12 digits (keeps the first and
last three) in the message and arguments of every record, before any handler writes it.
"""

from __future__ import annotations

import copy
import logging
import re
from typing import Any

# Standalone runs only: the digits inside a UUID or a hex digest are not ID numbers.
_ID_RUN = re.compile(r"(?<![0-9A-Za-z-])(\d{3})\d{3,6}(\d{3})(?![0-9A-Za-z-])")


def mask_ids(text: str) -> str:
    return _ID_RUN.sub(lambda m: f"{m.group(1)}******{m.group(2)}", text)


class MaskIdNumbers(logging.Filter):
    """Masks the message and each string argument in place, keeping the record's shape
    (uvicorn's access formatter unpacks ``args`` as a 5-tuple)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = mask_ids(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(mask_ids(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: mask_ids(v) if isinstance(v, str) else v for k, v in record.args.items()}
        return True


def uvicorn_log_config() -> dict[str, Any]:
    """Uvicorn's own logging config with the mask on both of its handlers."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["mask_ids"] = {"()": "ocr_service.logs.MaskIdNumbers"}
    for handler in config["handlers"].values():
        handler.setdefault("filters", []).append("mask_ids")
    return config


def install_root_filter() -> None:
    for handler in logging.getLogger().handlers:
        handler.addFilter(MaskIdNumbers())
