"""The pain-score chart: geometry for a server-drawn SVG, from (day, pain) points alone."""

from collections.abc import Sequence
from dataclasses import dataclass

from triage.guideline.thresholds import PERSISTENT_DAY, RESOLVED_PAIN

# The engine's own numbers (decision table sections 4 and 5), so the chart's marks move with
# the rule set: the two-month point, and the score at or below which an episode has resolved.
MILESTONE_DAY = PERSISTENT_DAY
MAX_PAIN = 10

WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 44  # margins around the plot area
# Day ticks: the smallest step that keeps the axis to about ten labels.
TICK_STEPS = (7, 14, 28, 56, 91, 182, 364, 728)
MAX_TICKS = 10


@dataclass(frozen=True, slots=True)
class PainPoint:
    """A pain score on a day of the course: the intake is day 0."""

    day: int
    pain: int
    label: str


@dataclass(frozen=True, slots=True)
class PlottedPoint:
    x: float
    y: float
    day: int
    pain: int
    label: str


@dataclass(frozen=True, slots=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True, slots=True)
class PainChart:
    chart_id: str
    width: int
    height: int
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float
    plot_middle: float
    max_day: int
    points: tuple[PlottedPoint, ...]
    polyline: str
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    milestone_x: float
    threshold_y: float
    title: str
    description: str


def _tick_step(max_day: int) -> int:
    for step in TICK_STEPS:
        if max_day / step <= MAX_TICKS:
            return step
    return TICK_STEPS[-1]


def _describe(points: Sequence[PainPoint]) -> str:
    if not points:
        return "No pain scores recorded yet."
    readings = "; ".join(
        f"{point.pain} at intake" if point.day == 0 else f"{point.pain} on day {point.day}"
        for point in points
    )
    last = points[-1]
    verdict = (
        f"The latest score, {last.pain}, is at or below the resolution threshold of "
        f"{RESOLVED_PAIN}."
        if last.pain <= RESOLVED_PAIN
        else f"The latest score, {last.pain}, is above the resolution threshold of {RESOLVED_PAIN}."
    )
    return (
        f"Pain scores from 0 to {MAX_PAIN} by day since the intake: {readings}. {verdict} "
        f"Marked: day {MILESTONE_DAY}, the two-month point."
    )


def build_pain_chart(points: Sequence[PainPoint], *, chart_id: str) -> PainChart:
    """Place the points on a days-since-intake by pain-score plot with its markers."""
    ordered = sorted(points, key=lambda point: point.day)
    last_day = ordered[-1].day if ordered else 0
    step = _tick_step(max(MILESTONE_DAY, last_day))
    max_day = -(-max(MILESTONE_DAY, last_day) // step) * step  # round up to a whole step
    plot_left, plot_right = LEFT, WIDTH - RIGHT
    plot_top, plot_bottom = TOP, HEIGHT - BOTTOM

    def x_of(day: int) -> float:
        return round(plot_left + (plot_right - plot_left) * day / max_day, 1)

    def y_of(pain: int) -> float:
        return round(plot_bottom - (plot_bottom - plot_top) * pain / MAX_PAIN, 1)

    plotted = tuple(
        PlottedPoint(x=x_of(p.day), y=y_of(p.pain), day=p.day, pain=p.pain, label=p.label)
        for p in ordered
    )
    return PainChart(
        chart_id=chart_id,
        width=WIDTH,
        height=HEIGHT,
        plot_left=plot_left,
        plot_right=plot_right,
        plot_top=plot_top,
        plot_bottom=plot_bottom,
        plot_middle=(plot_top + plot_bottom) / 2,
        max_day=max_day,
        points=plotted,
        polyline=" ".join(f"{point.x},{point.y}" for point in plotted),
        x_ticks=tuple(Tick(x_of(day), str(day)) for day in range(0, max_day + 1, step)),
        y_ticks=tuple(Tick(y_of(pain), str(pain)) for pain in range(0, MAX_PAIN + 1, 2)),
        milestone_x=x_of(MILESTONE_DAY),
        threshold_y=y_of(RESOLVED_PAIN),
        title="Pain score by day since the intake",
        description=_describe(ordered),
    )
