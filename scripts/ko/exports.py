"""Korean translations of the exports messages (merged by scripts/ko_translations.py)."""

KO: dict[str, str] = {}
