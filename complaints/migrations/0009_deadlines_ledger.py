"""Cases' deadlines move to the shared ledger (wsr.deadlines): every deadline an open case owes
becomes a ledger row, escalated if its Escalation row said so; then the Escalation table goes."""

from django.db import migrations

# (kind, due column, done column, statuses that owe it) as in complaints.choices.DEADLINE_STAGES
# at the time of this migration (frozen here: migrations are history).
STAGES = [
    ("acknowledge", "acknowledge_due", "acknowledged_at", ("new",)),
    ("investigate", "investigate_due", "investigation_started_at", ("new", "triaged")),
    ("resolve", "resolve_due", "resolved_at", ("new", "triaged", "investigating")),
]


def _copy_sql() -> str:
    parts = []
    for kind, due, done, owed in STAGES:
        statuses = ", ".join(f"'{s}'" for s in owed)
        parts.append(
            f"""
            INSERT INTO deadlines_deadline (kind, object_id, due_at, escalated_at, created_at)
            SELECT 'complaints.{kind}', c.id, c.{due},
                CASE WHEN e.escalated_at IS NULL THEN NULL ELSE GREATEST(e.escalated_at, c.{due}) END, now()
            FROM complaints_complaint c
            LEFT JOIN complaints_escalation e ON e.complaint_id = c.id AND e.kind = '{kind}'
            WHERE c.status IN ({statuses}) AND c.{done} IS NULL AND c.{due} IS NOT NULL;
            """
        )
    return "\n".join(parts)


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0008_complainant_claimed_phone"),
        ("deadlines", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(_copy_sql(), reverse_sql=migrations.RunSQL.noop),
        migrations.DeleteModel(name="Escalation"),
    ]
