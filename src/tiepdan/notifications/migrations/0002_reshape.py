"""The one table of notices for every stage: subject and body, a link, what it is about, an address for
someone without an account; the table takes this app's name. Rows are kept: each old reminder is about
its bridge point, and its subject is the one its e-mail had.
"""
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import F, Q

READINESS_SUBJECT = "Nhắc kiểm tra kết nối điểm cầu"


def point_to_about(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    if not Notification.objects.filter(point__isnull=False).exists():
        return
    # By app label and model name: bridges' code is a later stage this app must not import.
    point_type, _ = apps.get_model("contenttypes", "ContentType").objects.get_or_create(app_label="bridges", model="bridgepoint")
    Notification.objects.filter(point__isnull=False).update(about_type=point_type, about_id=F("point_id"))


def about_to_point(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    point_type = ContentType.objects.filter(app_label="bridges", model="bridgepoint").first()
    if point_type is not None:
        apps.get_model("notifications", "Notification").objects.filter(about_type=point_type).update(point_id=F("about_id"))


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="notification", name="one_notification_per_key"),
        migrations.RenameField(model_name="notification", old_name="text", new_name="body"),
        migrations.RenameField(model_name="notification", old_name="url", new_name="link"),
        migrations.AlterField(model_name="notification", name="body", field=models.TextField(verbose_name="nội dung")),
        migrations.AddField(
            model_name="notification", name="subject",
            field=models.CharField(default=READINESS_SUBJECT, max_length=200, verbose_name="tiêu đề"), preserve_default=False,
        ),
        migrations.AddField(model_name="notification", name="address", field=models.EmailField(blank=True, max_length=254, verbose_name="địa chỉ thư điện tử")),
        migrations.AddField(
            model_name="notification", name="about_type",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to="contenttypes.contenttype"),
        ),
        migrations.AddField(model_name="notification", name="about_id", field=models.PositiveBigIntegerField(blank=True, null=True)),
        migrations.RunPython(point_to_about, about_to_point),
        migrations.RemoveField(model_name="notification", name="point"),
        migrations.AlterField(model_name="notification", name="key", field=models.CharField(blank=True, max_length=120)),
        migrations.AlterField(
            model_name="notification", name="recipient",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="notifications", to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterModelOptions(name="notification", options={"ordering": ["-created_at", "-pk"], "verbose_name": "thông báo", "verbose_name_plural": "thông báo"}),
        migrations.AlterModelTable(name="notification", table=None),
        migrations.AddIndex(model_name="notification", index=models.Index(fields=["about_type", "about_id"], name="notification_about")),
        migrations.AddConstraint(
            model_name="notification",
            constraint=models.UniqueConstraint(condition=Q(recipient__isnull=False) & ~Q(key=""), fields=("recipient", "key"), name="one_notification_per_key"),
        ),
        migrations.AddConstraint(
            model_name="notification",
            constraint=models.UniqueConstraint(condition=Q(recipient__isnull=True) & ~Q(key=""), fields=("address", "key"), name="one_notification_per_address_key"),
        ),
        migrations.AddConstraint(
            model_name="notification",
            constraint=models.CheckConstraint(condition=Q(recipient__isnull=False) | ~Q(address=""), name="notification_has_someone"),
        ),
    ]
