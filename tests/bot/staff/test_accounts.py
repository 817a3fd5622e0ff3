"""Staff accounts: scrypt hashes, the two stores, roles."""

from __future__ import annotations

import pytest

from bot.staff.accounts import (
    Account,
    AccountError,
    FileAccountStore,
    RedisAccountStore,
    allows,
    check_name,
)
from bot.staff.passwords import DUMMY_HASH, WeakPassword, hash_password, verify_password


def test_password_hashes_are_salted_scrypt_and_verify_in_constant_time() -> None:
    first, second = hash_password("correct horse"), hash_password("correct horse")
    assert first.startswith("scrypt$16384$8$1$") and first != second
    assert verify_password("correct horse", first) and not verify_password("correct hors", first)
    assert not verify_password("anything", DUMMY_HASH) and not verify_password("x", "garbage")
    with pytest.raises(WeakPassword):
        hash_password("short")


def test_names_and_roles() -> None:
    assert check_name(" Kim.Li ") == "kim.li"
    for bad in ("", "../etc", "a b", "x" * 40):
        with pytest.raises(AccountError):
            check_name(bad)
    assert allows("admin", "publisher") and allows("publisher", "editor")
    assert not allows("editor", "publisher") and not allows("publisher", "admin")


@pytest.fixture(params=["file", "redis"])
def accounts(request, tmp_path):
    if request.param == "file":
        return FileAccountStore(tmp_path / "staff" / "accounts.json")
    return RedisAccountStore(
        request.getfixturevalue("redis_client"), request.getfixturevalue("redis_prefix")
    )


def test_create_get_put(accounts) -> None:
    kim = Account("kim", "editor", hash_password("a long password"))
    accounts.create(kim)
    with pytest.raises(AccountError):
        accounts.create(kim)
    accounts.put(kim.with_changes(role="publisher"))
    assert accounts.get("KIM").role == "publisher" and [a.name for a in accounts.all()] == ["kim"]
    assert accounts.get("nobody") is None


def test_the_account_file_is_private(tmp_path) -> None:
    store = FileAccountStore(tmp_path / "accounts.json")
    store.create(Account("li", "admin", hash_password("a long password")))
    assert (tmp_path / "accounts.json").stat().st_mode & 0o077 == 0
