"""Project commands: `crawl` (health-aware exit code) and `cronrun` (for cron)."""
