"""What a staff member may do, asked in one place by the staff API and the staff pages.

    can(user, "manage_schedule")

Each capability maps to one Django permission; the groups "Admin" and "Box office"
(marquee.staff.roles) hold them. Superusers can do everything; inactive users nothing.
"""

from typing import Any, Literal

Capability = Literal[
    "manage_schedule",
    "manage_catalog",
    "manage_venues",
    "manage_tariffs",
    "box_office",
    "check_in",
    "read_reports",
    "read_customers",
    "send_campaigns",
    "erase_customers",
    "read_audit",
    "manage_promotions",
]

PERMISSION_FOR: dict[str, str] = {
    "manage_schedule": "scheduling.change_showtime",
    "manage_catalog": "catalog.change_movie",
    "manage_venues": "venues.change_hall",
    "manage_tariffs": "pricing.change_tariff",
    "box_office": "booking.change_booking",
    "check_in": "staff.check_in",
    "read_reports": "staff.read_reports",
    "read_customers": "booking.view_customer",
    "send_campaigns": "staff.send_campaigns",
    "erase_customers": "staff.erase_customers",
    "read_audit": "audit.view_auditentry",
    "manage_promotions": "promotions.change_promocode",
}
CAPABILITIES: tuple[str, ...] = tuple(PERMISSION_FOR)


def can(user: Any, capability: Capability | str) -> bool:
    """True if `user` may do `capability` (an unknown capability is a programming error)."""
    if capability not in PERMISSION_FOR:
        raise ValueError(f"Unknown capability {capability!r}; one of {', '.join(CAPABILITIES)}.")
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return bool(user.has_perm(PERMISSION_FOR[capability]))


def capabilities(user: Any) -> set[str]:
    """Every capability `user` has (for menus: show only what the user may open)."""
    return {c for c in CAPABILITIES if can(user, c)}


def is_staff_member(user: Any) -> bool:
    """May open the staff area at all: an active staff user with at least one capability."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_staff and capabilities(user))
