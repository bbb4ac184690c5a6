"""The one place that answers "may this person do this action to this object?".

Deny by default: an action not in ``PERMISSIONS`` is refused to everyone, and
so is any user who is inactive or has no organisation.

Two questions, both asked here and nowhere else:
1. **Role**: is the user's role one of those the action allows (``PERMISSIONS``)?
2. **Jurisdiction**: is the object inside the user's organisational subtree?
   Every protected model says where its organisation lies through
   ``jurisdiction_path`` (an object) or ``jurisdiction_lookup`` (a queryset
   path to an ``Organisation``), so lists are filtered inside the query
   (``visible``), never object by object after it.

Rules the role table cannot express (a deputy acts only within the period the
Chairman authorised) are extra checks registered with ``register_check`` by the
app that owns the data; they run after the table says yes.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from .roles import Role

R = Role

PERMISSIONS: dict[str, frozenset[str]] = {}
ACTION_LABELS: dict[str, str] = {}
_CHECKS: dict[str, list[Callable]] = {}


# Actions taken on the Chairman's authority: a deputy may take them only while an
# authorisation from the Chairman is in force (checked by organisations.policy_checks).
CHAIRMAN_ACTIONS: set[str] = set()


def allow(action: str, roles: Iterable[str], label: str, *, on_chairmans_authority: bool = False) -> None:
    """Declare an action and the roles that may take it. Called only in this module's table below."""
    if action in PERMISSIONS:
        raise ValueError(f"Action {action} declared twice")
    PERMISSIONS[action] = frozenset(roles)
    ACTION_LABELS[action] = label
    if on_chairmans_authority:
        CHAIRMAN_ACTIONS.add(action)


ALL_OFFICIALS = list(Role)
LEADERS = [R.PROVINCE_CHAIRMAN, R.PROVINCE_DEPUTY]

# --- The table -----------------------------------------------------------------------
# organisations (the house)
allow("home.view", ALL_OFFICIALS, "xem trang chủ")
allow("organisations.view", ALL_OFFICIALS, "xem cơ quan, đơn vị")
allow("organisations.manage", [R.SYSTEM_ADMIN], "quản lý cơ quan, đơn vị")
# notifications: each official reads their own (the list is scoped by recipient, not by jurisdiction)
allow("notifications.view", ALL_OFFICIALS, "xem thông báo của mình")
allow("people.view", [R.SYSTEM_ADMIN, R.BOARD_OFFICER, *LEADERS, R.COMMUNE_CHAIRMAN], "xem danh sách cán bộ")
allow("people.manage", [R.SYSTEM_ADMIN], "tạo, sửa tài khoản cán bộ")
allow("people.issue_enrolment_code", [R.SYSTEM_ADMIN], "cấp mã kích hoạt, cài đặt lại xác thực hai lớp cho cán bộ")
allow("delegation_of_authority.grant", [R.PROVINCE_CHAIRMAN], "ủy quyền chủ trì tiếp công dân")
allow("delegation_of_authority.revoke", [R.PROVINCE_CHAIRMAN, R.SYSTEM_ADMIN], "thu hồi ủy quyền")
allow("audit.view", [R.SYSTEM_ADMIN, R.INSPECTOR], "xem nhật ký kiểm tra")
allow("audit.verify", [R.SYSTEM_ADMIN, R.INSPECTOR], "kiểm tra toàn vẹn nhật ký")
# Later stages add their actions below, one block per app, in the order of a matter's life.

# documents: official documents issued (Decree 30/2020 format) and their stored files
# A department issues too, in its own name only (its scope): its answer to a citizen on a task (followup, Decree 154 Art. 25(2)).
allow("documents.issue", [R.BOARD_OFFICER, *LEADERS, R.COMMUNE_CHAIRMAN, R.COMMUNE_OFFICER, R.DEPARTMENT_OFFICER], "ban hành văn bản (thông báo, giấy mời, giấy biên nhận)")
allow("documents.view", [R.BOARD_OFFICER, *LEADERS, R.INSPECTOR, R.COMMUNE_CHAIRMAN, R.COMMUNE_OFFICER, R.DEPARTMENT_OFFICER], "xem, tải văn bản đã ban hành")
# intake (registration: citizens, petitions, matters, commune lists, the register book)
INTAKE_WORKERS = [R.BOARD_OFFICER, R.COMMUNE_OFFICER, R.COMMUNE_CHAIRMAN]
# A department sees only the matters it has a task for or was required to attend (followup widens intake.selectors.scoped_matters).
allow("intake.view", [*INTAKE_WORKERS, *LEADERS, R.INSPECTOR, R.SYSTEM_ADMIN, R.DEPARTMENT_OFFICER], "xem vụ việc, đơn của công dân")
allow("intake.register", [R.BOARD_OFFICER], "tiếp nhận đăng ký của công dân tại Ban, đơn gửi Chủ tịch")
allow("intake.register_household", [R.COMMUNE_OFFICER, R.COMMUNE_CHAIRMAN], "lập danh sách hộ dân đăng ký của xã")
allow("intake.submit_batch", [R.COMMUNE_OFFICER, R.COMMUNE_CHAIRMAN], "gửi danh sách của xã lên Ban Tiếp công dân tỉnh")
allow("intake.resubmit", [R.COMMUNE_OFFICER, R.COMMUNE_CHAIRMAN, R.BOARD_OFFICER], "bổ sung và gửi lại vụ việc bị trả lại")
allow("intake.withdraw", [R.BOARD_OFFICER, R.COMMUNE_OFFICER], "ghi nhận công dân rút yêu cầu")
allow("intake.log_contact", [R.BOARD_OFFICER], "ghi nhận liên hệ qua điện thoại, thư điện tử")
allow("intake.record_consent", [R.BOARD_OFFICER, R.COMMUNE_OFFICER], "ghi nhận công dân đồng ý tiếp trực tuyến")
allow("intake.attach", [*INTAKE_WORKERS], "đính kèm tài liệu")
allow("intake.view_protected_identity", [R.BOARD_OFFICER, *LEADERS], "xem danh tính người tố cáo được giữ bí mật")
allow("intake.register_book", [R.BOARD_OFFICER, *LEADERS, R.INSPECTOR], "xem, xuất sổ tiếp công dân")
# triage (classification, proposals, the Chairman's decision)
allow("triage.classify", [R.BOARD_OFFICER], "phân loại vụ việc")
allow("triage.return", [R.BOARD_OFFICER], "trả lại vụ việc, danh sách để bổ sung")
allow("triage.link_repeat", [R.BOARD_OFFICER], "liên kết vụ việc lặp lại")
allow("triage.propose", [R.BOARD_OFFICER], "đề xuất vụ việc tiếp trực tuyến")
allow("triage.decline", [R.BOARD_OFFICER], "không đề xuất, trả lời công dân bằng văn bản")
allow("triage.decide", LEADERS, "phê duyệt hoặc không tiếp vụ việc được đề xuất", on_chairmans_authority=True)
allow("triage.view_proposals", [R.BOARD_OFFICER, *LEADERS], "xem danh sách vụ việc đề xuất")
# Decree 154/2026 Art. 4(3): the head of the agency issues the refusal notice (Form 01/TCD).
allow("triage.refuse", LEADERS, "ra thông báo từ chối tiếp công dân (Mẫu 01/TCD)", on_chairmans_authority=True)


# scheduling (the reception calendar)
allow("scheduling.view", ALL_OFFICIALS, "xem lịch tiếp công dân")
allow("scheduling.plan", [R.BOARD_OFFICER], "lập lịch, chương trình phiên tiếp công dân")
allow("scheduling.create_ad_hoc", [R.BOARD_OFFICER, *LEADERS], "tổ chức phiên tiếp đột xuất", on_chairmans_authority=True)
allow("scheduling.assign_chair", [R.BOARD_OFFICER, *LEADERS], "phân công người chủ trì phiên tiếp")
allow("scheduling.cancel", [R.BOARD_OFFICER, *LEADERS], "hủy phiên tiếp công dân")
allow("scheduling.documents", [R.BOARD_OFFICER, *LEADERS, R.INSPECTOR], "xem giấy mời, thông báo phiên tiếp")
allow("scheduling.configure", [R.BOARD_OFFICER, R.SYSTEM_ADMIN], "cấu hình lịch tiếp công dân định kỳ")
allow("scheduling.calendar_feed", ALL_OFFICIALS, "lấy địa chỉ lịch iCalendar của đơn vị")
# Everyone else on a session sees only its own citizens (scheduling.selectors.matters_shown_to) and counts for the rest.
allow("scheduling.view_citizens", [R.BOARD_OFFICER, *LEADERS, R.INSPECTOR], "xem công dân, nội dung của mọi vụ việc trong phiên tiếp")

# bridges: bridge points (điểm cầu), equipment, readiness tests
allow("bridges.view", ALL_OFFICIALS, "xem điểm cầu")
allow("bridges.manage", [R.IT_OPERATOR, R.SYSTEM_ADMIN], "quản lý điểm cầu và thiết bị")
allow("bridges.run_test", [R.IT_OPERATOR], "kiểm tra kết nối điểm cầu")

# live: the session room (signalling, media, the chair's console, minutes)
allow("live.view", ALL_OFFICIALS, "xem phòng họp trực tuyến")
allow("live.join", ALL_OFFICIALS, "vào phòng họp trực tuyến tại điểm cầu của đơn vị")
allow("live.open", [R.BOARD_OFFICER, *LEADERS], "mở phòng họp trực tuyến của phiên tiếp", on_chairmans_authority=True)
allow("live.chair", [R.BOARD_OFFICER, *LEADERS], "điều hành phiên: cho vào, tắt micro, mời phát biểu, chuyển vụ việc", on_chairmans_authority=True)
allow("live.issue_link", [R.BOARD_OFFICER, R.IT_OPERATOR], "cấp, thu hồi đường dẫn tham gia cho điểm cầu")
allow("live.take_minutes", [R.BOARD_OFFICER, R.INSPECTOR, *LEADERS, R.DEPARTMENT_OFFICER], "ghi biên bản tiếp công dân")
# The object is the matter's agenda item; scheduling.policy_checks narrows a deputy and a department to their own.
allow("live.read_minutes", [R.BOARD_OFFICER, *LEADERS, R.INSPECTOR, R.DEPARTMENT_OFFICER], "xem biên bản tiếp của vụ việc")

# recordings: the session's recording, who plays which part of it (recordings.access narrows a commune to its own
# citizens' matters and an agency to the matters it attended), the restricted stretches, storage and retention
RECORDING_VIEWERS = [R.BOARD_OFFICER, *LEADERS, R.INSPECTOR, R.COMMUNE_CHAIRMAN, R.COMMUNE_OFFICER, R.DEPARTMENT_OFFICER]
allow("recordings.view", RECORDING_VIEWERS, "xem bản ghi hình phiên tiếp công dân")
allow("recordings.view_whole", [R.BOARD_OFFICER, *LEADERS, R.INSPECTOR], "xem bản ghi hình của mọi vụ việc trong phiên")
# Decree 154 Art. 4(1)(c): a stretch the chair restricted (a denouncer named, a state secret) plays for the Chairman, the
# deputies and the province's inspectors only (no role yet tells the Board's head from its officers).
allow("recordings.view_restricted", [*LEADERS, R.INSPECTOR], "xem đoạn ghi hình bị hạn chế")
allow("recordings.download", [R.BOARD_OFFICER, *LEADERS, R.INSPECTOR], "tải bản ghi hình về máy")
allow("recordings.mark_restricted", [R.BOARD_OFFICER, *LEADERS], "đánh dấu đoạn ghi hình hạn chế", on_chairmans_authority=True)
allow("recordings.manage_storage", [R.IT_OPERATOR, R.SYSTEM_ADMIN], "xem dung lượng lưu trữ, thời hạn lưu trữ bản ghi hình")
allow("recordings.configure_retention", [R.SYSTEM_ADMIN], "đặt thời hạn lưu trữ bản ghi hình của tỉnh")
allow("recordings.delete_expired", [R.SYSTEM_ADMIN], "xóa bản ghi hình đã hết thời hạn lưu trữ")
allow("recordings.verify", ALL_OFFICIALS, "kiểm tra tính toàn vẹn, chữ ký của bản ghi hình")

# outcomes: the conclusion notice of a session (Decree 154 Art. 25(2)-(3)), the minutes and each citizen's letter.
# The Board drafts and registers; the Chairman, or a deputy on the Chairman's authority, approves or returns.
allow("outcomes.view", [R.BOARD_OFFICER, *LEADERS, R.INSPECTOR], "xem thông báo kết luận việc tiếp công dân")
allow("outcomes.draft", [R.BOARD_OFFICER], "lập, sửa, trình dự thảo thông báo kết luận")
allow("outcomes.approve", LEADERS, "duyệt, ký hoặc trả lại thông báo kết luận", on_chairmans_authority=True)
allow("outcomes.issue", [R.BOARD_OFFICER, *LEADERS], "ban hành thông báo kết luận, biên bản, văn bản thông báo cho công dân")
# followup: declared here by OUT-NOTICE only because intake's machine names it (settling → settled); FOLLOWUP owns the roles.
allow("followup.accept_result", [R.BOARD_OFFICER, *LEADERS], "ghi nhận kết quả giải quyết của cơ quan được giao")
# followup: the tasks the notice gives agencies (Decree 154 Art. 25(2)). A task lies in its province and with its agency,
# so the Board, the Chairman and the inspectors see the province's follow-up and an agency only its own tasks.
AGENCY_OFFICIALS = [R.DEPARTMENT_OFFICER, R.COMMUNE_OFFICER, R.COMMUNE_CHAIRMAN]
allow("followup.view", [R.BOARD_OFFICER, *LEADERS, R.INSPECTOR, *AGENCY_OFFICIALS], "xem nhiệm vụ giao theo kết luận và tiến độ thực hiện")
allow("followup.oversee", [R.BOARD_OFFICER, *LEADERS, R.INSPECTOR], "theo dõi, đôn đốc mọi nhiệm vụ của tỉnh (đến hạn, quá hạn)")
allow("followup.report", AGENCY_OFFICIALS, "báo cáo tiến độ, kết quả giải quyết nhiệm vụ được giao, trả lời công dân")


# reports: statistics, exports and the reports the Board and the communes send the Chairman (Lạng Sơn plan §V.2;
# Thanh Hóa plan Part IV.2: the Inspectorate compiles; Bắc Ninh plan §III.6: the commune's report). Scope by
# organisation: a commune's officials see their commune's figures, a province's its province, Central every province.
REPORT_READERS = [R.BOARD_OFFICER, *LEADERS, R.INSPECTOR, R.COMMUNE_CHAIRMAN, R.COMMUNE_OFFICER, R.CENTRAL_OBSERVER]
allow("reports.view", REPORT_READERS, "xem số liệu, báo cáo tiếp công dân")
allow("reports.export_figures", REPORT_READERS, "tải số liệu tiếp công dân (CSV, Excel, JSON)")
allow("reports.export_register", [R.BOARD_OFFICER, *LEADERS, R.INSPECTOR], "tải sổ tiếp công dân (CSV, Excel, JSON) cho cơ sở dữ liệu quốc gia")
allow("reports.draft", [R.BOARD_OFFICER], "lập, sửa dự thảo báo cáo tháng")
allow("reports.issue", [R.BOARD_OFFICER], "ban hành báo cáo tháng qua sổ văn bản đi")
allow("reports.draft_commune", [R.COMMUNE_CHAIRMAN, R.COMMUNE_OFFICER], "lập, sửa báo cáo của xã về công dân đăng ký")
allow("reports.issue_commune", [R.COMMUNE_CHAIRMAN], "ban hành báo cáo của xã gửi Chủ tịch UBND tỉnh")

# --- The questions ------------------------------------------------------------------
def register_check(action: str, check: Callable) -> None:
    """Add a rule beyond the table: ``check(user, obj) -> str | None``, returning the refusal reason."""
    if action not in PERMISSIONS:
        raise ValueError(f"Unknown action {action}")
    _CHECKS.setdefault(action, []).append(check)


def _refusal(user, action: str, obj=None) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return "Bạn cần đăng nhập."
    roles = PERMISSIONS.get(action)
    if roles is None:
        return "Thao tác này không được phép."
    if user.role not in roles or user.organisation_id is None:
        return f"Vai trò của bạn không được {ACTION_LABELS[action]}."
    if obj is not None and not in_jurisdiction(user, obj):
        return "Đối tượng này nằm ngoài phạm vi quản lý của đơn vị bạn."
    for check in _CHECKS.get(action, ()):
        reason = check(user, obj)
        if reason:
            return reason
    return None


def can(user, action: str, obj=None) -> bool:
    return _refusal(user, action, obj) is None


def require(user, action: str, obj=None) -> None:
    """Raise ``PermissionDenied`` with a Vietnamese reason unless ``can``."""
    reason = _refusal(user, action, obj)
    if reason:
        raise PermissionDenied(reason)


def get_visible_or_404(user, action: str | None, queryset: QuerySet, **lookup):
    """The object ``lookup`` finds, for ``action``: outside the user's scope it does not exist for them (404,
    as for a matter or a session), inside it a role that may not take the action is refused (403).
    ``action`` None checks the scope only (the service called next asks for its own action)."""
    obj = queryset.filter(**lookup).first()
    if obj is None or not getattr(user, "is_authenticated", False) or user.organisation_id is None or not in_jurisdiction(user, obj):
        raise Http404("Không tìm thấy hoặc không thuộc phạm vi của đơn vị bạn.")
    if action is not None:
        require(user, action, obj)
    return obj


def jurisdiction_root_path(user) -> str:
    """Materialised path of the subtree the user may see ('' means the whole country)."""
    return user.scope_path


class LiesWithParent:
    """A row that lies where its parent lies: ``jurisdiction_parent`` names the field (``"point"``).

    Equipment, readiness tests, join links and devices are seen by whoever sees their point, so they
    answer ``in_jurisdiction`` with the point's paths rather than each repeating the two properties.
    """

    jurisdiction_parent = ""

    @property
    def jurisdiction_path(self) -> str:
        return getattr(self, self.jurisdiction_parent).jurisdiction_path

    @property
    def extra_jurisdiction_paths(self) -> tuple[str, ...]:
        return getattr(self, self.jurisdiction_parent).extra_jurisdiction_paths


def in_jurisdiction(user, obj) -> bool:
    path = getattr(obj, "jurisdiction_path", None)
    if path is None:
        raise TypeError(f"{type(obj).__name__} does not declare jurisdiction_path")
    extra = getattr(obj, "extra_jurisdiction_paths", ())
    root = jurisdiction_root_path(user)
    return any(p.startswith(root) for p in (path, *extra) if p)


def covers_whole_tree(user) -> bool:
    """Whether the user's subtree is the whole tree: '' or the root organisation's path ("/<id>/")."""
    root = jurisdiction_root_path(user)
    return root == "" or root.count("/") == 2


def visible(user, action: str, queryset: QuerySet) -> QuerySet:
    """The part of ``queryset`` the user may take ``action`` on, filtered in the database."""
    if not can(user, action):
        return queryset.none()
    root = jurisdiction_root_path(user)
    if not root:
        return queryset
    path_fields = getattr(queryset.model, "jurisdiction_path_fields", None)
    if path_fields:  # the rows keep the paths themselves (the audit log: written once, read without joins)
        condition = Q()
        for field in path_fields:
            condition |= Q(**{f"{field}__startswith": root})
        return queryset.filter(condition)
    lookups = getattr(queryset.model, "jurisdiction_lookups", None) or [queryset.model.jurisdiction_lookup]
    condition = Q()
    for lookup in lookups:
        prefix = f"{lookup}__" if lookup else ""
        condition |= Q(**{f"{prefix}path__startswith": root})
    return queryset.filter(condition).distinct() if len(lookups) > 1 else queryset.filter(condition)


def allowed_actions(user) -> list[str]:
    return [a for a in PERMISSIONS if can(user, a)]
