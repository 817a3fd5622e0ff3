"""Staff accounts for the console: names, roles, scrypt password hashes, and where they are kept.

``passwords`` hashes and checks passwords; ``accounts`` is the account model and
its two stores (Redis in Redis mode, a file under ``KW_STATE_DIR`` otherwise).
``bot staff add|list|disable|passwd`` (``bot.cli.staff``) manages them; there is
no default account and no default password.
"""
