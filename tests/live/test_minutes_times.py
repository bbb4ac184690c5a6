"""The minutes say when they were saved in the province's time (Asia/Ho_Chi_Minh), as the event log does,
whatever clock the browser showing them keeps."""
from zoneinfo import ZoneInfo

from tiepdan.live import services
from tiepdan.live.models import MatterMinutes

HO_CHI_MINH = ZoneInfo("Asia/Ho_Chi_Minh")


def test_the_minutes_save_answers_with_the_time_in_ho_chi_minh_city(room, agenda, official, client):
    chair = official("bantcd")
    live = services.start_session(by=chair, room=room)
    item = agenda(live, 1)[0]
    services.start_matter(by=chair, room=live, item=item)
    client.force_login(chair)
    saved = client.post(f"/phong-truc-tuyen/{live.pk}/bien-ban/", {"item": item.pk, "version": 0, "fields": {"agencies_opinions": "Sở NN&MT báo cáo"}}, content_type="application/json").json()

    stored = MatterMinutes.objects.get(agenda_item=item).updated_at
    in_the_province = stored.astimezone(HO_CHI_MINH)
    assert saved["saved_at"] == f"{in_the_province:%H:%M:%S}"  # what the console shows after «Đã lưu lúc»
    assert saved["updated_at"].endswith("+07:00")
    again = client.get(f"/phong-truc-tuyen/{live.pk}/bien-ban/", {"item": item.pk}).json()
    assert again["saved_at"] == saved["saved_at"]
