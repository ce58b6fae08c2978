"""Leads: capture (web form, API, import, manual), duplicate check, scoring, assignment, conversion."""
