# The case lists' indexes carry their whole order (-created_at, -id).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0004_callback_copies_and_rate_indexes'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='case',
            name='case_community_created',
        ),
        migrations.RemoveIndex(
            model_name='case',
            name='case_community_status',
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(fields=['community', '-created_at', '-id'], name='case_community_created'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(fields=['community', 'status', '-created_at', '-id'], name='case_community_status'),
        ),
    ]
