"""The intent names domain.yml declares, read once.

A WeChat menu key or QR scene that names an intent is sent to Rasa as
``/intent``; only names the domain declares qualify, so the list cannot drift
from the model's. The file is found next to the ``channels`` package (the
repository root), whatever the working directory.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

from channels.common.errors import ChannelConfigError

DOMAIN_PATH = Path(__file__).resolve().parents[2] / "domain.yml"


@functools.lru_cache(maxsize=4)
def domain_intents(path: Path = DOMAIN_PATH) -> frozenset[str]:
    """Reads the ``intents`` of a Rasa domain file.

    Args:
        path: The domain file; the repository's domain.yml when omitted.

    Returns:
        The intent names (an entry may be a name or a one-key mapping with options).

    Raises:
        ChannelConfigError: When the file is missing, unreadable or lists no intent.
    """
    try:
        with open(path, encoding="utf-8") as handle:
            data: Any = yaml.safe_load(handle) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ChannelConfigError(f"cannot read the intents of {path}: {exc}") from exc
    entries = data.get("intents") if isinstance(data, dict) else None
    names = {
        name
        for entry in entries or []
        for name in (entry if isinstance(entry, dict) else [entry])
        if isinstance(name, str)
    }
    if not names:
        raise ChannelConfigError(f"{path} lists no intents")
    return frozenset(names)
