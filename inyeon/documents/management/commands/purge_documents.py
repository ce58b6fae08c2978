"""`inyeon purge_documents`: delete the documents of records that no longer exist."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from inyeon.documents.services import documents_purge_orphans


class Command(BaseCommand):
    help = "Delete documents (rows and files) whose contact, account, order or activity was deleted."

    def handle(self, *args: Any, **options: Any) -> None:
        purged = documents_purge_orphans()
        self.stdout.write(f"{purged} document(s) of deleted records removed.")
