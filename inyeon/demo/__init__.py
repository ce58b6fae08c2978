"""Reproducible, realistic, bilingual demo data (`inyeon demo`)."""
