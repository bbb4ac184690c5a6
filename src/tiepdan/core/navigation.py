"""The product's menu and home-page cards, in one list, in the order of a matter's life.

Each entry is shown only to users the policy allows to take its action, so
the menu never offers what the user would be refused. URL names are strings:
core imports no app.
"""
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from . import policy


@dataclass(frozen=True)
class Entry:
    action: str
    url_name: str
    title: str
    text: str
    in_menu: bool = True


ENTRIES = [
    # Later stages insert their entries here, in the order a matter meets them.
    Entry("intake.register_household", "intake:commune_list", "Danh sách hộ dân", "Ghi nhận hộ dân đăng ký, phân loại, tóm tắt và gửi danh sách lên Ban Tiếp công dân tỉnh."),
    Entry("intake.register", "intake:register", "Tiếp nhận", "Công dân đến Ban hoặc đơn gửi Chủ tịch; điện thoại, thư điện tử thì hướng dẫn gửi đơn."),
    Entry("triage.return", "intake:commune_list", "Danh sách của xã", "Danh sách hộ dân do UBND xã gửi: xem, trả lại để bổ sung.", in_menu=False),
    Entry("intake.view", "intake:matter_list", "Vụ việc", "Tìm vụ việc theo họ tên, nội dung (gõ không dấu được), số CCCD, xã, trạng thái, loại."),
    Entry("triage.view_proposals", "triage:proposals", "Đề xuất", "Vụ việc Ban đề xuất tiếp trực tuyến: Chủ tịch đồng ý hoặc không tiếp, chọn cơ quan phải dự."),
    Entry("intake.register_book", "intake:register_book", "Sổ tiếp công dân", "Sổ tiếp công dân mẫu 03/TCD; tải về Excel.", in_menu=False),
    Entry("bridges.view", "bridges:point_list", "Điểm cầu", "Danh mục điểm cầu, thiết bị và kết quả kiểm tra kết nối trước mỗi phiên."),
    Entry("scheduling.view", "scheduling_sessions", "Lịch tiếp", "Lịch tiếp công dân định kỳ, đột xuất: chương trình, điểm cầu, giấy mời, kiểm tra kết nối."),
    Entry("live.view", "live:rooms", "Phòng họp trực tuyến", "Phiên tiếp công dân trực tuyến: phòng chờ, điều hành, biên bản từng vụ việc."),
    Entry("recordings.verify", "recordings_verify", "Kiểm tra bản ghi hình", "Bản ghi hình có toàn vẹn, đúng chữ ký số của cơ quan không; kiểm tra cả bản đã tải về.", in_menu=False),
    Entry("followup.view", "followup:task_list", "Theo dõi kết luận", "Nhiệm vụ giao các cơ quan theo thông báo kết luận: hạn giải quyết, báo cáo kết quả, đến hạn, quá hạn."),
    Entry("reports.view", "reports:statistics", "Báo cáo", "Số liệu tiếp công dân theo tháng, quý, năm; báo cáo tháng gửi Chủ tịch; tải số liệu, sổ tiếp công dân."),
    Entry("notifications.view", "notifications:list", "Thông báo", "Nhắc việc, giấy mời và thông báo thay đổi gửi cho bạn; đánh dấu đã đọc.", in_menu=False),
    Entry("documents.view", "documents:list", "Văn bản", "Thông báo, giấy mời, giấy biên nhận đã ban hành: tải bản PDF, DOCX.", in_menu=False),
    Entry("organisations.view", "organisation_list", "Cơ quan, đơn vị", "Cây tổ chức của tỉnh: sở, ngành, UBND các xã, phường.", in_menu=False),
    Entry("people.view", "people_list", "Cán bộ", "Danh sách cán bộ và vai trò trong phạm vi của đơn vị.", in_menu=False),
    Entry("delegation_of_authority.grant", "authorisations", "Ủy quyền chủ trì", "Ủy quyền cho Phó Chủ tịch chủ trì tiếp công dân trong một thời hạn.", in_menu=False),
    Entry("audit.view", "audit_log", "Nhật ký kiểm tra", "Ai đã làm gì, lúc nào, từ đâu; kiểm tra tính toàn vẹn của nhật ký.", in_menu=False),
]


def entries_for(user, *, menu_only: bool = False) -> list[dict]:
    items = []
    for entry in ENTRIES:
        if menu_only and not entry.in_menu:
            continue
        if not policy.can(user, entry.action):
            continue
        try:
            items.append({"title": entry.title, "text": entry.text, "url": reverse(entry.url_name)})
        except NoReverseMatch:
            continue
    return items
