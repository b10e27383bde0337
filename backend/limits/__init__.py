"""Rate limits (Redis token buckets) and alerts on unusual prior-case lookups."""
