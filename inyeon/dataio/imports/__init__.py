"""The import engine: one pipeline (read, map, normalise, validate, match, write) behind the CLI,
the web wizard and the API."""
