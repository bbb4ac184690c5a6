from tiepdan.core.text import fold, normalise


def test_fold_removes_diacritics_and_d_stroke():
    assert fold("Nguyễn Văn Bình") == "nguyen van binh"
    assert fold("ĐẤT ĐAI") == "dat dai"
    assert fold("  Lạng   Sơn ") == "lang son"


def test_normalise_composes_and_trims():
    decomposed = "Nguye\u0302\u0303n"
    assert normalise(f"  {decomposed}  ") == "Nguyễn"
