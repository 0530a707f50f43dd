# Case rows are updated many times in their life (status, deadlines, escalation flag). Leaving a fifth
# of each page free lets PostgreSQL make updates that change no indexed column "HOT" (no index
# maintenance, in particular none of the full-text GIN index): the escalation scan's flag is one.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0002_investigation_history"),
    ]

    operations = [
        migrations.RunSQL(
            "ALTER TABLE complaints_complaint SET (fillfactor = 80)",
            reverse_sql="ALTER TABLE complaints_complaint RESET (fillfactor)",
        ),
    ]
