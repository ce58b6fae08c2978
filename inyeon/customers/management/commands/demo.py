"""`inyeon demo [--contacts N] [--accounts N] [--seed S] [--reset]`: reproducible demo data."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from inyeon.core.audit import audit
from inyeon.demo.forecasts import demo_forecasts
from inyeon.demo.generate import DemoGenerator, demo_exists, progress_to_stderr, reset_customer_data
from inyeon.demo.people import demo_password, ensure_users
from inyeon.demo.sales import generate_opportunities, reset_opportunities


class Command(BaseCommand):
    help = "Generate reproducible, realistic, bilingual demo data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--contacts", type=int, default=2000)
        parser.add_argument("--accounts", type=int, default=None, help="Default: 300, or 3%% of contacts.")
        parser.add_argument("--orders-per-contact", type=float, default=15.0)
        parser.add_argument("--seed", type=int, default=20261122)
        parser.add_argument("--reset", action="store_true", help="Delete existing customer data first.")
        parser.add_argument("--quiet", action="store_true")
        parser.add_argument(
            "--no-scoring", action="store_true", help="Do not score the demo customers (RFM, CLV, stages)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        users = ensure_users()
        demo_forecasts(users)
        if demo_exists() and not options["reset"]:
            self.stdout.write("Customer data already exists; nothing generated (use --reset to regenerate).")
            self._logins()
            return
        if options["reset"]:
            from inyeon.demo.quotes import reset_quotes
            from inyeon.leads.demo import reset_leads

            # Quotes point at deals, converted leads at deals and customers: delete in that order.
            reset_quotes()
            reset_leads()
            reset_opportunities()
            reset_customer_data()
        contacts = max(1, options["contacts"])
        accounts = options["accounts"] if options["accounts"] is not None else max(300, contacts // 33)
        generator = DemoGenerator(seed=options["seed"], orders_per_contact=options["orders_per_contact"])
        summary = generator.run(
            contacts=contacts,
            accounts=accounts,
            users=users,
            progress=None if options["quiet"] else progress_to_stderr,
        )
        audit(
            actor=None,
            action="create",
            entity="demo",
            entity_id=options["seed"],
            changes={"contacts": [None, summary.contacts], "orders": [None, summary.orders]},
        )
        opportunities = generate_opportunities(seed=options["seed"], users=users)
        self.stdout.write(
            f"Demo data: {summary.contacts:,} contacts, {summary.accounts:,} accounts, "
            f"{summary.products} products, {summary.orders:,} orders ({summary.order_lines:,} lines), "
            f"{summary.activities:,} activities, {summary.consents:,} consent records, "
            f"{opportunities:,} opportunities "
            f"in {summary.seconds:.1f} s"
        )
        from inyeon.demo.quotes import generate_quotes

        made = generate_quotes(users=users, seed=options["seed"])
        self.stdout.write(f"Quotes: {made['quotes']}, contracts: {made['contracts']}")
        if not options["no_scoring"]:
            self._score(quiet=options["quiet"])
        else:
            stages = ", ".join(f"{k} {v:,}" for k, v in sorted(summary.stages.items()))
            self.stdout.write(f"Lifecycle stages: {stages}")
        self._logins()

    def _score(self, *, quiet: bool) -> None:
        """Two scoring runs, a quarter apart, so the analytics page has a segment migration to show."""
        import datetime as dt

        from django.db.models import Count
        from django.utils import timezone

        from inyeon.analytics.models import ScoringRun
        from inyeon.analytics.services import scoring_execute
        from inyeon.customers.models import Contact

        ScoringRun.objects.all().delete()
        today = timezone.localdate()
        for as_of in (today - dt.timedelta(days=91), today):
            run = scoring_execute(ScoringRun.objects.create(as_of=as_of, trigger="demo"))
            if not quiet:
                self.stdout.write(
                    f"Scored as of {as_of}: {run.buyers:,} customers with purchases, "
                    f"{run.stage_changes:,} stage changes"
                )
        counts = Contact.objects.values_list("lifecycle_stage").annotate(n=Count("id")).order_by()
        stages = ", ".join(f"{k} {v:,}" for k, v in sorted(counts))
        self.stdout.write(f"Lifecycle stages: {stages}")

    def _logins(self) -> None:
        self.stdout.write(
            "Demo logins: admin, manager, rep1, rep2, marketer, agent, analyst, viewer "
            f"(password: {demo_password()})"
        )
