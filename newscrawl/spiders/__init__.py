"""Spiders discover and fetch; they yield `Page` items and never parse article text."""
