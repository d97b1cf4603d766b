from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0002_outbox_counters_tokens')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='Activity',
            index=Index(fields=['period_id', 'unit_id', 'deleted_at']),
        ),
    ]
