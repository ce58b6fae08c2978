"""Fill the products' Hangul-aware search keys (added empty by customers 0006).

The key rules are repeated here on purpose: a data migration must not change when app code does.
"""

import unicodedata

from django.db import migrations

_CHOSUNG = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"


def _key(text):
    normal = unicodedata.normalize("NFC", text or "").casefold()
    return "".join(ch for ch in normal if ch not in " \t-._'")[:200]


def _initials(text):
    return "".join(_CHOSUNG[(ord(ch) - 0xAC00) // 588] for ch in text or "" if 0xAC00 <= ord(ch) <= 0xD7A3)[:100]


def fill(apps, schema_editor):
    Product = apps.get_model("customers", "Product")
    batch = []
    for product in Product.objects.only("id", "name_ko", "name_en").iterator(chunk_size=2000):
        product.search_name = _key(product.name_ko)
        product.search_name_en = _key(product.name_en)
        product.name_initials = _initials(product.name_ko)
        batch.append(product)
        if len(batch) >= 2000:
            Product.objects.bulk_update(batch, ["search_name", "search_name_en", "name_initials"])
            batch = []
    if batch:
        Product.objects.bulk_update(batch, ["search_name", "search_name_en", "name_initials"])


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
