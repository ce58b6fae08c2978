"""`inyeon demo_leads [--leads N] [--seed S] [--reset]`: demo leads on top of `inyeon demo`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from inyeon.demo.people import ensure_users
from inyeon.leads.demo import generate_leads, reset_leads
from inyeon.leads.models import Lead


class Command(BaseCommand):
    help = "Generate demo leads (sources, scores, assignments, some converted)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--leads", type=int, default=300)
        parser.add_argument("--seed", type=int, default=20261129)
        parser.add_argument("--reset", action="store_true", help="Delete existing leads first.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["reset"]:
            reset_leads()
        elif Lead.objects.exists():
            self.stdout.write("Leads already exist; nothing generated (use --reset to regenerate).")
            return
        summary = generate_leads(users=ensure_users(), count=max(1, options["leads"]), seed=options["seed"])
        learned = "learned score in use" if summary.learned else "rules only"
        self.stdout.write(
            f"Demo leads: {summary.leads:,} leads, {summary.converted} converted, "
            f"{summary.closed} deals closed ({learned})"
        )
