from tortoise import migrations
from tortoise.migrations import operations as ops
from models.entities import OutboxStatus
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0006_inbox_unit_period')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ZaloFollow',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('oa_id', fields.CharField(max_length=64)),
                ('user_id', fields.CharField(max_length=64)),
                ('event_time', fields.BigIntField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'zalo_follows', 'app': 'models', 'unique_together': (('oa_id', 'user_id', 'event_time'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Identity',
            name='last_seen_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AlterField(
            model_name='Outbox',
            name='status',
            field=fields.CharEnumField(default=OutboxStatus.PENDING, description='PENDING: pending\nSENDING: sending\nSENT: sent\nFAILED: failed\nBLOCKED: blocked\nOUTSIDE_WINDOW: outside_window\nCANCELLED: cancelled\nREFUSED: refused', enum_type=OutboxStatus, max_length=16),
        ),
    ]
