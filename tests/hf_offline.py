"""`datasets`, imported so that nothing touches the network or the user's ~/.cache.

`datasets` reads these variables when it is imported, so they are set here, before the import;
tests also pass their own `cache_dir`.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

_HOME = tempfile.mkdtemp(prefix="newscrawl-hf-home-")
atexit.register(shutil.rmtree, _HOME, ignore_errors=True)
os.environ["HF_HOME"] = _HOME
os.environ["HF_DATASETS_CACHE"] = os.path.join(_HOME, "datasets")
os.environ["HF_DATASETS_OFFLINE"] = "1"
os.environ["HF_HUB_OFFLINE"] = "1"

import datasets  # noqa: E402 - only after the variables above

datasets.disable_progress_bars()

__all__ = ["datasets"]
