from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import settings

from devtools.redis_server import RedisServer
from tests.mocksite.server import MockWireSite

# In CI, property tests replay a fixed set of examples, so a run passes or fails on the code
# alone; locally they explore new examples every run.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture
def mock_site() -> Iterator[MockWireSite]:
    with MockWireSite() as site:
        yield site


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """One real Redis for the session; tests keep apart by key prefix (or database)."""
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    try:
        yield server
    finally:
        server.stop()
