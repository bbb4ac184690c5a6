"""Every recordings test keeps its files in its own temporary folder, never in the developer's ``DATA_DIR``
(``var/``): the local store, the S3 download cache and Janus's recording folder. Without this a test that does
not name a store itself (the browser tests, the fault tests) wrote its slices into ``var/recordings``, under the
same recording and track numbers as the next run's (test databases reuse ids). A test or fixture that sets
these paths itself still wins: it runs after this one."""
from __future__ import annotations

import pytest

from tests.conftest import require_tool

from .finishing_helpers import make_media


@pytest.fixture(autouse=True)
def _recording_files_in_tmp(settings, tmp_path_factory):
    base = tmp_path_factory.mktemp("recording-files")
    settings.RECORDINGS_LOCAL_DIR = base / "recordings"
    settings.RECORDINGS_S3_CACHE_DIR = base / "recordings-cache"
    settings.JANUS_REC_DIR = base / "janus"


@pytest.fixture(scope="module")
def media_files(tmp_path_factory):
    """MediaRecorder-like slices made once per module with ffmpeg (the finishing and integrity tests)."""
    require_tool("ffmpeg", "ffmpeg")
    return make_media(tmp_path_factory.mktemp("slices"))
