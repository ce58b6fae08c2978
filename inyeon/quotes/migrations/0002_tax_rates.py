"""Tax rates as data: Korean VAT 10% (the default), zero-rated (영세율) and exempt (면세) at 0%."""

from django.db import migrations

RATES = [
    ("KR-VAT", "부가가치세 10%", "VAT 10%", 1000, True),
    ("KR-ZERO", "영세율 0%", "Zero-rated 0%", 0, False),
    ("KR-EXEMPT", "면세", "Exempt", 0, False),
]


def add_rates(apps, schema_editor):
    TaxRate = apps.get_model("quotes", "TaxRate")
    for code, label_ko, label_en, rate_bp, is_default in RATES:
        TaxRate.objects.get_or_create(
            code=code,
            defaults={"label_ko": label_ko, "label_en": label_en, "rate_bp": rate_bp, "is_default": is_default},
        )


def remove_rates(apps, schema_editor):
    TaxRate = apps.get_model("quotes", "TaxRate")
    TaxRate.objects.filter(code__in=[r[0] for r in RATES]).delete()


class Migration(migrations.Migration):
    dependencies = [("quotes", "0001_quotes_and_contracts")]

    operations = [migrations.RunPython(add_rates, remove_rates)]
