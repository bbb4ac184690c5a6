"""Notification now belongs to the notifications app (its 0001 takes the model over, table and rows).

State only: the table stays where it is, for notifications' migrations to reshape.
"""
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("bridges", "0001_initial"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name="Notification")],
        ),
    ]
