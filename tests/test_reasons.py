"""The drop-reason registry (`newscrawl.reasons`) and the README's "Bad input" table agree."""

from __future__ import annotations

import re

from newscrawl.reasons import MEANINGS, Reason
from tests.crawling import PROJECT_DIR


def readme_reasons() -> dict[str, str]:
    text = (PROJECT_DIR / "README.md").read_text("utf-8")
    section = text.split("## Bad input", 1)[1].split("\n## ", 1)[0]
    return dict(re.findall(r"^\| `([a-z_/]+)` \| (.+?) \|$", section, flags=re.MULTILINE))


def test_every_reason_has_a_meaning() -> None:
    assert set(MEANINGS) == set(Reason)
    assert all(meaning.strip() for meaning in MEANINGS.values())


def test_the_readme_table_lists_the_registry() -> None:
    assert readme_reasons() == {str(reason): meaning for reason, meaning in MEANINGS.items()}
