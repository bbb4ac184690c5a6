"""Who may watch which part of a recording: asked inside the query, never object by object after it.

Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15 and the province's plans (Thanh Hóa: access to recordings is someone's
responsibility): a recording shows citizens and what they complain of, so it is played only to those who need it.

- The Board, the Chairman and deputies, the province's inspectors (``recordings.view_whole``): every recording of
  their province, every chapter.
- A commune (``recordings.view``, no ``view_whole``): only the chapters of its own citizens' matters
  (``Matter.commune_committee`` in its subtree).
- An agency: only the chapters of the matters it was invited to attend (``Matter.agencies_required``).
- Decree 154/2026 Art. 4(1)(c): a stretch the chair restricted plays only for ``recordings.view_restricted``; for
  everyone else it is cut out of what they may play (``windows``).

The server hands out only the bytes of the windows a viewer may play (``playback.clip_for``), so a player cannot
be talked into playing another citizen's matter or a restricted stretch: what it does not receive it cannot show.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from tiepdan.core import policy

from .models import Chapter, PointFile, Recording, RecordingState, RestrictedStretch


def sees_whole(user) -> bool:
    """Whether ``user`` watches every chapter of their province's recordings (not only their own matters')."""
    return policy.can(user, "recordings.view_whole")


def _own_matters_q(user, prefix: str) -> Q:
    """The chapters (or recordings, by ``prefix``) of the matters of the user's own commune or agency."""
    root = policy.jurisdiction_root_path(user)
    return Q(**{f"{prefix}agenda_item__matter__commune_committee__path__startswith": root}) | Q(
        **{f"{prefix}agenda_item__matter__agencies_required__path__startswith": root})


def visible_chapters(user, recording: Recording | None = None) -> QuerySet[Chapter]:
    """The chapters ``user`` may play (of ``recording``, or of every recording), filtered in the database."""
    qs = Chapter.objects.select_related("agenda_item__matter", "recording")
    if recording is not None:
        qs = qs.filter(recording=recording)
    if not policy.can(user, "recordings.view"):
        return qs.none()
    if sees_whole(user):
        return qs.filter(recording__in=policy.visible(user, "recordings.view_whole", Recording.objects.all()).values("pk"))
    own = Chapter.objects.filter(_own_matters_q(user, "")).values("pk")
    return qs.filter(pk__in=own)


def visible_recordings(user) -> QuerySet[Recording]:
    """The recordings ``user`` may open: all of the province for whole viewers, else those with a chapter of theirs."""
    qs = Recording.objects.select_related("room__session", "room__province_committee")
    if not policy.can(user, "recordings.view"):
        return qs.none()
    if sees_whole(user):
        return policy.visible(user, "recordings.view_whole", qs)
    return qs.filter(pk__in=Chapter.objects.filter(_own_matters_q(user, "")).values("recording_id"))


def get_recording(user, pk: int) -> Recording:
    """The recording ``pk`` for ``user``: outside what they may watch it does not exist (404), as for a matter;
    a role in the province that may not watch recordings at all (an IT operator) is refused (403)."""
    recording = visible_recordings(user).filter(pk=pk).first()
    if recording is not None:
        return recording
    recording = Recording.objects.select_related("room__province_committee").filter(pk=pk).first()
    if recording is not None and getattr(user, "organisation_id", None) and policy.in_jurisdiction(user, recording) and not policy.can(user, "recordings.view"):
        raise PermissionDenied(f"Vai trò của bạn không được {policy.ACTION_LABELS['recordings.view']}.")
    raise Http404("Không tìm thấy bản ghi hình hoặc bản ghi không thuộc phạm vi của đơn vị bạn.")


def recordings_of_session(user, session) -> QuerySet[Recording]:
    return visible_recordings(user).filter(room__session=session)


# --- Time: what part of the recording's timeline a viewer may play --------------------------------------
@dataclass(frozen=True)
class Window:
    """A stretch of the recording's timeline, in seconds after ``Recording.started_at``."""

    start_s: float
    end_s: float

    @property
    def key(self) -> str:
        """How a window is named in a clip's address: milliseconds, so a float never has to round-trip."""
        return f"{round(self.start_s * 1000)}-{round(self.end_s * 1000)}"


def recording_length_s(recording: Recording) -> float:
    """The recording's length: its end, else the longest point file's reach, else its last chapter's end."""
    if recording.ended_at and recording.started_at:
        return max((recording.ended_at - recording.started_at).total_seconds(), 0.0)
    reach = [pf.offset_s + (pf.duration_s or 0) for pf in recording.point_files.all()]
    ends = [c.end_s or c.start_s for c in recording.chapters.all()]
    return max(reach + ends + [0.0])


def restricted_windows(recording: Recording) -> list[Window]:
    """The restricted stretches on the recording's timeline (an open one runs to the end)."""
    length = recording_length_s(recording)
    out = []
    for stretch in RestrictedStretch.objects.filter(recording=recording).order_by("started_at"):
        start = max((stretch.started_at - recording.started_at).total_seconds(), 0.0)
        end = (stretch.ended_at - recording.started_at).total_seconds() if stretch.ended_at else length
        out.append(Window(start, max(end, start)))
    return out


def subtract(windows: list[Window], cuts: list[Window]) -> list[Window]:
    """``windows`` without the stretches ``cuts`` (both lists of half-open intervals), in order, empty pieces dropped."""
    out = []
    for window in sorted(windows, key=lambda w: w.start_s):
        pieces = [window]
        for cut in cuts:
            next_pieces = []
            for piece in pieces:
                if cut.end_s <= piece.start_s or cut.start_s >= piece.end_s:
                    next_pieces.append(piece)
                    continue
                if cut.start_s > piece.start_s:
                    next_pieces.append(Window(piece.start_s, cut.start_s))
                if cut.end_s < piece.end_s:
                    next_pieces.append(Window(cut.end_s, piece.end_s))
            pieces = next_pieces
        out.extend(p for p in pieces if p.end_s - p.start_s > 0.05)
    return out


def merge(windows: list[Window]) -> list[Window]:
    """Touching or overlapping windows as one (two chapters back to back play as one stretch)."""
    out: list[Window] = []
    for window in sorted(windows, key=lambda w: w.start_s):
        if out and window.start_s <= out[-1].end_s + 0.05:
            out[-1] = Window(out[-1].start_s, max(out[-1].end_s, window.end_s))
        else:
            out.append(window)
    return out


def windows(user, recording: Recording) -> list[Window]:
    """What ``user`` may play of ``recording``: the whole of it or their own matters' chapters, minus the restricted
    stretches unless they may see those. An empty list: nothing (the page says why)."""
    length = recording_length_s(recording)
    if sees_whole(user):
        allowed = [Window(0.0, length)]
    else:
        allowed = merge([Window(c.start_s, c.end_s if c.end_s is not None else length) for c in visible_chapters(user, recording)])
    if not policy.can(user, "recordings.view_restricted", recording):
        allowed = subtract(allowed, restricted_windows(recording))
    return allowed


def plays_everything(user, recording: Recording) -> bool:
    """Whether ``user`` may have the whole per-point files (nothing in them is hidden from them)."""
    allowed = windows(user, recording)
    return len(allowed) == 1 and allowed[0].start_s <= 0.05 and allowed[0].end_s >= recording_length_s(recording) - 0.05


def may_download(user, recording: Recording) -> str | None:
    """Why ``user`` may not download ``recording`` (None: they may). The export shows everything, restricted stretches
    included, so whoever may not play all of it may not take it away either."""
    if not policy.can(user, "recordings.download", recording):
        return f"Vai trò của bạn không được {policy.ACTION_LABELS['recordings.download']}."
    if recording.state != RecordingState.FINISHED:
        return "Bản ghi hình chưa hoàn thiện, chưa tải được."
    if not plays_everything(user, recording):
        return "Bản ghi hình có đoạn bị hạn chế xem mà bạn không được xem, nên không được tải về."
    return None


def point_files(recording: Recording) -> list[PointFile]:
    """The per-point files, the central point first (its clock leads the player), then in the room's order."""
    files = PointFile.objects.filter(recording=recording).select_related("point")
    return sorted(files, key=lambda pf: (pf.point.role != "central", pf.point.pk))
