"""The staff roles "Admin" and "Box office" (marquee.staff.roles)."""

from django.db import migrations


def make_roles(apps, schema_editor):
    from marquee.staff.roles import create_all_permissions, sync_roles

    using = schema_editor.connection.alias
    create_all_permissions(apps, using=using)
    sync_roles(apps, using=using)


def drop_roles(apps, schema_editor):
    from marquee.staff.roles import ADMIN, BOX_OFFICE

    apps.get_model("auth", "Group").objects.filter(name__in=[ADMIN, BOX_OFFICE]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("staff", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("catalog", "0001_initial"),
        ("venues", "0001_initial"),
        ("scheduling", "0002_showtime_no_overlap_postgres"),
        ("pricing", "0001_initial"),
        ("booking", "0001_initial"),
        ("notifications", "0001_initial"),
    ]

    operations = [migrations.RunPython(make_roles, drop_roles)]
