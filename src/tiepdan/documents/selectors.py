"""Read queries over issued documents."""
from __future__ import annotations

from django.contrib.contenttypes.models import ContentType

from tiepdan.core import policy

from .models import IssuedDocument


def visible_documents(user):
    """Issued documents in the user's jurisdiction, newest first, filtered inside the query."""
    return policy.visible(user, "documents.view", IssuedDocument.objects.select_related("organisation", "issued_by"))


def documents_about(user, obj):
    """Documents issued about one object (a matter, a session), as far as the user may see them."""
    return visible_documents(user).filter(about_type=ContentType.objects.get_for_model(obj), about_id=str(obj.pk))
