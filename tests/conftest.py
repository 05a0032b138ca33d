from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.mocksite.server import MockWireSite


@pytest.fixture
def mock_site() -> Iterator[MockWireSite]:
    with MockWireSite() as site:
        yield site
