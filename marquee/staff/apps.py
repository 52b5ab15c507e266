from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "marquee.staff"
    label = "staff"
    verbose_name = _("Staff")

    def ready(self) -> None:
        from marquee.staff.roles import sync_roles_after_migrate

        # The roles' migration made the groups; this keeps "Admin" holding the
        # permissions of Marquee apps and models added after it.
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="marquee.staff.sync_roles")
