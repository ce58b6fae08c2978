"""Fill `Contact.emails_text`, `phones_text` and `tags_text` from the channel rows (see
`customers.channels`): e-mails and phones primary first then in id order, tag names in code-point
order, joined by ";"."""

from collections import defaultdict

from django.db import migrations

_PG = """
UPDATE customers_contact c
SET emails_text = coalesce(em.v, ''), phones_text = coalesce(ph.v, ''), tags_text = coalesce(tg.v, '')
FROM customers_contact c2
LEFT JOIN (
    SELECT contact_id, string_agg(email, ';' ORDER BY is_primary DESC, id) AS v
    FROM customers_contactemail GROUP BY contact_id
) em ON em.contact_id = c2.id
LEFT JOIN (
    SELECT contact_id, string_agg(number, ';' ORDER BY is_primary DESC, id) AS v
    FROM customers_contactphone GROUP BY contact_id
) ph ON ph.contact_id = c2.id
LEFT JOIN (
    SELECT ct.contact_id, string_agg(t.name, ';' ORDER BY t.name COLLATE "C") AS v
    FROM customers_contact_tags ct JOIN customers_tag t ON t.id = ct.tag_id GROUP BY ct.contact_id
) tg ON tg.contact_id = c2.id
WHERE c.id = c2.id AND (em.v IS NOT NULL OR ph.v IS NOT NULL OR tg.v IS NOT NULL)
"""


def backfill(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_PG)
        return
    Contact = apps.get_model("customers", "Contact")
    ContactEmail = apps.get_model("customers", "ContactEmail")
    ContactPhone = apps.get_model("customers", "ContactPhone")
    Through = Contact.tags.through
    last = 0
    while True:
        ids = list(Contact.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:5000])
        if not ids:
            return
        low, high = ids[0], ids[-1]
        emails, phones, tags = defaultdict(list), defaultdict(list), defaultdict(list)
        for pk, email in (
            ContactEmail.objects.filter(contact_id__gte=low, contact_id__lte=high)
            .order_by("contact_id", "-is_primary", "id")
            .values_list("contact_id", "email")
        ):
            emails[pk].append(email)
        for pk, number in (
            ContactPhone.objects.filter(contact_id__gte=low, contact_id__lte=high)
            .order_by("contact_id", "-is_primary", "id")
            .values_list("contact_id", "number")
        ):
            phones[pk].append(number)
        for pk, name in Through.objects.filter(contact_id__gte=low, contact_id__lte=high).values_list(
            "contact_id", "tag__name"
        ):
            tags[pk].append(name)
        rows = [
            (";".join(emails[pk]), ";".join(phones[pk]), ";".join(sorted(set(tags[pk]))), pk)
            for pk in ids
            if pk in emails or pk in phones or pk in tags
        ]
        with connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE customers_contact SET emails_text = %s, phones_text = %s, tags_text = %s WHERE id = %s",
                rows,
            )
        last = high


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0008_contact_channel_text"),
    ]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
