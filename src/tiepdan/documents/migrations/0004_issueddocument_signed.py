from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("documents", "0003_outcomes_document_kinds"),
    ]

    operations = [
        migrations.AddField(
            model_name="issueddocument",
            name="signed",
            field=models.BooleanField(default=False, verbose_name="đã ký số"),
        ),
        migrations.AddField(
            model_name="issueddocument",
            name="signature_info",
            field=models.JSONField(blank=True, default=dict, verbose_name="thông tin chữ ký số"),
        ),
    ]
