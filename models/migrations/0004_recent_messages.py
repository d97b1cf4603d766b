from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0003_due_list_index')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Identity',
            name='recent_messages',
            field=fields.JSONField(default=list, db_default=[], encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.DeleteModel(name='ProcessedMessage'),
    ]
