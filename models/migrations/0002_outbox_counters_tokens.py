from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from models.entities import OutboxStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ChannelCounter',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('channel', fields.CharField(max_length=16)),
                ('account', fields.CharField(default='', max_length=64)),
                ('month', fields.CharField(max_length=7)),
                ('sent', fields.IntField(default=0)),
                ('warned', fields.BooleanField(default=False)),
            ],
            options={'table': 'channel_counters', 'app': 'models', 'unique_together': (('channel', 'account', 'month'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OAToken',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('oa_id', fields.CharField(unique=True, max_length=64)),
                ('access_token', fields.TextField(unique=False)),
                ('refresh_token', fields.TextField(unique=False)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('version', fields.IntField(default=0)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'oa_tokens', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Outbox',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key', fields.CharField(unique=True, max_length=200)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='outbox', on_delete=OnDelete.CASCADE)),
                ('category', fields.CharField(max_length=16)),
                ('text', fields.TextField(unique=False)),
                ('payload', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('status', fields.CharEnumField(default=OutboxStatus.PENDING, description='PENDING: pending\nSENDING: sending\nSENT: sent\nFAILED: failed\nBLOCKED: blocked\nOUTSIDE_WINDOW: outside_window\nCANCELLED: cancelled', enum_type=OutboxStatus, max_length=16)),
                ('channel', fields.CharField(default='', max_length=16)),
                ('attempts', fields.IntField(default=0)),
                ('not_before', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('claimed_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_error', fields.CharField(default='', max_length=300)),
            ],
            options={'table': 'outbox', 'app': 'models', 'indexes': [Index(fields=['status', 'not_before'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Snooze',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='snoozes', on_delete=OnDelete.CASCADE)),
                ('period', fields.ForeignKeyField('models.Period', source_field='period_id', db_constraint=True, to_field='id', related_name='snoozes', on_delete=OnDelete.CASCADE)),
                ('until', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'snoozes', 'app': 'models', 'unique_together': (('member', 'period'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
