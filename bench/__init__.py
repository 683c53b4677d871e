"""`make bench`: basecamp-client against raw httpx and the official SDK (docs/performance.md)."""
