"""Seed the code of conduct a new program starts from (editable afterwards in the admin)."""

from django.db import migrations


def seed(apps, schema_editor):
    from wsr.network.choices import DEFAULT_DEADLINES
    from wsr.network.code_of_conduct import CODE_OF_CONDUCT

    Standard = apps.get_model("network", "Standard")
    for position, (code, title, category, severity) in enumerate(CODE_OF_CONDUCT):
        acknowledge, investigate, resolve = DEFAULT_DEADLINES[severity]
        Standard.objects.get_or_create(
            code=code,
            defaults={
                "title": title,
                "category": category,
                "severity": severity,
                "acknowledge_within": acknowledge,
                "investigate_within": investigate,
                "resolve_within": resolve,
                "position": position,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("network", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
