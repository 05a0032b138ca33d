"""The commands behind `make eval`, `make bench`, `make bench-dedup` and `make demo`.

Run them as modules from the project root (`python -m scripts.bench`), so the project's own
packages (`newscrawl`, `devtools`) import without any path set-up.
"""
