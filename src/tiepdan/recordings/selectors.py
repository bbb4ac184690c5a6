"""Read-side questions several callers ask of a recording's takes (the upload API, finishing, playback)."""
from __future__ import annotations

from django.db.models import Sum

from . import rules
from .models import Recording, Slice, Track


def stored_seqs(track: Track) -> list[int]:
    return list(Slice.objects.filter(track=track).order_by("seq").values_list("seq", flat=True))


def missing_ranges(track: Track) -> list[list[int]]:
    """The slice numbers of ``track`` not stored, from 0 to its ``last_seq`` (read from the database, not the row in hand)."""
    last_seq = Track.objects.filter(pk=track.pk).values_list("last_seq", flat=True).first()
    return rules.missing_ranges(stored_seqs(track), last_seq)


def next_seq(track: Track) -> int:
    """The number the browser should send next if it has nothing older waiting: one past the highest stored."""
    last = Slice.objects.filter(track=track).order_by("-seq").values_list("seq", flat=True).first()
    return 0 if last is None else last + 1


def recording_bytes(recording: Recording) -> int:
    """What a recording's slices take in the store, counted from its takes (also while it is still recording)."""
    return Track.objects.filter(recording=recording).aggregate(total=Sum("bytes_total"))["total"] or 0


def slices_in_order(track: Track):
    """The stored slices of one take by number: what finishing joins and the manifest lists."""
    return Slice.objects.filter(track=track).order_by("seq")
