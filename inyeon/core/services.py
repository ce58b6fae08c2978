"""Writes for users, teams and API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inyeon.core import token_cache
from inyeon.core.audit import audit
from inyeon.core.models import ApiToken, Team, User
from inyeon.core.roles import Role

TOKEN_PREFIX = "iny_"


def team_ensure(*, name: str, parent: Team | None = None, actor: User | None = None) -> Team:
    """Return the team called `name`, creating it (under `parent`) if it does not exist."""
    name = name.strip()
    if not name:
        raise ValidationError({"team": _("A team needs a name.")})
    with transaction.atomic():
        team = Team.objects.filter(name=name).first()
        if team is not None:
            return team
        team = Team.objects.create(name=name, parent=parent)
        team.path = f"{parent.path if parent else '/'}{team.pk}/"
        team.save(update_fields=["path"])
        audit(
            actor=actor,
            action="create",
            entity="team",
            entity_id=team.pk,
            changes={"name": [None, name], "parent": [None, parent.pk if parent else None]},
        )
    return team


def user_create(
    *,
    username: str,
    password: str,
    role: str,
    team: Team | None = None,
    email: str = "",
    language: str = "",
    actor: User | None = None,
    check_password: bool = True,
) -> User:
    if role not in Role.values:
        raise ValidationError(
            {"role": _("Role must be one of: %(roles)s.") % {"roles": ", ".join(Role.values)}}
        )
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": _("A user with this username already exists.")})
    user = User(username=username, role=role, team=team, email=email, language=language)
    if check_password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from None
    user.set_password(password)
    user.is_staff = role == Role.ADMIN
    with transaction.atomic():
        user.save()
        audit(
            actor=actor,
            action="create",
            entity="user",
            entity_id=user.pk,
            changes={
                "username": [None, username],
                "role": [None, role],
                "team": [None, team.pk if team else None],
            },
        )
    return user


def user_set_language(*, user: User, language: str) -> None:
    if language not in ("ko", "en"):
        raise ValidationError({"language": _("Language must be ko or en.")})
    old = user.language
    user.language = language
    with transaction.atomic():
        user.save(update_fields=["language"])
        audit(
            actor=user,
            action="update",
            entity="user",
            entity_id=user.pk,
            changes={"language": [old, language]},
        )


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_create(*, user: User, name: str = "", actor: User | None = None) -> tuple[ApiToken, str]:
    """Create an API token for `user`; returns the row and the token text (shown only once)."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, name=name, prefix=raw[:12], digest=_digest(raw))
        audit(
            actor=actor,
            action="create",
            entity="api_token",
            entity_id=token.pk,
            changes={"user": [None, user.pk], "prefix": [None, token.prefix]},
        )
    return token, raw


def token_revoke(*, token: ApiToken, actor: User | None = None) -> None:
    if token.revoked_at is not None:
        return
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit(
            actor=actor,
            action="update",
            entity="api_token",
            entity_id=token.pk,
            changes={"revoked_at": [None, token.revoked_at.isoformat()]},
        )


def token_authenticate(raw: str) -> User | None:
    """The active user a bearer token belongs to, or None for an unknown or revoked token."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    digest = _digest(raw)
    remembered = token_cache.recall(digest)
    if remembered is not None:
        return remembered
    token = ApiToken.objects.select_related("user").filter(digest=digest, revoked_at__isnull=True).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token_cache.remember(digest, token.user)
    return token.user
