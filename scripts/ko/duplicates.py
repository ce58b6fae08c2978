"""Korean translations of the duplicates messages (merged by scripts/ko_translations.py)."""

KO: dict[str, str] = {}
