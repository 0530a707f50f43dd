# A case not triaged yet may be anything, forced labor included: the queue now reads it right after
# the zero-tolerance cases (rank 3) instead of last. PostgreSQL cannot change a generated column's
# expression, so the column (and the two indexes on it) are dropped and made again.

from django.db import migrations, models

RANK = models.GeneratedField(
    db_persist=True,
    expression=models.Case(
        models.When(severity="zero_tolerance", then=models.Value(4)),
        models.When(severity="", then=models.Value(3)),
        models.When(severity="serious", then=models.Value(2)),
        models.When(severity="minor", then=models.Value(1)),
        default=models.Value(0),
    ),
    output_field=models.SmallIntegerField(),
)
OPEN_URGENCY_INDEX = (
    "CREATE INDEX IF NOT EXISTS complaints_open_urgency_idx ON complaints_complaint "
    "(severity_rank DESC, next_due ASC NULLS LAST, id) WHERE status IN ('new', 'triaged', 'investigating')"
)


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0006_sms_conversation"),
    ]

    operations = [
        migrations.RunSQL("DROP INDEX IF EXISTS complaints_open_urgency_idx", reverse_sql=OPEN_URGENCY_INDEX),
        migrations.RemoveIndex(model_name="complaint", name="complaints_urgency_idx"),
        migrations.RemoveField(model_name="complaint", name="severity_rank"),
        migrations.AddField(model_name="complaint", name="severity_rank", field=RANK),
        migrations.AddIndex(
            model_name="complaint",
            index=models.Index(
                models.F("severity_rank").desc(),
                models.F("next_due").asc(nulls_last=True),
                "id",
                name="complaints_urgency_idx",
            ),
        ),
        migrations.RunSQL(OPEN_URGENCY_INDEX, reverse_sql="DROP INDEX IF EXISTS complaints_open_urgency_idx"),
    ]
