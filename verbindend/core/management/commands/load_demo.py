from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from verbindend.core import demo


class Command(BaseCommand):
    help = "Load the fictional demo network (idempotent) and print the demo logins."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--force", action="store_true", help="also in production mode")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION and not options["force"]:
            raise CommandError("Refusing to load demo data in production mode (use --force).")
        network = demo.load_demo()
        self.stdout.write(self.style.SUCCESS(f"Demo network: {network.name}"))
        self.stdout.write("Log in at http://127.0.0.1:8000/accounts/login/ with")
        for login in demo.LOGINS:
            self.stdout.write(f"  {login.role:<12} {login.email}  password: {demo.DEMO_PASSWORD}")
