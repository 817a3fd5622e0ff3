"""Reading a connector's section of credentials.yml.

Rasa expands ``${VARIABLE}`` in credentials.yml before ``from_credentials`` sees
the section, so every value arrives as a string; an empty string means the
variable was set but empty and counts as missing. These helpers turn the section
into typed settings and fail loudly, naming the variable to set.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from channels.common.errors import ChannelConfigError


def _raw(credentials: Mapping[str, Any] | None, key: str) -> str:
    if not credentials:
        return ""
    value = credentials.get(key)
    return "" if value is None else str(value).strip()


def required_str(credentials: Mapping[str, Any] | None, key: str, variable: str) -> str:
    """Returns a value that must be present.

    Args:
        credentials: The channel's section of credentials.yml.
        key: The key in that section.
        variable: The environment variable that feeds it (named in the error).

    Returns:
        The non-empty value.

    Raises:
        ChannelConfigError: When it is missing or empty.
    """
    value = _raw(credentials, key)
    if not value:
        raise ChannelConfigError(f"'{key}' is missing: set {variable}")
    return value


def optional_str(credentials: Mapping[str, Any] | None, key: str, default: str = "") -> str:
    """Returns a value, or ``default`` when it is missing or empty."""
    return _raw(credentials, key) or default


def optional_float(
    credentials: Mapping[str, Any] | None,
    key: str,
    default: float,
    minimum: float,
    maximum: float,
) -> float:
    """Returns a number within bounds, or ``default`` when missing.

    Raises:
        ChannelConfigError: When the value is not a number within the bounds.
    """
    raw = _raw(credentials, key)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise ChannelConfigError(f"'{key}' must be a number, got {raw!r}") from exc
    if not minimum <= value <= maximum:
        raise ChannelConfigError(f"'{key}' must be between {minimum} and {maximum}, got {value}")
    return value


def optional_choice(
    credentials: Mapping[str, Any] | None, key: str, default: str, choices: tuple[str, ...]
) -> str:
    """Returns one of ``choices``, or ``default`` when missing.

    Raises:
        ChannelConfigError: When the value is not one of the choices.
    """
    value = (_raw(credentials, key) or default).lower()
    if value not in choices:
        raise ChannelConfigError(f"'{key}' must be one of {', '.join(choices)}, got {value!r}")
    return value
