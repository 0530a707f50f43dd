"""complaints.Finding becomes CaseFinding (the glossary's "finding" is an audit's). The history
triggers are dropped under the old name and created again for the renamed tables."""

import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('complaints', '0010_standing_proposals'),
        ('network', '0003_standingproposal'),
        ('pghistory', '0007_auto_20250421_0444'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name='finding',
            name='insert_insert',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='finding',
            name='update_update',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='finding',
            name='delete_delete',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='findinghistory',
            name='append_only',
        ),
        migrations.RenameModel(
            old_name='Finding',
            new_name='CaseFinding',
        ),
        migrations.RenameModel(
            old_name='FindingHistory',
            new_name='CaseFindingHistory',
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='casefinding',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "complaints_casefindinghistory" ("complaint_id", "created_at", "id", "notes", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "recorded_by_id", "standard_id", "substantiated", "uuid") VALUES (NEW."complaint_id", NEW."created_at", NEW."id", NEW."notes", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."recorded_by_id", NEW."standard_id", NEW."substantiated", NEW."uuid"); RETURN NULL;', hash='0be1f9ee1fbf23f3f5cfa1ab56442b63c29f4458', operation='INSERT', pgid='pgtrigger_insert_insert_96ef8', table='complaints_casefinding', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='casefinding',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD.* IS DISTINCT FROM NEW.*)', func='INSERT INTO "complaints_casefindinghistory" ("complaint_id", "created_at", "id", "notes", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "recorded_by_id", "standard_id", "substantiated", "uuid") VALUES (NEW."complaint_id", NEW."created_at", NEW."id", NEW."notes", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."recorded_by_id", NEW."standard_id", NEW."substantiated", NEW."uuid"); RETURN NULL;', hash='500f8c7f77d9ea60eadea11a1454c1f978219612', operation='UPDATE', pgid='pgtrigger_update_update_6b7e5', table='complaints_casefinding', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='casefinding',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "complaints_casefindinghistory" ("complaint_id", "created_at", "id", "notes", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "recorded_by_id", "standard_id", "substantiated", "uuid") VALUES (OLD."complaint_id", OLD."created_at", OLD."id", OLD."notes", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."recorded_by_id", OLD."standard_id", OLD."substantiated", OLD."uuid"); RETURN NULL;', hash='804ba706574a6bc1604ffd3e516ff9af39ecd6b1', operation='DELETE', pgid='pgtrigger_delete_delete_2b2da', table='complaints_casefinding', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='casefindinghistory',
            trigger=pgtrigger.compiler.Trigger(name='append_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;", hash='b48238f5aaf16f5b986d12d38687053572462540', operation='UPDATE OR DELETE', pgid='pgtrigger_append_only_6df90', table='complaints_casefindinghistory', when='BEFORE')),
        ),
    ]
