"""Fixtures shared by the server tests."""

from __future__ import annotations

import pytest
from rasa.shared.core.domain import Domain

from harness.project import ROOT


@pytest.fixture(scope="module")
def domain() -> Domain:
    """The assistant's own domain.yml, as the tracker stores get it from Rasa."""
    return Domain.load(str(ROOT / "domain.yml"))
