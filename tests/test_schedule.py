"""The timetable rule of `schedule.time_run`: hand-computed examples and properties.

The rule: no driving or broadcasting during lunch; a drive that reaches lunch
pauses for it and goes on after; a dwell (setup + broadcast) is never split,
so one that cannot end before lunch starts after it; nothing may end after
the end of the shift (then `time_run` returns None).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outreach_planner.optimize.problem import Shift
from outreach_planner.optimize.schedule import drive_end, dwell_start, time_run

H = 3600
M = 60


def hm(h: int, m: int = 0) -> int:
    return h * H + m * M


# The default office hours: 07:00-11:30 and 13:30-17:00.
OFFICE = Shift(hm(7), hm(11, 30), hm(13, 30), hm(17))


def matrix(rows: list[list[int]]) -> np.ndarray:
    t = np.array(rows, dtype=np.int64)
    t.setflags(write=False)
    return t


def overlap(a: int, b: int, lo: int, hi: int) -> int:
    return max(0, min(b, hi) - max(a, lo))


# --------------------------------------------------------------------------- examples


class TestDriveEnd:
    def test_leg_straddling_lunch_pauses_for_it(self):
        # Leaves 11:20, 10 min driven before lunch, 10 min after 13:30.
        assert drive_end(hm(11, 20), 20 * M, OFFICE) == hm(13, 40)

    def test_leg_ending_exactly_at_lunch_start_does_not_pause(self):
        assert drive_end(hm(11, 10), 20 * M, OFFICE) == hm(11, 30)

    def test_leaving_exactly_at_lunch_start_waits_for_the_whole_lunch(self):
        assert drive_end(hm(11, 30), 20 * M, OFFICE) == hm(13, 50)

    def test_leaving_during_lunch_waits_for_its_end(self):
        assert drive_end(hm(12, 15), 5 * M, OFFICE) == hm(13, 35)

    def test_leaving_exactly_at_lunch_end_drives_at_once(self):
        assert drive_end(hm(13, 30), 20 * M, OFFICE) == hm(13, 50)

    def test_zero_length_leg_during_lunch_takes_no_time(self):
        assert drive_end(hm(12), 0, OFFICE) == hm(12)
        assert drive_end(hm(11, 30), 0, OFFICE) == hm(11, 30)

    def test_legs_away_from_lunch_are_plain_sums(self):
        assert drive_end(hm(8), 25 * M, OFFICE) == hm(8, 25)
        assert drive_end(hm(14), 25 * M, OFFICE) == hm(14, 25)

    def test_zero_length_lunch_never_pauses(self):
        no_lunch = Shift(hm(7), hm(12), hm(12), hm(17))
        assert drive_end(hm(11, 50), 20 * M, no_lunch) == hm(12, 10)


class TestDwellStart:
    def test_dwell_that_would_straddle_lunch_starts_after_it(self):
        assert dwell_start(hm(11), 40 * M, OFFICE) == hm(13, 30)

    def test_dwell_ending_exactly_at_lunch_start_is_kept_before(self):
        assert dwell_start(hm(10, 50), 40 * M, OFFICE) == hm(10, 50)

    def test_dwell_one_second_too_long_moves_after_lunch(self):
        assert dwell_start(hm(10, 50), 40 * M + 1, OFFICE) == hm(13, 30)

    def test_arrival_during_lunch_waits(self):
        assert dwell_start(hm(12), 10 * M, OFFICE) == hm(13, 30)

    def test_arrival_after_lunch_starts_at_once(self):
        assert dwell_start(hm(13, 30), 10 * M, OFFICE) == hm(13, 30)
        assert dwell_start(hm(15), 10 * M, OFFICE) == hm(15)

    def test_zero_dwell_needs_no_move(self):
        assert dwell_start(hm(12), 0, OFFICE) == hm(12)


class TestTimeRunExamples:
    # depot 0, stop 1 (30 min out), stop 2 (20 min from 1, 60 min from the depot).
    T = matrix([[0, 30 * M, 60 * M], [30 * M, 0, 20 * M], [60 * M, 20 * M, 0]])

    def test_morning_run_with_return_over_lunch(self):
        run = time_run([1, 2], dwell_s=(0, 3 * H, 30 * M), travel_s=self.T, shift=OFFICE)
        assert run is not None
        v1, v2 = run.visits
        assert (v1.node, v1.arrival_s, v1.dwell_start_s, v1.dwell_end_s, v1.depart_s) == (
            1,
            hm(7, 30),
            hm(7, 30),
            hm(10, 30),
            hm(10, 30),
        )
        assert (v2.node, v2.arrival_s, v2.dwell_start_s, v2.dwell_end_s, v2.depart_s) == (
            2,
            hm(10, 50),
            hm(10, 50),
            hm(11, 20),
            hm(11, 20),
        )
        # 10 min of the hour home before lunch, 50 min after it.
        assert run.depart_depot_s == hm(7)
        assert run.return_s == hm(14, 20)
        assert run.lunch == (hm(11, 30), hm(13, 30))

    def test_dwell_that_fits_exactly_before_lunch(self):
        run = time_run([1, 2], dwell_s=(0, 3 * H, 40 * M), travel_s=self.T, shift=OFFICE)
        assert run is not None
        assert run.visits[1].dwell_start_s == hm(10, 50)
        assert run.visits[1].dwell_end_s == hm(11, 30)
        assert run.return_s == hm(14, 30)

    def test_dwell_straddling_lunch_is_moved_after_it(self):
        run = time_run([1, 2], dwell_s=(0, 3 * H, 41 * M), travel_s=self.T, shift=OFFICE)
        assert run is not None
        v2 = run.visits[1]
        assert v2.arrival_s == hm(10, 50)
        assert v2.dwell_start_s == hm(13, 30)
        assert v2.dwell_end_s == v2.depart_s == hm(14, 11)
        assert run.return_s == hm(15, 11)

    def test_zero_length_leg_during_lunch(self):
        # Two stops at the same place: the first reached at 11:30 with no dwell,
        # then a zero-length leg at lunch start, then a dwell that must wait.
        t = matrix([[0, hm(4, 30), hm(4, 30)], [hm(4, 30), 0, 0], [hm(4, 30), 0, 0]])
        long_day = Shift(hm(7), hm(11, 30), hm(13, 30), hm(19))
        run = time_run([1, 2], dwell_s=(0, 0, 10 * M), travel_s=t, shift=long_day)
        assert run is not None
        v1, v2 = run.visits
        assert (v1.arrival_s, v1.dwell_start_s, v1.depart_s) == (hm(11, 30),) * 3
        assert v2.arrival_s == hm(11, 30)
        assert (v2.dwell_start_s, v2.dwell_end_s) == (hm(13, 30), hm(13, 40))
        assert run.return_s == hm(18, 10)
        # The same run does not get home by 17:00.
        assert time_run([1, 2], dwell_s=(0, 0, 10 * M), travel_s=t, shift=OFFICE) is None

    def test_empty_run_stays_at_the_depot(self):
        run = time_run([], dwell_s=(0,), travel_s=matrix([[0]]), shift=OFFICE)
        assert run is not None
        assert run.visits == ()
        assert run.depart_depot_s == run.return_s == hm(7)
        assert run.lunch is None

    def test_run_ending_before_lunch_has_no_lunch(self):
        run = time_run([1], dwell_s=(0, 30 * M, 0), travel_s=self.T, shift=OFFICE)
        assert run is not None
        assert run.return_s == hm(8, 30)
        assert run.lunch is None

    def test_return_after_the_shift_is_none(self):
        # 13:30 + 20 min drive: a 2 h 50 dwell gets home at 17:00; a 3 h one
        # still ends in time (16:50) but the 20 min drive home does not.
        late = Shift(hm(13, 30), hm(13, 30), hm(13, 30), hm(17))
        t = matrix([[0, 20 * M], [20 * M, 0]])
        ok = time_run([1], dwell_s=(0, 2 * H + 50 * M), travel_s=t, shift=late)
        assert ok is not None
        assert ok.return_s == hm(17)
        assert time_run([1], dwell_s=(0, 3 * H), travel_s=t, shift=late) is None

    def test_return_exactly_at_the_shift_end_is_fine(self):
        t = matrix([[0, 30 * M], [30 * M, 0]])
        run = time_run([1], dwell_s=(0, 2 * H + 30 * M), travel_s=t,
                       shift=Shift(hm(13, 30), hm(13, 30), hm(13, 30), hm(17)))  # fmt: skip
        assert run is not None
        assert run.return_s == hm(17)

    def test_dwell_after_the_shift_is_none(self):
        # Stop 2's dwell would end at 17:11 with a 0 min drive home: still too late.
        t = matrix([[0, 0, 0], [0, 0, 0], [0, 0, 0]])
        assert time_run([1, 2], dwell_s=(0, 4 * H, 3 * H + 31 * M), travel_s=t,
                        shift=OFFICE) is None  # fmt: skip

    def test_dwell_longer_than_every_span_is_none(self):
        t = matrix([[0, 0], [0, 0]])
        assert time_run([1], dwell_s=(0, 4 * H + 31 * M), travel_s=t, shift=OFFICE) is None
        assert time_run([1], dwell_s=(0, 4 * H + 30 * M), travel_s=t, shift=OFFICE) is not None


class TestShiftValidation:
    def test_working_seconds(self):
        assert OFFICE.working_s == hm(8)
        assert Shift(hm(8), hm(12), hm(12), hm(16)).working_s == hm(8)

    def test_equal_times_are_allowed(self):
        Shift(hm(8), hm(8), hm(8), hm(8))

    @pytest.mark.parametrize(
        "times",
        [
            (hm(12), hm(11), hm(13), hm(17)),  # lunch before start
            (hm(7), hm(13), hm(12), hm(17)),  # lunch ends before it starts
            (hm(7), hm(11), hm(18), hm(17)),  # lunch ends after the end
            (hm(18), hm(11), hm(13), hm(17)),  # start after the end
            (hm(7), hm(11), hm(13), hm(6)),  # end before start
        ],
    )
    def test_out_of_order_raises(self, times):
        with pytest.raises(ValueError, match="out of order"):
            Shift(*times)


# --------------------------------------------------------------------------- properties


@st.composite
def shifts(draw, start: int | None = None) -> Shift:
    s = draw(st.integers(0, hm(10))) if start is None else start
    # Often a short morning, so that lunch falls inside the run.
    a = draw(st.one_of(st.integers(0, hm(1)), st.integers(0, hm(5))))
    lunch = draw(st.sampled_from([0, 1, 30 * M, hm(1), hm(2), draw(st.integers(0, hm(3)))]))
    c = draw(st.one_of(st.integers(0, hm(6)), st.integers(hm(6), hm(12))))
    return Shift(s, s + a, s + a + lunch, s + a + lunch + c)


@st.composite
def cases(draw):
    n = draw(st.integers(1, 8))
    size = n + 1
    values = draw(
        st.lists(
            st.one_of(st.integers(0, 40 * M), st.integers(0, 40 * M), st.just(0)),
            min_size=size * (size - 1) // 2,
            max_size=size * (size - 1) // 2,
        )
    )
    t = np.zeros((size, size), dtype=np.int64)
    k = 0
    for i in range(size):
        for j in range(i + 1, size):
            t[i, j] = t[j, i] = values[k]
            k += 1
    t.setflags(write=False)
    dwell = [0] + draw(
        st.lists(
            st.one_of(st.integers(0, 3600), st.integers(0, 3600), st.just(0)),
            min_size=n,
            max_size=n,
        )
    )
    order = draw(st.permutations(list(range(1, size))))
    # Mostly every node (hypothesis favours small integers, hence the explicit n).
    order = order[: draw(st.one_of(st.just(n), st.just(n), st.integers(0, n)))]
    shift = draw(shifts())
    return t, tuple(dwell), list(order), shift


PROPS = settings(
    max_examples=300,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def check_timed_run(nodes, dwell, t, shift, run) -> None:
    """Every rule of the timetable, checked on one timed run."""
    ls, le = shift.lunch_start_s, shift.lunch_end_s
    assert [v.node for v in run.visits] == list(nodes)
    assert run.depart_depot_s == shift.start_s
    prev_depart, here = run.depart_depot_s, 0
    for v in run.visits:
        travel = int(t[here, v.node])
        assert v.arrival_s >= prev_depart + travel
        # Time actually spent driving is exactly the travel time: no idling on the road.
        driving = v.arrival_s - prev_depart - overlap(prev_depart, v.arrival_s, ls, le)
        assert driving == travel
        # No driving during lunch: a leg that overlaps lunch went through all of it.
        if travel > 0 and overlap(prev_depart, v.arrival_s, ls, le) > 0:
            assert v.arrival_s > le
        assert v.dwell_start_s >= v.arrival_s
        assert v.dwell_end_s - v.dwell_start_s == dwell[v.node]
        assert v.depart_s == v.dwell_end_s
        if dwell[v.node] > 0:
            assert overlap(v.dwell_start_s, v.dwell_end_s, ls, le) == 0
        # The only reason to wait before a dwell is lunch.
        assert v.dwell_start_s in (v.arrival_s, le)
        for x in (v.arrival_s, v.dwell_start_s, v.dwell_end_s, v.depart_s):
            assert shift.start_s <= x <= shift.end_s
        prev_depart, here = v.depart_s, v.node
    back = int(t[here, 0])
    assert run.return_s >= prev_depart + back
    assert run.return_s - prev_depart - overlap(prev_depart, run.return_s, ls, le) == back
    assert shift.start_s <= run.return_s <= shift.end_s
    # Visits in order, never overlapping.
    for a, b in zip(run.visits, run.visits[1:], strict=False):
        assert a.depart_s <= b.arrival_s
    if run.return_s > ls:
        assert run.lunch == (ls, le)
    else:
        assert run.lunch is None


def all_times(run) -> list[int]:
    out = [run.depart_depot_s]
    for v in run.visits:
        out += [v.arrival_s, v.dwell_start_s, v.dwell_end_s, v.depart_s]
    return [*out, run.return_s]


def last_time(run) -> int:
    return max(all_times(run))


@PROPS
@given(cases())
def test_every_timed_run_keeps_the_rules(case):
    t, dwell, nodes, shift = case
    run = time_run(nodes, dwell_s=dwell, travel_s=t, shift=shift)
    if run is not None:
        check_timed_run(nodes, dwell, t, shift, run)


@PROPS
@given(cases())
def test_shift_end_only_decides_feasibility(case):
    """None exactly when the same run, timed in an endless day, ends after the shift."""
    t, dwell, nodes, shift = case
    endless = Shift(shift.start_s, shift.lunch_start_s, shift.lunch_end_s, 10**7)
    free = time_run(nodes, dwell_s=dwell, travel_s=t, shift=endless)
    assert free is not None
    check_timed_run(nodes, dwell, t, endless, free)
    run = time_run(nodes, dwell_s=dwell, travel_s=t, shift=shift)
    if last_time(free) > shift.end_s:
        assert run is None
    else:
        assert run is not None
        assert all_times(run) == all_times(free)


@PROPS
@given(cases(), st.integers(0, hm(3)))
def test_starting_later_never_makes_a_time_earlier(case, delay):
    t, dwell, nodes, shift = case
    later_start = min(shift.start_s + delay, shift.lunch_start_s)
    later = Shift(later_start, shift.lunch_start_s, shift.lunch_end_s, shift.end_s)
    early_run = time_run(nodes, dwell_s=dwell, travel_s=t, shift=shift)
    late_run = time_run(nodes, dwell_s=dwell, travel_s=t, shift=later)
    if early_run is None:
        assert late_run is None
    elif late_run is not None:
        for a, b in zip(all_times(early_run), all_times(late_run), strict=True):
            assert a <= b


@PROPS
@given(cases())
def test_a_prefix_is_timed_like_the_start_of_the_whole_route(case):
    t, dwell, nodes, shift = case
    endless = Shift(shift.start_s, shift.lunch_start_s, shift.lunch_end_s, 10**7)
    whole = time_run(nodes, dwell_s=dwell, travel_s=t, shift=endless)
    assert whole is not None
    for k in range(len(nodes) + 1):
        part = time_run(nodes[:k], dwell_s=dwell, travel_s=t, shift=endless)
        assert part is not None
        # Later stops never change the times of earlier ones...
        assert part.visits == whole.visits[:k]
        # ...nor can adding stops make a run fit whose first stops already end too late.
        if part.visits and part.visits[-1].depart_s > shift.end_s:
            assert time_run(nodes, dwell_s=dwell, travel_s=t, shift=shift) is None


@PROPS
@given(shifts(), st.integers(0, hm(20)), st.integers(0, hm(20)), st.integers(0, hm(2)))
def test_drive_end_and_dwell_start_are_monotone(shift, a, b, duration):
    a, b = sorted((a, b))
    assert drive_end(a, duration, shift) <= drive_end(b, duration, shift)
    assert dwell_start(a, duration, shift) <= dwell_start(b, duration, shift)
    assert drive_end(a, duration, shift) >= a + duration
    assert dwell_start(a, duration, shift) >= a
