from django import forms

from tiepdan.core.roles import Role
from tiepdan.organisations.models import Organisation, User

from .models import BridgePoint


def contact_choices(point: BridgePoint):
    """IT operators who may look after this point: the host organisation's own, or the province IT centre's."""
    it_centres = Organisation.objects.filter(kind=Organisation.Kind.IT_CENTRE, parent=point.province_committee)
    return User.objects.filter(role=Role.IT_OPERATOR, is_active=True, organisation__in=[point.organisation, *it_centres]).order_by("full_name")


class PointForm(forms.Form):
    address = forms.CharField(label="Địa chỉ", max_length=255, required=False)
    it_contact = forms.ModelChoiceField(label="Cán bộ kỹ thuật phụ trách", queryset=User.objects.none(), required=False, empty_label="Chưa phân công")
    is_active = forms.BooleanField(label="Đang sử dụng", required=False)
    reason = forms.CharField(label="Lý do thay đổi", max_length=300, required=False)

    def __init__(self, *args, point: BridgePoint, **kwargs):
        initial = {"address": point.address, "it_contact": point.it_contact_id, "is_active": point.is_active}
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["it_contact"].queryset = contact_choices(point)
