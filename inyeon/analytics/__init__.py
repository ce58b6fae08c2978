"""Customer analytics. `inyeon.analytics.models` is a pure library (numpy/scipy, never Django)."""
