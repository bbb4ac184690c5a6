"""The PDF's font finder: the operator's folder first, Times New Roman before its clone, only whole Vietnamese sets."""
from __future__ import annotations

import shutil

from tiepdan.documents import fonts

TIMES_FILES = fonts.FONT_FILES["Times New Roman"]


def _installed_set():
    """The four files of the font this machine has (the PDF tests need one too)."""
    return fonts.find_serif_font()[1]


def test_times_new_roman_in_tiepdan_font_dirs_is_taken_before_any_installed_font(monkeypatch, tmp_path):
    # An operator who copies Times New Roman into a folder of their own names it in TIEPDAN_FONT_DIRS;
    # an installed font with the same metrics stands in for Microsoft's files here.
    for source, name in zip(_installed_set(), TIMES_FILES):
        shutil.copy(source, tmp_path / name)
    monkeypatch.setenv("TIEPDAN_FONT_DIRS", f"/nonexistent:{tmp_path}")
    family, files = fonts.find_serif_font()
    assert family == "Times New Roman"
    assert all(path.parent == tmp_path for path in files)
    assert [path.name for path in files] == list(TIMES_FILES)


def test_a_times_set_missing_vietnamese_in_one_face_gives_way_to_the_next_family(monkeypatch, tmp_path):
    installed = _installed_set()
    for source, name in zip(installed[:3], TIMES_FILES[:3]):
        shutil.copy(source, tmp_path / name)
    (tmp_path / TIMES_FILES[3]).write_bytes(b"not a font")  # bold italic without the letters
    monkeypatch.setenv("TIEPDAN_FONT_DIRS", str(tmp_path))
    monkeypatch.setattr(fonts, "FONT_DIRS", [str(installed[0].parent)])
    family, files = fonts.find_serif_font()
    assert family != "Times New Roman" or all(path.parent != tmp_path for path in files)
    assert all(fonts._covers_vietnamese(path) for path in files)
