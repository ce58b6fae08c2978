"""Demo leads: several sources, scores with reasons, assignments by the rules, some converted."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from inyeon.leads.models import Lead, LeadEvent, LeadSource, LeadStatus

pytestmark = pytest.mark.django_db


def test_demo_leads_come_from_several_sources_and_some_are_converted() -> None:
    call_command("demo", "--contacts", "30", "--accounts", "5", "--quiet", "--no-scoring")
    call_command("demo_leads", "--leads", "30", "--seed", "3")
    assert Lead.objects.count() == 30
    assert len(set(Lead.objects.values_list("source", flat=True))) >= 4
    assert set(LeadSource.values) >= set(Lead.objects.values_list("source", flat=True))
    assert Lead.objects.filter(status=LeadStatus.CONVERTED).exclude(converted_contact=None).exists()
    assert LeadEvent.objects.filter(kind=LeadEvent.Kind.ASSIGNED).exists()
    assert Lead.objects.exclude(score_reasons=[]).exists()
    call_command("demo", "--reset", "--contacts", "30", "--accounts", "5", "--quiet", "--no-scoring")
    assert not Lead.objects.exists()
