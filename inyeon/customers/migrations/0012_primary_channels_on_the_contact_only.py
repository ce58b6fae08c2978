"""The primary e-mail and phone live on the contact row only (`primary_email`, `primary_phone`);
the channel tables keep the additional ones. A contact whose primary column was empty takes its
primary channel row's value first; then every channel row repeating the contact's primary value
goes, and with it the `is_primary` flag."""

from django.db import migrations
from django.db.models import F, OuterRef, Subquery


def _move(apps, model_name, value, primary):
    Contact = apps.get_model("customers", "Contact")
    Channel = apps.get_model("customers", model_name)
    first = Channel.objects.filter(contact_id=OuterRef("pk"), is_primary=True).order_by("id").values(value)[:1]
    orphans = Contact.objects.filter(**{primary: ""}).filter(
        pk__in=Channel.objects.filter(is_primary=True).values("contact_id")
    )
    orphans.update(**{primary: Subquery(first)})
    Channel.objects.filter(**{value: F(f"contact__{primary}")}).delete()


def forwards(apps, schema_editor):
    _move(apps, "ContactEmail", "email", "primary_email")
    _move(apps, "ContactPhone", "number", "primary_phone")


def backwards(apps, schema_editor):
    Contact = apps.get_model("customers", "Contact")
    for model_name, value, primary in (
        ("ContactEmail", "email", "primary_email"),
        ("ContactPhone", "number", "primary_phone"),
    ):
        Channel = apps.get_model("customers", model_name)
        rows = Contact.objects.exclude(**{primary: ""}).values_list("pk", primary).iterator(chunk_size=5000)
        batch = []
        for pk, number in rows:
            batch.append(Channel(contact_id=pk, **{value: number}, is_primary=True))
            if len(batch) == 5000:
                Channel.objects.bulk_create(batch, ignore_conflicts=True)
                batch = []
        Channel.objects.bulk_create(batch, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("customers", "0011_contact_owner_stage_index")]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="contactemail", name="is_primary"),
        migrations.RemoveField(model_name="contactphone", name="is_primary"),
    ]
