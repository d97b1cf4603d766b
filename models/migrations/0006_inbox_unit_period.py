from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise import fields
from tortoise.indexes import Index

# A nil report and a live report of one unit and period never both stand (models/unit_periods.py).
PG_UP = [
    """
    CREATE OR REPLACE FUNCTION baocao_activity_unit_period() RETURNS trigger AS $$
    BEGIN
        IF NEW.deleted_at IS NULL THEN
            PERFORM pg_advisory_xact_lock(NEW.unit_id, NEW.period_id);
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER activities_unit_period BEFORE INSERT OR UPDATE OF unit_id, period_id, deleted_at
    ON activities FOR EACH ROW EXECUTE FUNCTION baocao_activity_unit_period()
    """,
    """
    CREATE OR REPLACE FUNCTION baocao_activity_moved() RETURNS trigger AS $$
    BEGIN
        IF NEW.deleted_at IS NULL AND (NEW.period_id <> OLD.period_id OR NEW.unit_id <> OLD.unit_id)
        THEN
            DELETE FROM nil_reports WHERE unit_id = NEW.unit_id AND period_id = NEW.period_id;
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER activities_moved AFTER UPDATE OF unit_id, period_id
    ON activities FOR EACH ROW EXECUTE FUNCTION baocao_activity_moved()
    """,
    """
    CREATE OR REPLACE FUNCTION baocao_nil_unit_period() RETURNS trigger AS $$
    BEGIN
        PERFORM pg_advisory_xact_lock(NEW.unit_id, NEW.period_id);
        IF EXISTS (SELECT 1 FROM activities WHERE unit_id = NEW.unit_id
                   AND period_id = NEW.period_id AND deleted_at IS NULL) THEN
            RAISE EXCEPTION 'unit_period_has_reports';
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER nil_reports_unit_period BEFORE INSERT OR UPDATE ON nil_reports
    FOR EACH ROW EXECUTE FUNCTION baocao_nil_unit_period()
    """,
    # At commit, under the lock the insert took: a new report whose period still has a nil
    # report (the flow forgot to replace it) fails the whole transaction.
    """
    CREATE OR REPLACE FUNCTION baocao_activity_check_nil() RETURNS trigger AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM activities a JOIN nil_reports n
                   ON n.unit_id = a.unit_id AND n.period_id = a.period_id
                   WHERE a.id = NEW.id AND a.deleted_at IS NULL) THEN
            RAISE EXCEPTION 'unit_period_nil_and_report';
        END IF;
        RETURN NULL;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE CONSTRAINT TRIGGER activities_check_nil AFTER INSERT OR UPDATE ON activities
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION baocao_activity_check_nil()
    """,
]
SQLITE_UP = [
    """
    CREATE TRIGGER nil_reports_unit_period BEFORE INSERT ON nil_reports
    WHEN EXISTS (SELECT 1 FROM activities WHERE unit_id = NEW.unit_id
                 AND period_id = NEW.period_id AND deleted_at IS NULL)
    BEGIN SELECT RAISE(ABORT, 'unit_period_has_reports'); END
    """,
    """
    CREATE TRIGGER activities_moved AFTER UPDATE OF unit_id, period_id ON activities
    WHEN NEW.deleted_at IS NULL AND (NEW.period_id <> OLD.period_id OR NEW.unit_id <> OLD.unit_id)
    BEGIN
        DELETE FROM nil_reports WHERE unit_id = NEW.unit_id AND period_id = NEW.period_id;
    END
    """,
]


async def unit_period_triggers(apps, schema_editor) -> None:
    client = schema_editor.client
    statements = PG_UP if client.capabilities.dialect == "postgres" else SQLITE_UP
    for sql in statements:
        await client.execute_script(sql)


class Migration(migrations.Migration):
    dependencies = [('models', '0005_locality_aliases')]

    initial = False

    operations = [
        ops.RunPython(unit_period_triggers),
        ops.CreateModel(
            name='InboxEntry',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('channel', fields.CharField(max_length=16)),
                ('account', fields.CharField(default='', max_length=64)),
                ('key', fields.CharField(max_length=128)),
                ('chat', fields.CharField(max_length=64)),
                ('body', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('received_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('claimed_by', fields.CharField(default='', max_length=40)),
                ('claimed_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('done_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'inbox', 'app': 'models', 'unique_together': (('channel', 'account', 'key'),), 'indexes': [Index(fields=['channel', 'done_at', 'id']), Index(fields=['channel', 'account', 'chat', 'done_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
