"""Every entry now has its chain and place: make them required and unique together."""
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("core", "0006_rechain_per_province")]

    operations = [
        migrations.AlterField(model_name="auditentry", name="chain", field=models.CharField(blank=True, max_length=255)),
        migrations.AlterField(model_name="auditentry", name="seq", field=models.PositiveBigIntegerField()),
        migrations.AddConstraint(model_name="auditentry", constraint=models.UniqueConstraint(fields=("chain", "seq"), name="audit_one_entry_per_place_in_chain")),
        migrations.AddConstraint(model_name="auditentry", constraint=models.CheckConstraint(condition=models.Q(seq__gte=1), name="audit_seq_from_one")),
    ]
