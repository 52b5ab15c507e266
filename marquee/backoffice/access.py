"""Who may open which staff page.

Every back-office view is wrapped in `staff_page(capability, ...)`: anonymous visitors
and users without staff status go to the admin's login (the one place staff sign in);
staff whose role has none of the capabilities get 403. The role rules themselves live
in marquee.staff.permissions, shared with the staff API; this module only applies them.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext

from marquee.staff.permissions import can as role_can
from marquee.staff.permissions import is_staff_member

SCHEDULE = "manage_schedule"
HALLS = "manage_venues"
TARIFFS = "manage_tariffs"
CATALOG = "manage_catalog"
BOOKINGS = "box_office"
CUSTOMERS = "read_customers"
REPORTS = "read_reports"
CAMPAIGNS = "send_campaigns"
ERASE = "erase_customers"
AUDIT = "read_audit"
PROMOTIONS = "manage_promotions"
# Not a capability: any staff member with at least one capability sees the dashboard.
DASHBOARD = "dashboard"


def can(user: Any, capability: str) -> bool:
    if capability == DASHBOARD:
        return is_staff_member(user)
    return bool(getattr(user, "is_staff", False)) and role_can(user, capability)


View = Callable[..., HttpResponseBase]


def staff_page(*capabilities: str) -> Callable[[View], View]:
    """Require a staff login and at least one of `capabilities`."""

    def decorate(view: View) -> View:
        @wraps(view)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not any(can(request.user, c) for c in capabilities):
                raise PermissionDenied(gettext("Your role does not include this page."))
            return view(request, *args, **kwargs)

        wrapped: View = staff_member_required(checked)
        return wrapped

    return decorate
