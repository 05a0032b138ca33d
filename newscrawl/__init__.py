"""newscrawl: crawl wire-service news and write clean, deduplicated JSONL."""

__version__ = "0.1.0"
