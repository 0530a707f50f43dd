"""Suspension proposals become the registry's standing proposals (origin ``complaints.finding``)."""

from django.db import migrations

COPY = """
    INSERT INTO network_standingproposal (
        uuid, supplier_id, from_standing, to_standing, reason, origin, origin_id, origin_label, origin_url,
        status, proposed_by_id, proposed_at, decided_by_id, decided_at, decision_reason, change_id
    )
    SELECT gen_random_uuid(), p.supplier_id, 'good_standing', 'suspended',
        'The monitor substantiated a zero-tolerance violation of the code of conduct (' ||
            lower(replace(st.category, '_', ' ')) || ') at one of this supplier''s worksites. Under the '
            'program''s agreements the supplier is suspended until the monitor confirms remediation.',
        'complaints.finding', p.finding_id,
        'Case ' || c.reference || ': substantiated finding ' || st.code,
        '/monitor/cases/' || c.reference || '/',
        p.status, p.proposed_by_id, p.proposed_at, p.decided_by_id,
        CASE WHEN p.status = 'pending' THEN NULL ELSE coalesce(p.decided_at, p.proposed_at) END,
        p.decision_reason, NULL
    FROM complaints_suspensionproposal p
    JOIN complaints_finding f ON f.id = p.finding_id
    JOIN network_standard st ON st.id = f.standard_id
    JOIN complaints_complaint c ON c.id = p.complaint_id
"""


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0009_deadlines_ledger"),
        ("network", "0003_standingproposal"),
    ]

    operations = [
        migrations.RunSQL(COPY, reverse_sql=migrations.RunSQL.noop),
        migrations.DeleteModel(name="SuspensionProposal"),
    ]
