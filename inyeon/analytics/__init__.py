"""Customer analytics. `inyeon.analytics.stats` is a pure library (numpy/scipy, never Django)."""
