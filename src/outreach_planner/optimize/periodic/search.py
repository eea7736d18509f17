"""The improving search: ruin-and-recreate moves, the engine's search, relaxed jumps.

One `Trajectory` improves patterns and routes together in cycles:
- large neighbourhood search: remove a set of clients from all their days
  (random, related by distance, worst removal saving, choosy clients only, a
  region shifted to other days, neighbours aligned on one pattern), reinsert
  each on the pattern of least insertion cost into the current routes; a
  candidate within reach of the current cost has its changed days re-routed by
  the engine (short, warm-started) and is accepted by simulated annealing on
  that routed cost; a move that only changes days (one client put on another
  of its patterns, every pair in turn; a region shifted) is always routed, as
  its estimate says little before routing;
- the engine's own search on every day, warm-started from the current solution
  (most of the time when few clients have a choice of pattern);
- now and then a relaxed jump (`steps.relaxed_step`), kept only if it pays.
"""

from __future__ import annotations

import logging
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from outreach_planner.optimize.periodic.packing import packed
from outreach_planner.optimize.periodic.state import Search, State, initial
from outreach_planner.optimize.periodic.steps import engine_step, relaxed_step

log = logging.getLogger("outreach_planner")


@dataclass
class SearchSettings:
    """Knobs of the search; the defaults are what the benchmarks were measured with."""

    polish_iterations: int = 20  # engine iterations on a repaired candidate's days
    # Scales every engine iteration count of an effort-bounded search. 1 suits PyVRP;
    # an OR-Tools solution costs far more than a PyVRP iteration (README, Benchmarks),
    # so the planner gives it less.
    engine_effort: float = 1.0
    temperature: float = 0.0005  # annealing temperature, as a share of the cost
    relabel_share: float = 0.3  # moves that shift a region to other days
    align_share: float = 0.25  # moves that align neighbours on one pattern
    switch_share: float = 0.15  # moves that put one client on another pattern
    cycle_moves: int = 60  # moves per cycle when stopped by effort
    # Lines of search, each with its own seed and (where it can) core, sharing their best
    # after every cycle (`periodic.lines`); 1 is the lone search.
    lines: int = 2
    # Nearest clients the engine's local search pairs each client with (None: the engine's
    # default, 50 for PyVRP); fewer make its iterations cheaper.
    neighbours: int | None = None
    # Also try `packing.packed` as the start when `state.initial`'s leaves days over their
    # limits, and take the cheaper (the planner does; the benchmarks were measured without).
    packed_start: bool = False
    # Route every move that only changes days (a client on another pattern, a region shifted)
    # whatever its estimate; without it there are no switch moves (`switch_share`), whose
    # estimate would drop nearly all. The planner does not: on its short Phase A it reached no
    # more people with them, in more time (README, Benchmarks).
    route_day_moves: bool = True

    def scaled(self, iterations: float) -> int:
        return max(1, int(iterations * self.engine_effort))


class Trajectory:
    """One line of search: its own random stream, current and best solutions."""

    def __init__(self, search: Search, engine: str, seed: int, cfg: SearchSettings):
        self.search, self.engine, self.seed, self.cfg = search, engine, seed, cfg
        self.rng = random.Random(seed)
        pp = search.pp
        self.current = initial(search, self.rng)
        self.cur_cost = search.cost(self.current)
        if cfg.packed_start and not search.feasible(self.current):
            start = packed(search, self.rng)
            if search.cost(start) < self.cur_cost:
                self.current, self.cur_cost = start, search.cost(start)
        self.best, self.best_cost = self.current, self.cur_cost
        self.moves = self.polished = self.cycles = 0
        self.gains: list[float] = []  # how much the engine takes off a repaired candidate
        # Spans would make every (day, span) an alternative: too many for the engine;
        # a relaxed visit's alternatives share one service time.
        self.relax_odds = 0.5 if pp.spans is None and pp.day_service is None else 0.0
        self.cap_at = math.inf  # when an effort-bounded search must stop, whatever is left
        self.kmax = max(2, min(12, len(search.visiting) // 8))
        n_visits = sum(pp.frequency(c) for c in search.visiting)
        self.choosy_clients = [
            c for c in search.visiting if len(pp.patterns[c]) > 1 and not pp.any_day(c)
        ]
        choosy = sum(pp.frequency(c) for c in self.choosy_clients) / max(1, n_visits)
        # Time goes to what the engine cannot do alone, choosing patterns, in proportion
        # to the visits whose pattern is a real choice; the rest to the engine's search.
        self.lns_share = min(0.75, max(0.1, 1.5 * choosy)) if choosy else 0.0
        self.switches: list[tuple[int, tuple[int, ...]]] = []  # (client, pattern) still to try

    def _take(self, st: State, cost: float) -> bool:
        """Make `st` current if it is better; returns whether it was."""
        if cost < self.cur_cost - 1e-9:
            self.current, self.cur_cost = st, cost
            if cost < self.best_cost - 1e-9:
                self.best, self.best_cost = st, cost
            return True
        return False

    def limit(self, seconds: float | None) -> float | None:
        """`seconds`; in an effort-bounded search with a time cap, what is left of the cap,
        so that no engine call outlasts it (OR-Tools may never reach its solution count)."""
        if seconds is not None or self.cap_at == math.inf:
            return seconds
        return max(0.05, self.cap_at - time.perf_counter())

    def route(self, time_limit: float | None, iterations: int | None) -> None:
        """The engine's own search on every day, from the current solution."""
        routed = engine_step(
            self.search, self.current, engine=self.engine, time_limit=self.limit(time_limit),
            iterations=iterations, seed=self.seed + 7919 * (self.cycles + 1),
            neighbours=self.cfg.neighbours,
        )  # fmt: skip
        self._take(routed, self.search.cost(routed))

    def move(self, frac: float) -> None:
        """One ruin-and-recreate move; routed by the engine if it looks promising."""
        search, pp, rng, cfg = self.search, self.search.pp, self.rng, self.cfg
        current, kmax = self.current, self.kmax
        self.moves += 1
        targets: dict[int, tuple[int, ...]] = {}
        # Day changes look worse before routing than after: the routes were shaped around
        # the old days. A move that only changes days is therefore always routed.
        days_only = (
            cfg.route_day_moves and bool(self.choosy_clients) and rng.random() < cfg.switch_share
        )
        if days_only:
            # One client on another of its patterns; the (client, pattern) pairs are tried
            # in turn, so that every client's every pattern gets its chance.
            c0, p0 = self._next_switch()
            chosen, targets = [c0], {c0: p0}
        elif self.choosy_clients and rng.random() < cfg.align_share:
            # Align a few neighbouring choosy clients on one pattern's days: they can
            # then share routes, which none gains by moving alone.
            c0 = rng.choice(self.choosy_clients)
            target = set(rng.choice(pp.patterns[c0]))
            ranked = sorted(self.choosy_clients, key=lambda c: pp.distance[c0 + 1, c + 1])
            chosen = ranked[: rng.randint(2, max(2, min(len(ranked), 2 * kmax)))]
            for c in chosen:
                overlap = max(len(target & set(p)) for p in pp.patterns[c])
                options = [p for p in pp.patterns[c] if len(target & set(p)) == overlap]
                targets[c] = rng.choice(options)
            # Their free neighbours may have to give way on those days.
            extra = [x for x in search.near[c0][:kmax] if pp.any_day(x)]
            chosen = chosen + [x for x in extra if x not in chosen]
        elif pp.days > 1 and rng.random() < cfg.relabel_share:
            days_only = cfg.route_day_moves
            # Move a whole neighbourhood to other days at once: one client alone rarely
            # gains by leaving the days its neighbours share, a region may.
            chosen = search.pick_related(current, rng.randint(3, 3 * kmax), rng)
            perm = list(range(pp.days))
            if pp.days <= 3 or rng.random() < 0.5:
                a, b = rng.sample(perm, 2)
                perm[a], perm[b] = perm[b], perm[a]
            else:
                rng.shuffle(perm)
            targets = {c: tuple(sorted(perm[d] for d in current.days_of[c])) for c in chosen}
        else:
            op = rng.choices(
                (search.pick_random, search.pick_related, search.pick_worst,
                 search.pick_pattern_clients), (1.0, 2.0, 1.0, 2.0),
            )[0]  # fmt: skip
            chosen = op(current, rng.randint(1, kmax), rng)
        cand = current.copy()
        touched: set[int] = set()
        for c in chosen:
            touched.update(cand.days_of[c])
            search.remove(cand, c)
        if rng.random() < 0.5:
            rng.shuffle(chosen)
        else:
            chosen.sort(key=lambda c: -pp.demand[c] * pp.frequency(c))
        noise = 0.15 if rng.random() < 0.3 else 0.0
        for c in chosen:
            search.insert(cand, c, rng, noise=noise, prefer=targets.get(c))
            touched.update(cand.days_of[c])
        if search.excess(cand) != (0, 0):
            search.rebalance(cand, rng, touched)
        estimate = search.cost(cand)
        # Repaired routes are rough: the engine usually takes something off. Only a
        # candidate within that reach of the current solution is worth routing.
        gains = self.gains
        reach = sorted(gains)[int(0.8 * (len(gains) - 1))] if gains else 0.01 * self.cur_cost
        if estimate > self.cur_cost + reach and not days_only:
            return
        polished = engine_step(
            search, cand, engine=self.engine, time_limit=self.limit(None),
            iterations=cfg.scaled(cfg.polish_iterations), seed=self.seed + self.moves,
            days=sorted(touched), neighbours=cfg.neighbours,
        )  # fmt: skip
        self.polished += 1
        pc = search.cost(polished)
        if not days_only:
            gains.append(max(0.0, estimate - pc))
            del gains[:-60]
        temp = cfg.temperature * self.cur_cost * max(0.0, 1.0 - frac)
        # Not better: kept now and then while the temperature allows (pc >= current here).
        if (
            not self._take(polished, pc)
            and temp > 0
            and rng.random() < math.exp(-(pc - self.cur_cost) / temp)
        ):
            self.current, self.cur_cost = polished, pc

    def _next_switch(self) -> tuple[int, tuple[int, ...]]:
        """The next (client, pattern) to try that is not the client's current pattern."""
        while True:
            if not self.switches:
                self.switches = [
                    (c, p) for c in self.choosy_clients for p in self.search.pp.patterns[c]
                ]
                self.rng.shuffle(self.switches)
            c, p = self.switches.pop()
            if self.current.days_of[c] != p:
                return c, p

    def jump(self, time_limit: float | None, iterations: int | None) -> None:
        """Let every visit of (some) choosy clients move on its own, repair, re-route."""
        pp, rng = self.search.pp, self.rng
        only = None
        if rng.random() < 0.5:
            # A region's choosy clients only: fewer patterns broken, less to repair.
            c0 = rng.choice(self.choosy_clients)
            ranked = sorted(self.choosy_clients, key=lambda c: pp.distance[c0 + 1, c + 1])
            only = set(ranked[: max(2, len(ranked) // 3)])
        seed = self.seed + 104729 * (self.cycles + 1)
        half = self.limit(None if time_limit is None else time_limit / 2)
        repaired = relaxed_step(
            self.search, self.current, rng, engine=self.engine, time_limit=half,
            iterations=iterations, seed=seed, only=only, neighbours=self.cfg.neighbours,
        )  # fmt: skip
        if repaired is self.current:
            return
        jumped = engine_step(
            self.search, repaired, engine=self.engine, time_limit=half,
            iterations=iterations, seed=seed + 1, neighbours=self.cfg.neighbours,
        )  # fmt: skip
        jc = self.search.cost(jumped)
        log.debug("relaxed jump: %.0f -> %.0f", self.cur_cost, jc)
        if self._take(jumped, jc):
            self.relax_odds = min(1.0, self.relax_odds * 1.5)
        else:
            self.relax_odds = max(0.1, self.relax_odds * 0.6)

    def cycle(self, seconds: float | None, frac: Callable[[], float]) -> None:
        """Search, then the engine's search, then perhaps a relaxed jump.

        With `seconds`, the cycle lasts about that long; without, it is bounded by
        counts alone (moves and engine iterations), so it is reproducible.
        """
        self.cycles += 1
        cfg = self.cfg
        began = time.perf_counter()
        if self.lns_share > 0:
            stop_at = began + self.lns_share * (seconds or 0.0)
            done = 0
            while (
                (time.perf_counter() < stop_at) if seconds is not None else (done < cfg.cycle_moves)
            ):
                self.move(frac())
                done += 1
        if seconds is not None:
            rest = max(0.05, seconds - (time.perf_counter() - began))
            jump = bool(self.lns_share) and self.rng.random() < self.relax_odds
            self.route(rest / 2 if jump else rest, None)
            if jump:
                self.jump(max(0.05, seconds - (time.perf_counter() - began)), None)
        else:
            share = self.lns_share
            per_move = (1 - share) / share if share else 1
            self.route(None, cfg.scaled(cfg.cycle_moves * 8 * per_move))
            if not self.lns_share:
                self.moves += cfg.cycle_moves  # the engine's iterations stand for the moves
            if self.lns_share and self.rng.random() < self.relax_odds:
                self.jump(None, cfg.scaled(150))
        log.debug("cycle %d (seed %d): %d moves, current %.0f, best %.0f", self.cycles,
                  self.seed, self.moves, self.cur_cost, self.best_cost)  # fmt: skip
