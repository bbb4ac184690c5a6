"""recordings.rules.point_timeline: which take gives each moment of a point's file, and what stays a gap."""
from __future__ import annotations

from tiepdan.recordings.rules import Span, point_timeline


def _plan(timeline):
    return [(s.take, s.start_s, s.end_s) for s in timeline.stretches]


def test_the_points_own_take_gives_the_whole_file_when_it_covers_it():
    timeline = point_timeline([Span("own", "own", 0, 60), Span("copy", "relay", 0, 60)])
    assert _plan(timeline) == [("own", 0, 60)] and timeline.gaps == []


def test_the_central_copy_fills_only_what_the_own_takes_lack():
    own_a, own_b = Span("a", "own", 0, 30), Span("b", "own", 40, 60, holes=((50, 54),))
    timeline = point_timeline([own_a, own_b, Span("copy", "relay", 2, 58)])
    assert _plan(timeline) == [("a", 0, 30), ("copy", 30, 40), ("b", 40, 50), ("copy", 50, 54), ("b", 54, 60)]
    assert timeline.gaps == []


def test_a_stretch_no_take_holds_stays_a_gap():
    timeline = point_timeline([Span("a", "own", 0, 30), Span("b", "own", 45, 60)])
    assert _plan(timeline) == [("a", 0, 30), ("b", 45, 60)] and timeline.gaps == [(30, 45)]


def test_a_missing_slice_no_copy_covers_is_a_gap_inside_the_take():
    timeline = point_timeline([Span("a", "own", 0, 20, holes=((6, 8),))])
    assert _plan(timeline) == [("a", 0, 6), ("a", 8, 20)] and timeline.gaps == [(6, 8)]


def test_clock_jitter_between_takes_is_neither_a_gap_nor_filled():
    timeline = point_timeline([Span("a", "own", 0, 30), Span("b", "own", 30.3, 60), Span("copy", "relay", 0, 60)])
    assert _plan(timeline) == [("a", 0, 30), ("b", 30.3, 60)] and timeline.gaps == []


def test_the_servers_recording_comes_before_the_central_copy_and_after_the_points_own():
    timeline = point_timeline([Span("copy", "relay", 0, 60), Span("sfu", "server", 0, 40), Span("own", "own", 10, 20)])
    assert _plan(timeline) == [("sfu", 0, 10), ("own", 10, 20), ("sfu", 20, 40), ("copy", 40, 60)]


def test_overlapping_takes_of_one_source_the_earlier_one_wins_until_it_ends():
    timeline = point_timeline([Span("late", "own", 25, 60), Span("early", "own", 0, 30)])
    assert _plan(timeline) == [("early", 0, 30), ("late", 30, 60)]


def test_nothing_recorded_means_no_file_and_no_gap():
    assert point_timeline([]) == ([], [])
