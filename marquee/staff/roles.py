"""The staff roles: which Django permissions each group holds.

The roles' data migration (0002) and a post_migrate hook both call `sync_roles`, so the
groups exist after `migrate` and "Admin" also holds the permissions of Marquee apps and
models that arrive later. Only permissions are added to a group, never removed: an
operator who widened a role by hand keeps the change.
"""

from typing import Any

ADMIN = "Admin"
BOX_OFFICE = "Box office"
CONTENT = "Content"

# (app_label, codename) pairs for the box office.
BOX_OFFICE_PERMISSIONS: tuple[tuple[str, str], ...] = (
    ("booking", "view_booking"),
    ("booking", "change_booking"),
    ("booking", "view_bookingseat"),
    ("booking", "change_bookingseat"),
    ("booking", "view_customer"),
    ("staff", "check_in"),
    ("scheduling", "view_showtime"),
    ("catalog", "view_movie"),
    ("catalog", "view_genre"),
    ("venues", "view_hall"),
    ("venues", "view_seat"),
    ("pricing", "view_tariff"),
)


# Whoever keeps the listing: movies and genres, in both languages, and nothing else.
CONTENT_PERMISSIONS: tuple[tuple[str, str], ...] = tuple(
    ("catalog", f"{verb}_{model}") for model in ("movie", "genre") for verb in ("view", "add", "change", "delete")
)


# Admins unlock staff logins locked by django-axes: its access attempts in the admin.
ADMIN_EXTRA_PERMISSIONS: tuple[tuple[str, str], ...] = (
    ("axes", "view_accessattempt"),
    ("axes", "delete_accessattempt"),
    ("axes", "view_accesslog"),
)


def _permissions(permission_model: Any, using: str, pairs: tuple[tuple[str, str], ...]) -> Any:
    wanted = permission_model.objects.using(using).none()
    for app_label, codename in pairs:
        wanted = wanted | permission_model.objects.using(using).filter(
            content_type__app_label=app_label, codename=codename
        )
    return wanted


def marquee_app_labels(apps: Any) -> list[str]:
    return [config.label for config in apps.get_app_configs() if config.name.startswith("marquee.")]


def sync_roles(apps: Any, using: str = "default") -> None:
    """Create the groups if missing and give them their permissions (idempotent)."""
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    admin, _ = group_model.objects.using(using).get_or_create(name=ADMIN)
    admin.permissions.add(
        *permission_model.objects.using(using).filter(content_type__app_label__in=marquee_app_labels(apps)),
        *_permissions(permission_model, using, ADMIN_EXTRA_PERMISSIONS),
    )
    box_office, _ = group_model.objects.using(using).get_or_create(name=BOX_OFFICE)
    box_office.permissions.add(*_permissions(permission_model, using, BOX_OFFICE_PERMISSIONS))
    content, _ = group_model.objects.using(using).get_or_create(name=CONTENT)
    content.permissions.add(*_permissions(permission_model, using, CONTENT_PERMISSIONS))


def create_all_permissions(apps: Any, using: str = "default") -> None:
    """Permissions are normally made after `migrate`; a data migration needs them now."""
    from django.contrib.auth.management import create_permissions

    for config in apps.get_app_configs():
        config.models_module = True
        create_permissions(config, apps=apps, verbosity=0, using=using)
        config.models_module = None


def sync_roles_after_migrate(sender: Any, *, using: str = "default", apps: Any = None, **kwargs: Any) -> None:
    if sender.name != "marquee.staff" or apps is None:
        return  # once per migrate, after this app's own post_migrate (permissions exist by then)
    try:
        apps.get_model("auth", "Group")
    except LookupError:
        return
    from django.apps import apps as global_apps

    # Permissions of every installed app exist once all post_migrate handlers ran for
    # them; ours may run first, so make them now (create_permissions is idempotent).
    for config in global_apps.get_app_configs():
        from django.contrib.auth.management import create_permissions

        create_permissions(config, verbosity=0, using=using)
    sync_roles(global_apps, using=using)
