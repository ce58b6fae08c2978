"""Tag names may no longer contain ";" (it separates tags in `tags_text`, exports and imports).

A name that does replaces each ";" with "/"; when that name is already taken, the contacts move
to the existing tag. The `tags_text` of every contact concerned is rebuilt.
"""

from django.db import migrations


def rename(apps, schema_editor):
    Tag = apps.get_model("customers", "Tag")
    Contact = apps.get_model("customers", "Contact")
    Through = Contact.tags.through
    touched: set[int] = set()
    for tag in Tag.objects.filter(name__contains=";"):
        new_name = tag.name.replace(";", "/")
        contact_ids = set(Through.objects.filter(tag_id=tag.pk).values_list("contact_id", flat=True))
        touched |= contact_ids
        existing = Tag.objects.filter(name=new_name).first()
        if existing is None:
            tag.name = new_name
            tag.save(update_fields=["name"])
            continue
        already = set(Through.objects.filter(tag_id=existing.pk).values_list("contact_id", flat=True))
        Through.objects.bulk_create(
            [Through(contact_id=pk, tag_id=existing.pk) for pk in sorted(contact_ids - already)]
        )
        Through.objects.filter(tag_id=tag.pk).delete()
        tag.delete()
    for pk in sorted(touched):
        names = sorted(set(Through.objects.filter(contact_id=pk).values_list("tag__name", flat=True)))
        Contact.objects.filter(pk=pk).update(tags_text=";".join(names))


class Migration(migrations.Migration):
    dependencies = [("customers", "0009_contact_channel_text_backfill")]

    operations = [migrations.RunPython(rename, migrations.RunPython.noop)]
