"""Demo matters for `make run`: a dozen in the demo province, registered through the real services.

Each row says what happens next (``fate``): triage's demo (``triage/demo.py``, seeded after this one)
classifies, proposes, declines or decides them, so scheduling has a queue."""
from __future__ import annotations

import datetime as dt

from tiepdan.organisations.models import AdministrativeUnit, Organisation, User

from . import services
from .models import Matter
from .services import CitizenData, MatterData, RepresentativeData

# name, CCCD, date of birth, hamlet, kind, area, summary, what happens next, extras
DEMO = [
    ("Hoàng Văn Páo", "020058004711", dt.date(1958, 4, 2), "Thôn Nà Lầu", "complaint", "land", "Khiếu nại Quyết định thu hồi đất nông nghiệp để làm đường tránh, cho rằng giá bồi thường thấp hơn giá thị trường.", "approved", {"wants_online": True}),
    ("Nông Thị Lụa", "020165003920", dt.date(1965, 9, 14), "Bản Pác Mòng", "complaint", "compensation", "Đoàn 12 hộ dân khiếu nại việc bố trí tái định cư dự án hồ chứa nước, chưa được giao đất ở mới.", "approved", {"wants_online": True, "members_count": 12, "members_note": "12 hộ thôn Pác Mòng", "other_representatives": [RepresentativeData(full_name="Lương Văn Tằng", id_number="020062004518", address="Bản Pác Mòng")]}),
    ("Lương Văn Khánh", "020071008812", dt.date(1971, 1, 20), "Thôn Đồng Tâm", "recommendation", "policy", "Kiến nghị xem xét chế độ người có công với cách mạng cho bố đẻ đã mất, hồ sơ gửi từ năm 2019 chưa có kết quả.", "approved", {"wants_online": True, "channel": "letter"}),
    ("Vi Thị Hường", "020180001234", dt.date(1980, 6, 5), "Bản Khòn Pát", "complaint", "land", "Khiếu nại việc cấp giấy chứng nhận quyền sử dụng đất chồng lấn với thửa đất của gia đình đã sử dụng ổn định từ năm 1990.", "approved_commune", {"wants_online": True}),
    ("Lăng Văn Slam", "020062005530", dt.date(1962, 11, 30), "Thôn Tân Lập", "complaint", "compensation", "Khiếu nại lần hai về mức hỗ trợ chuyển đổi nghề khi thu hồi đất khu công nghiệp; quyết định lần đầu đã có hiệu lực.", "proposed", {"wants_online": True}),
    ("Triệu Thị Dìn", "020175006621", dt.date(1975, 3, 8), "Bản Phai Luông", "reflection", "environment", "Phản ánh cơ sở chế biến gỗ xả thải gây ô nhiễm nguồn nước suối của bản, đã báo xã nhiều lần.", "proposed", {"wants_online": True}),
    ("Hà Văn Chiến", "020069007743", dt.date(1969, 8, 17), "Thôn Hợp Thành", "recommendation", "construction", "Kiến nghị sửa chữa cầu treo qua suối bị hư hỏng sau mưa lũ, học sinh đi học nguy hiểm.", "classified", {}),
    ("Chu Văn Thắng", "020055002290", dt.date(1955, 12, 1), "Thôn Quyết Thắng", "denunciation", "officials_conduct", "Tố cáo cán bộ địa chính xã yêu cầu nộp tiền ngoài quy định khi làm thủ tục tách thửa đất.", "classified", {"identity_protected": True}),
    ("Nguyễn Thị Thu Hằng", "020186009981", dt.date(1986, 2, 22), "Khu Trung Tâm", "complaint", "justice", "Khiếu nại bản án dân sự đã có hiệu lực về tranh chấp thừa kế, đề nghị Chủ tịch tỉnh can thiệp.", "declined_board", {}),
    ("Bế Văn Hưng", "020073004456", dt.date(1973, 7, 9), "Thôn Còn Quan", "complaint", "land", "Khiếu nại việc UBND xã không giải quyết đơn tranh chấp ranh giới đất rừng với hộ liền kề.", "declined", {"wants_online": True}),
    ("Lộc Văn Sinh", "020067001188", dt.date(1967, 5, 25), "Bản Bó Chặp", "recommendation", "policy", "Kiến nghị được hỗ trợ nhà ở cho hộ nghèo theo chương trình xóa nhà tạm, nhà dột nát.", "received_commune", {}),
    ("Mã Thị Nhung", "020190002277", dt.date(1990, 10, 3), "Thôn Hòa Bình", "reflection", "other", "Phản ánh việc thu tiền đóng góp xây dựng nhà văn hóa thôn không công khai.", "withdrawn", {}),
]


def seed(orgs: dict) -> None:
    """Register each demo matter (at the Board, or on the commune's list and sent); triage's demo takes them on."""
    committee: Organisation = orgs["committee"]
    if Matter.objects.filter(province_committee=committee).exists():
        return
    board, commune_officer = (User.objects.get(username=u) for u in ("bantcd", "canboxa"))
    home: AdministrativeUnit = orgs["commune"].unit
    others = list(AdministrativeUnit.objects.filter(parent_id=committee.unit_id).exclude(pk=home.pk).order_by("code")[:6])
    for i, (name, cccd, born, hamlet, kind, area, summary, fate, extra) in enumerate(DEMO):
        extra = dict(extra)
        via_commune = fate.endswith("_commune")
        commune = home if via_commune else others[i % len(others)]
        citizen = CitizenData(full_name=name, id_number=cccd, date_of_birth=born, commune=commune, address=hamlet, phone=f"0912{i:06d}")
        channel = extra.pop("channel", "in_person")
        data = MatterData(kind=kind, subject_area=area, summary=summary, request="Đề nghị được gặp Chủ tịch UBND tỉnh để trình bày.", papers=[{"name": "Đơn đề nghị", "pages": 1, "state": "bản chính"}], **extra)
        if via_commune:
            matter = services.record_household(by=commune_officer, citizen=citizen, matter=data)
            services.submit_batch(by=commune_officer, batch=matter.batch)
        else:
            matter = services.register_at_board(by=board, citizen=citizen, matter=data, channel=channel)
        if fate == "withdrawn":
            services.withdraw(by=board, matter=matter, reason="Công dân có đơn xin rút yêu cầu vì thôn đã công khai khoản thu.")
