"""Notification moves here from bridges, table and rows included.

State only: the model as bridges last declared it, on the table bridges created (``bridges_notification``),
so an existing database keeps its rows and nothing is written. bridges' 0002 then forgets the model, and
this app's 0002 reshapes it (and renames the table).
"""
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("bridges", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Notification",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("key", models.CharField(max_length=120)),
                        ("text", models.CharField(max_length=500)),
                        ("url", models.CharField(blank=True, max_length=300)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("emailed", models.BooleanField(default=False)),
                        ("read_at", models.DateTimeField(blank=True, null=True)),
                        ("point", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="notifications", to="bridges.bridgepoint")),
                        ("recipient", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="bridge_notifications", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "verbose_name": "thông báo",
                        "verbose_name_plural": "thông báo",
                        "ordering": ["-created_at"],
                        "db_table": "bridges_notification",
                        "constraints": [models.UniqueConstraint(fields=("recipient", "key"), name="one_notification_per_key")],
                    },
                ),
            ],
        ),
    ]
