"""Everything the console's pages use, built once from the settings.

Redis mode shares one client between the content store, the draft, accounts,
sessions, login counts, the audit log, usage counts and the unanswered log;
embedded mode uses the content folder, ``KW_STATE_DIR`` and memory. Pages get a
``Services`` and never build their own stores.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.content.draft import DraftStore, open_drafts
from bot.content.loader import read_content_texts
from bot.content.store import ContentStore, open_store
from bot.settings import Settings
from bot.staff.accounts import AccountStore, open_accounts
from bot.staff.audit import AuditLog, open_audit
from bot.unanswered.log import UnansweredLog, open_log
from bot.usage.store import UsageStore, open_usage
from console.guard import Limits, LoginGuard
from console.handled import HandledGroups, open_handled
from console.preview import PreviewAgent
from console.sessions import MemorySessionStore, RedisSessionStore, SessionStore


@dataclass
class Services:
    """The console's stores and helpers."""

    settings: Settings
    content: ContentStore
    drafts: DraftStore
    accounts: AccountStore
    audit: AuditLog
    sessions: SessionStore
    guard: LoginGuard
    usage: UsageStore
    unanswered: UnansweredLog
    handled: HandledGroups
    preview: PreviewAgent

    def live_texts(self) -> dict[str, str]:
        """The texts visitors are answered from: the live version, else the content folder."""
        texts = self.content.live_texts()
        return texts if texts is not None else read_content_texts(self.settings.content_dir)


def build_services(settings: Settings, client: Any = None) -> Services:
    """The services of these settings.

    Args:
        settings: The settings.
        client: A Redis client to share (Redis mode); one is opened when None.
    """
    idle = settings.console_idle_minutes * 60
    limits = Limits(
        settings.login_slow_after,
        settings.login_lock_after,
        settings.login_lock_address_after,
        settings.login_lock_minutes * 60,
    )
    if settings.redis_url and client is None:
        from bot.redis_client import connect

        client = connect(settings.redis_url, max(settings.redis_timeout, 2.0))
    sessions: SessionStore = (
        RedisSessionStore(client, settings.redis_prefix, idle)
        if client
        else MemorySessionStore(idle)
    )
    return Services(
        settings=settings,
        content=open_store(settings),
        drafts=open_drafts(settings, client),
        accounts=open_accounts(settings, client),
        audit=open_audit(settings, client),
        sessions=sessions,
        guard=LoginGuard(limits, client, settings.redis_prefix),
        usage=open_usage(settings, client),
        unanswered=open_log(
            settings.redis_url,
            settings.redis_prefix,
            max(settings.redis_timeout, 2.0),
            settings.unanswered_days,
            settings.unanswered_file,
            settings.hash_salt,
        ),
        handled=open_handled(settings, client),
        preview=PreviewAgent(settings.model, settings.log_level),
    )
