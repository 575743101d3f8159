"""The results chart: where one score stands among everyone's, as plain SVG geometry. No Flask.

`score_histogram` turns the bucket counts of `ranking.get_score_distribution` into bars with
their coordinates, the player's own bucket marked, and axis labels. A Jinja partial draws
the SVG from these numbers (templates/play/_chart.html), so no markup is built by string
concatenation and every label goes through autoescaping.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 320
HEIGHT = 150
PAD_X = 6
PAD_TOP = 16  # room for the count above the tallest bar
PAD_BOTTOM = 22  # room for the score labels under the axis
GAP = 3
MIN_BAR = 2.0  # a bucket with players stays visible however tall the others are


@dataclass(frozen=True)
class Bar:
    """One bucket of scores drawn as a rectangle; ``mine`` marks the player's bucket."""

    x: float
    y: float
    width: float
    height: float
    count: int
    low: int  # the lowest score in the bucket
    high: int  # the highest score in the bucket (inclusive)
    mine: bool

    @property
    def center(self) -> float:
        """The x of the bar's middle, where a label above it goes."""
        return round(self.x + self.width / 2, 2)

    @property
    def label(self) -> str:
        """What the bar says to a screen reader or a hovering pointer."""
        players = "player" if self.count == 1 else "players"
        you = " (you are here)" if self.mine else ""
        return f"{self.count} {players} scored {self.low}–{self.high}{you}"


@dataclass(frozen=True)
class Tick:
    """A label under the axis at ``x``."""

    x: float
    text: str
    anchor: str  # SVG text-anchor: start, middle or end


@dataclass(frozen=True)
class Histogram:
    """Everything the SVG needs: its size, the bars, the axis and a one-line description."""

    width: int
    height: int
    baseline: float
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    total: int
    mine: int | None  # index of the player's bar
    description: str


def bucket_index(score: int, top: int, buckets: int) -> int:
    """The bucket of ``score`` on a board whose best score is ``top``.

    The same split as `ranking.get_score_distribution`: bucket ``i`` holds the scores with
    ``i <= score * buckets / top < i + 1``, the top score (and anything above it) the last
    one, and 0 or less the first. Raises ValueError for ``buckets`` below 1.
    """
    if buckets < 1:
        raise ValueError(f"buckets must be at least 1, not {buckets!r}")
    if top <= 0 or score <= 0:
        return 0
    if score >= top:
        return buckets - 1
    return score * buckets // top


def bucket_bounds(index: int, top: int, buckets: int) -> tuple[int, int]:
    """The lowest and highest whole score that falls in bucket ``index``."""
    if top <= 0:
        return 0, 0
    low = -(-index * top // buckets)  # ceil(index * top / buckets)
    high = top if index == buckets - 1 else -(-(index + 1) * top // buckets) - 1
    return low, max(low, high)


def short_number(value: int) -> str:
    """A compact score label: 950, 4.5k, 10.6k, 12k, 250k."""
    if abs(value) < 1000:
        return str(value)
    thousands = value / 1000
    if abs(thousands) < 100 and round(thousands, 1) != round(thousands):
        return f"{thousands:.1f}k"
    return f"{round(thousands)}k"


def score_histogram(
    counts: Sequence[int],
    *,
    top: int,
    score: int | None = None,
    width: int = WIDTH,
    height: int = HEIGHT,
) -> Histogram:
    """Lay out ``counts`` (players per score bucket, 0 to ``top``) as bars of an SVG chart.

    ``top`` is the best score on the board, the upper end of the last bucket; ``score``, when
    given, is the player's, whose bucket is marked. Bar heights are proportional to the
    counts, with a visible minimum for any bucket that has players. Raises ValueError for no
    buckets or a negative count.
    """
    buckets = len(counts)
    if buckets < 1:
        raise ValueError("a histogram needs at least one bucket")
    if any(count < 0 for count in counts):
        raise ValueError(f"counts must not be negative: {list(counts)!r}")
    mine = bucket_index(score, top, buckets) if score is not None else None
    baseline = height - PAD_BOTTOM
    room = baseline - PAD_TOP
    tallest = max(counts) or 1
    slot = (width - 2 * PAD_X) / buckets
    bars = []
    for index, count in enumerate(counts):
        bar_height = room * count / tallest
        if count:
            bar_height = max(bar_height, MIN_BAR)
        low, high = bucket_bounds(index, top, buckets)
        bars.append(
            Bar(
                x=round(PAD_X + index * slot + GAP / 2, 2),
                y=round(baseline - bar_height, 2),
                width=round(max(slot - GAP, 1.0), 2),
                height=round(bar_height, 2),
                count=count,
                low=low,
                high=high,
                mine=index == mine,
            )
        )
    ticks = (
        Tick(x=PAD_X, text="0", anchor="start"),
        Tick(x=width / 2, text=short_number(top // 2), anchor="middle"),
        Tick(x=width - PAD_X, text=short_number(top), anchor="end"),
    )
    total = sum(counts)
    players = "player" if total == 1 else "players"
    description = f"Best scores of {total} {players}, from 0 to {top}"
    if mine is not None:
        description += f"; your score {score} is in the highlighted bar"
    return Histogram(
        width=width,
        height=height,
        baseline=baseline,
        bars=tuple(bars),
        ticks=ticks,
        total=total,
        mine=mine,
        description=description,
    )
