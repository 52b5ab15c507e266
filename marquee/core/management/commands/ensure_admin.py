"""Make sure an admin account exists for `make run`, and print how to log in."""

import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

PASSWORD_FILE = "admin-password.txt"  # noqa: S105 (a file name, not a password)


class Command(BaseCommand):
    help = "Create the 'admin' superuser if no superuser exists, and print its login."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username: str, **options):
        from django.conf import settings

        user_model = get_user_model()
        password_path = settings.DATA_DIR / PASSWORD_FILE
        if user_model.objects.filter(is_superuser=True).exists():
            if password_path.exists():
                self.stdout.write(f"Admin login: {username} / {password_path.read_text().strip()}")
            else:
                self.stdout.write("An admin account exists (its password is not stored here).")
            return
        password = os.environ.get("ADMIN_PASSWORD") or secrets.token_urlsafe(12)
        user_model.objects.create_superuser(username=username, email="admin@marquee.example", password=password)
        password_path.write_text(password + "\n")
        password_path.chmod(0o600)
        self.stdout.write(self.style.SUCCESS(f"Admin login: {username} / {password}  (kept in {password_path})"))
