"""The imitated wire sites as data: `site.Site` reads `sites/<service>/` (manifest and pages)."""
