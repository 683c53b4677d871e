"""Client names, as they appear in the results (kept apart: cheap to import)."""

RAW = "raw httpx"
OURS = "basecamp-client"
OURS_NO_CACHE = "basecamp-client (cache off)"
OFFICIAL = "basecamp-sdk"
OURS_LOCAL = "basecamp-client (per-process limits)"
OURS_SHARED = "basecamp-client (shared limits, Redis)"
