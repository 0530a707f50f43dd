# The triage queue reads open cases by urgency. Most cases of a mature program are closed; without
# this partial index a page deep in the queue (or one of the keyset branches) walks past closed rows.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0004_history_untrack_escalated_at"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS complaints_open_urgency_idx ON complaints_complaint "
            "(severity_rank DESC, next_due ASC NULLS LAST, id) WHERE status IN ('new', 'triaged', 'investigating')",
            reverse_sql="DROP INDEX IF EXISTS complaints_open_urgency_idx",
        ),
    ]
