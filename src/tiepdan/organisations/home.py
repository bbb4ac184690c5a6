"""What each role's home page says and offers (the cards come from core.navigation)."""
from tiepdan.core.navigation import entries_for

ROLE_INTRO = {
    "province_chairman": "Xem danh sách vụ việc được đề xuất, quyết định tiếp và chủ trì phiên tiếp công dân trực tuyến.",
    "province_deputy": "Chủ trì tiếp công dân trong thời hạn được Chủ tịch ủy quyền.",
    "board_officer": "Tiếp nhận, phân loại, đề xuất vụ việc; lập lịch, điều hành phiên tiếp trực tuyến.",
    "department_officer": "Chuẩn bị ý kiến của sở, ngành và tham gia phiên tiếp khi được mời.",
    "inspector": "Theo dõi, kiểm tra công tác tiếp công dân và nhật ký hệ thống.",
    "it_operator": "Chuẩn bị điểm cầu, chạy kiểm tra kết nối trước mỗi phiên.",
    "commune_chairman": "Ngồi cùng công dân tại điểm cầu xã; theo dõi hồ sơ của xã.",
    "commune_officer": "Lập danh sách hộ dân đăng ký, phân loại, tóm tắt và gửi Ban Tiếp công dân tỉnh.",
    "central_observer": "Theo dõi, tham dự các phiên tiếp công dân của tỉnh khi được mời.",
    "system_admin": "Quản lý tài khoản, cơ quan, đơn vị và cấu hình hệ thống.",
}


def home_sections(user) -> dict:
    return {"intro": ROLE_INTRO.get(user.role, ""), "cards": entries_for(user)}
