"""A local mock of the wire sites (Reuters, AP, AFP, UPI) and a generic newspaper, for tests.

`MockWireSite` serves them on 127.0.0.1; the fixture pages and each site's manifest live under
`devtools/mocksite/sites/<service>/`. Every story there is invented for this project.
"""

from __future__ import annotations

from tests.mocksite.server import MockWireSite

__all__ = ["MockWireSite"]
