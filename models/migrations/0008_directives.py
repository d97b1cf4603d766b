from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0007_zalo_followers')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Directive',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('unit', fields.ForeignKeyField('models.Unit', source_field='unit_id', db_constraint=True, to_field='id', related_name='directives', on_delete=OnDelete.RESTRICT)),
                ('number', fields.CharField(unique=True, max_length=60)),
                ('issued_on', fields.DateField()),
                ('title', fields.CharField(max_length=300)),
                ('summary', fields.CharField(default='', max_length=300)),
                ('starts_on', fields.DateField()),
                ('ends_on', fields.DateField()),
                ('file', fields.ForeignKeyField('models.Media', source_field='file_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('file_name', fields.CharField(default='', max_length=120)),
                ('created_by', fields.ForeignKeyField('models.Member', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('withdrawn_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'directives', 'app': 'models', 'indexes': [Index(fields=['unit_id', 'starts_on', 'ends_on'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ActivityDirective',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('activity', fields.ForeignKeyField('models.Activity', source_field='activity_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('directive', fields.ForeignKeyField('models.Directive', source_field='directive_id', db_constraint=True, to_field='id', related_name='activity_links', on_delete=OnDelete.CASCADE)),
                ('manual', fields.BooleanField(default=False)),
            ],
            options={'table': 'activity_directives', 'app': 'models', 'unique_together': (('activity', 'directive'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='DirectiveAck',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('directive', fields.ForeignKeyField('models.Directive', source_field='directive_id', db_constraint=True, to_field='id', related_name='acks', on_delete=OnDelete.CASCADE)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('channel', fields.CharField(default='', max_length=16)),
            ],
            options={'table': 'directive_acks', 'app': 'models', 'unique_together': (('directive', 'member'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='DirectiveTopic',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('directive', fields.ForeignKeyField('models.Directive', source_field='directive_id', db_constraint=True, to_field='id', related_name='topic_links', on_delete=OnDelete.CASCADE)),
                ('topic', fields.ForeignKeyField('models.Topic', source_field='topic_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('position', fields.IntField(default=0)),
            ],
            options={'table': 'directive_topics', 'app': 'models', 'unique_together': (('directive', 'topic'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Notice',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('unit', fields.ForeignKeyField('models.Unit', source_field='unit_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('text', fields.TextField(unique=False)),
                ('file', fields.ForeignKeyField('models.Media', source_field='file_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('file_name', fields.CharField(default='', max_length=120)),
                ('created_by', fields.ForeignKeyField('models.Member', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'notices', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
