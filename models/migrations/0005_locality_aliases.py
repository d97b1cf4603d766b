from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0004_recent_messages')]

    initial = False

    operations = [
        ops.AddField(
            model_name='ActivityKind',
            name='aliases',
            field=fields.JSONField(default=list, db_default=[], encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='Unit',
            name='locality',
            field=fields.CharField(default='', db_default='', max_length=200),
        ),
    ]
