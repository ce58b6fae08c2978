"""API authentication: bearer tokens (`Authorization: Bearer iny_...`) or the signed-in web session."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import translation
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from inyeon.api.problems import CsrfFailed
from inyeon.core.services import token_authenticate


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_authenticate(token)
        if user is None:
            # A token that is unknown, revoked or of an inactive user is a 401 even when the
            # browser also carries a session: the client asked to be this token.
            raise AuthenticationError()
        request.user = user
        # The language middleware ran before we knew the user; honour their setting as it would.
        if user.language in ("ko", "en"):
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return user


class Session(SessionAuth):
    """The signed-in web session; unsafe methods need the CSRF token, as in the web UI."""

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None  # anonymous: a 401, not a CSRF failure
        if self.csrf and check_csrf(request) is not None:
            raise CsrfFailed()
        return user
