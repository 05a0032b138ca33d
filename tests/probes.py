"""Functions a test runs in an extraction worker to see what it holds; importing this module
loads nothing else."""

from __future__ import annotations

import sys


def modules_loaded(names: list[str]) -> list[str]:
    """Which of `names` the process has imported."""
    return [name for name in names if name in sys.modules]
