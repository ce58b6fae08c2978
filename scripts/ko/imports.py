"""Korean translations of the imports messages (merged by scripts/ko_translations.py)."""

KO: dict[str, str] = {}
