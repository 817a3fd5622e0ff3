"""Local addresses: a free port on 127.0.0.1, and the check that a target is local.

Everything the harness starts listens on 127.0.0.1, and everything it sends goes
there: ``check_local`` refuses any other host before a load is aimed at it.
"""

from __future__ import annotations

import socket
from urllib.parse import urlparse

LOCAL_HOSTS = ("127.0.0.1", "localhost")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now.

    Another process may take it before the caller binds it; servers that can bind
    port 0 themselves should, and report the port they got.
    """
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def check_local(url: str) -> None:
    """Refuses any target that is not on this machine.

    Args:
        url: A base URL, e.g. ``http://127.0.0.1:5005``.

    Raises:
        ValueError: For any other host.
    """
    if urlparse(url).hostname not in LOCAL_HOSTS:
        raise ValueError(f"the harness only talks to 127.0.0.1, not {url}")
