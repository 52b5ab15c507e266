from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from marquee.core.errors import DomainError
from marquee.staff.services import api_key_create


class Command(BaseCommand):
    help = "Make a staff API key for an active staff user and print it once (only its hash is kept)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="What the key is for (shown in the admin).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            made = api_key_create(username=options["username"], name=options["name"])
        except DomainError as error:
            raise CommandError(error.detail) from None
        self.stdout.write(made.key)
        self.stderr.write(f"Key {made.api_key.prefix}… for {options['username']}: keep it now, it is not shown again.")
