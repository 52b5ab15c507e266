"""Who is calling the staff API: `Authorization: Bearer <api key>`, or a staff session.

    @router.get("/movies", auth=StaffAuth("manage_catalog"))

No key, a wrong or revoked key: 401 `authentication_required` (ninja's AuthenticationError,
answered by marquee.api.errors). A valid caller without the capability: 403
`permission_denied`. A logged-in staff user's browser session works too, with Django's
CSRF check on writes, so that the staff pages can call the API from the page.
"""

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer
from ninja.utils import check_csrf

from marquee.core.errors import PermissionDenied
from marquee.staff.permissions import Capability, can
from marquee.staff.services import api_key_authenticate

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class StaffAuth(HttpBearer):
    def __init__(self, *capabilities: Capability) -> None:
        """The caller needs any one of `capabilities`."""
        super().__init__()
        if not capabilities:
            raise ValueError("StaffAuth needs at least one capability")
        self.capabilities = capabilities

    def __call__(self, request: HttpRequest) -> Any | None:
        # With an Authorization header the key decides (through authenticate()); else the session.
        has_header = bool(request.headers.get(self.header))
        user = super().__call__(request) if has_header else self._session_user(request)
        if user is None:
            return None
        if not any(can(user, c) for c in self.capabilities):
            raise PermissionDenied("Your account may not do this.")
        return user

    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        if len(token) > 200:
            return None
        return api_key_authenticate(key=token)

    @staticmethod
    def _session_user(request: HttpRequest) -> Any | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active or not user.is_staff:
            return None
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            return None  # a session without its CSRF token is no authority
        return user


def staff_actor(request: HttpRequest) -> Any:
    """The staff member StaffAuth let in: the services audit what they do in that name."""
    return getattr(request, "auth", None)
