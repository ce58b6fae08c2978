"""Demo users and teams: one or more in every role, all with the printed demo password."""

from __future__ import annotations

import os

from inyeon.core.models import Team, User
from inyeon.core.services import team_ensure, user_create

DEMO_PASSWORD_ENV = "INYEON_DEMO_PASSWORD"
DEFAULT_DEMO_PASSWORD = "inyeon-demo"

# (username, role, team key, language)
DEMO_USERS: list[tuple[str, str, str, str]] = [
    ("admin", "admin", "", "en"),
    ("manager", "manager", "region", "ko"),
    ("rep1", "sales_rep", "gangnam", "ko"),
    ("rep2", "sales_rep", "mapo", "ko"),
    ("marketer", "marketer", "region", "ko"),
    ("agent", "service_agent", "", "ko"),
    ("analyst", "analyst", "", "en"),
    ("viewer", "read_only", "mapo", "ko"),
]


def demo_password() -> str:
    return os.environ.get(DEMO_PASSWORD_ENV, DEFAULT_DEMO_PASSWORD)


def ensure_teams() -> dict[str, Team]:
    region = team_ensure(name="서울 지역 / Seoul region")
    return {
        "region": region,
        "gangnam": team_ensure(name="강남팀 / Gangnam", parent=region),
        "mapo": team_ensure(name="마포팀 / Mapo", parent=region),
    }


def ensure_users() -> dict[str, User]:
    teams = ensure_teams()
    users: dict[str, User] = {}
    for username, role, team_key, language in DEMO_USERS:
        existing = User.objects.filter(username=username).first()
        if existing is not None:
            users[username] = existing
            continue
        users[username] = user_create(
            username=username,
            password=demo_password(),
            role=role,
            team=teams.get(team_key),
            email=f"{username}@demo.inyeon.local",
            language=language,
            check_password=False,
        )
        if role == "admin":
            users[username].is_superuser = True
            users[username].save(update_fields=["is_superuser"])
    return users
