"""The demo carries a past session of the province to its issued notice."""
from tiepdan.outcomes import demo as outcomes_demo


def test_the_demo_issues_the_notice_of_a_closed_session_once(closed_session, demo):
    session = closed_session(minutes=[{"citizen_presentation": "Đề nghị bồi thường", "conclusion": ""}])
    outcomes_demo.seed(demo)
    outcomes_demo.seed(demo)
    session.refresh_from_db()
    notice = session.conclusion_notice
    assert notice.state == "issued" and notice.document is not None
    item = notice.items.get()
    assert item.directives.exists() and item.matter.state == "settling"
