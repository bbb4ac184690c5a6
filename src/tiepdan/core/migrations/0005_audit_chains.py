"""Room for one chain per province committee: each entry's chain and place in it, and each chain's head."""
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("core", "0004_rechain_with_hmac")]

    operations = [
        migrations.AddField(model_name="auditentry", name="chain", field=models.CharField(blank=True, default="", max_length=255)),
        migrations.AddField(model_name="auditentry", name="seq", field=models.PositiveBigIntegerField(null=True)),
        migrations.CreateModel(
            name="AuditChainHead",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("chain", models.CharField(blank=True, max_length=255, unique=True)),
                ("count", models.PositiveBigIntegerField(default=0)),
                ("last_id", models.BigIntegerField(blank=True, null=True)),
                ("last_hash", models.CharField(max_length=64)),
            ],
            options={"verbose_name": "đầu chuỗi nhật ký", "verbose_name_plural": "đầu chuỗi nhật ký", "ordering": ["chain"]},
        ),
    ]
