"""The roles an official can hold (vai trò). Shared by every stage, so it lives in core."""
from django.db import models


class Role(models.TextChoices):
    PROVINCE_CHAIRMAN = "province_chairman", "Chủ tịch UBND tỉnh"
    PROVINCE_DEPUTY = "province_deputy", "Phó Chủ tịch UBND tỉnh"
    BOARD_OFFICER = "board_officer", "Cán bộ Ban Tiếp công dân"
    DEPARTMENT_OFFICER = "department_officer", "Cán bộ sở, ngành"
    INSPECTOR = "inspector", "Thanh tra viên"
    IT_OPERATOR = "it_operator", "Kỹ thuật viên CNTT"
    COMMUNE_CHAIRMAN = "commune_chairman", "Chủ tịch UBND xã"
    COMMUNE_OFFICER = "commune_officer", "Cán bộ UBND xã"
    CENTRAL_OBSERVER = "central_observer", "Ban Tiếp công dân Trung ương"
    SYSTEM_ADMIN = "system_admin", "Quản trị hệ thống"


# Roles whose holder works for a province (not one commune or department).
PROVINCE_WIDE = {Role.PROVINCE_CHAIRMAN, Role.PROVINCE_DEPUTY, Role.BOARD_OFFICER, Role.INSPECTOR, Role.SYSTEM_ADMIN}
COMMUNE_ROLES = {Role.COMMUNE_CHAIRMAN, Role.COMMUNE_OFFICER}
