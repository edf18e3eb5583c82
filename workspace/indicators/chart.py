"""An indicator's chart: its values over the periods, the baseline and the target, drawn on the
server as SVG (it works without JavaScript and prints)."""
import math
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from workspace.formatting import as_number, as_period
from workspace.i18n import gettext as _
from workspace.indicators import values as value_rules

WIDTH, HEIGHT = 400, 200
LEFT, RIGHT, TOP, BOTTOM = 38, 10, 12, 28
CHAR_WIDTH = 8  # of a tick label's digit at the chart's font size (style.css), in its units
# Period names under the axis: no more than fit side by side at that size, in any language.
MOST_LABELS = 4
FIXED_TOPS = {"percent": 100, "score": 5, "yes_no": 1}  # units whose scale is known


def axis(unit: str, largest: float) -> tuple[float, float]:
    """The y-axis's top and the step between its ticks: a step of 1, 2 or 5 times a power of ten,
    about five of them (0, 10, 20, 30, 40; not 0, 9.3, 18.6…), the top at or above every value.
    Yes/no charts tick at 0 and 1 only."""
    if unit == "yes_no":
        return 1, 1
    largest = FIXED_TOPS.get(unit) or max(largest, 1)
    wanted = largest / 5
    power = 10 ** math.floor(math.log10(wanted))
    tick = next(m * power for m in (1, 2, 5, 10) if m * power >= wanted - 1e-9)
    return tick * math.ceil(largest / tick - 1e-9), tick


@dataclass(slots=True)
class Point:
    period: str
    value: float
    x: float
    y: float
    status: str
    state: str
    target: float | None  # the period's target: its own, else the indicator's usual one
    approved: bool  # the group's period approved for the area
    title: str  # what the point says on hover: "Nov 2026: 40", in the reader's language
    shown: str  # the value as the reader's language writes it (for the values' table too)
    name: str  # the period's short name: "Nov 2026"


@dataclass
class Chart:
    points: list[Point]
    path: str
    target_path: str | None  # a line, stepping where a period has its own target
    baseline_y: float | None
    ticks: list[tuple[float, str]]  # y, label
    labels: list[tuple[float, str]]  # x, period
    approved: bool  # any point approved: the legend says what its ring means
    dots: Markup  # the points' circles, written here: a template writing sixty of them escapes each part of each
    left: int = LEFT  # where the plot starts: after the widest tick label
    width: int = WIDTH
    height: int = HEIGHT


def build(indicator, series: list, targets: dict, approved=frozenset()) -> Chart | None:
    """series: the indicator's total values (cell ""), oldest first, as rows that start (period,
    value, state) (read by place: a row's names cost more to look up than the rest of a point);
    targets: the periods' own; approved: the periods approved for the area, ringed."""
    if not series:
        return None
    # The indicator's fields read once, not once a point: five years of months are sixty points.
    usual, baseline = indicator.target, indicator.baseline_value
    indicator_id = indicator.id
    series = [(v[0], v[1], v[2]) for v in series]
    period_targets = [targets.get((indicator_id, period), usual) for period, _value, _state in series]
    numbers = [number for _period, number, _state in series] + [
        n for n in (*period_targets, baseline) if n is not None]
    top, tick = axis(indicator.unit, max(numbers))
    ticks_at = [round(k * tick, 10) for k in range(round(top / tick) + 1)]
    tick_labels = [as_number(value) for value in ticks_at]
    # Room on the left for the longest label, so that none is cut ("35.3625" showed as ".3625").
    left = max(LEFT, CHAR_WIDTH * max(len(label) for label in tick_labels) + 8)
    span_x = WIDTH - left - RIGHT
    span_y = HEIGHT - TOP - BOTTOM

    def y(value: float) -> float:
        return round(TOP + span_y - (value / top) * span_y, 1)

    step = span_x / max(len(series) - 1, 1)
    many, higher = len(series) > 1, indicator.direction == "higher"
    # Each point's place written out once, for the line, its circle and the target's step.
    # The hover texts' patterns translated once, filled in for each point.
    plain_title, approved_title = _("%(period)s: %(value)s"), _("%(period)s: %(value)s, approved")
    points, moves, dots = [], [], []
    for n, ((period, number, state), target) in enumerate(zip(series, period_targets)):
        is_approved = period in approved
        name, shown = as_period(period, short=True), as_number(number)
        title = (approved_title if is_approved else plain_title) % {"period": name, "value": shown}
        point = Point(period, number, round(left + (n * step if many else span_x / 2), 1), y(number),
                      value_rules.standing(higher, number, target), state, target, is_approved, title, shown, name)
        points.append(point)
        x, point_y, ring = str(point.x), str(point.y), " approved" if is_approved else ""
        moves.append(f"L{x},{point_y}")
        dots.append(f'<circle cx="{x}" cy="{point_y}" r="3.5" class="point {point.status} {escape(point.state)}{ring}">'
                    f'<title>{escape(point.title)}</title></circle>')
    moves[0] = "M" + moves[0][1:]
    path = " ".join(moves)
    target_path = None
    if any(t is not None for t in period_targets):
        # Each period's target as a step: flat across the period, up or down at the next.
        half = step / 2 if many else span_x / 2
        parts, levels = [], {}  # the same few targets over and over: each one's height worked out once
        for point, target in zip(points, period_targets):
            if target is not None:
                level = levels.get(target)
                if level is None:
                    level = levels[target] = str(y(target))
                start, end = round(max(point.x - half, left), 1), round(min(point.x + half, WIDTH - RIGHT), 1)
                parts.append(f"M{start},{level} L{end},{level}")
        target_path = " ".join(parts)
    ticks = [(y(value), label) for value, label in zip(ticks_at, tick_labels)]
    # At most MOST_LABELS labels, counted back from the newest, and far enough apart for the widest
    # (the newest ends at its point, the one before is centred on its own: a label and a half).
    names = [p.name for p in points]
    room = 1.5 * CHAR_WIDTH * max(len(name) for name in names) + 8
    every = max(-(-len(points) // MOST_LABELS), math.ceil(room / step) if many else 1, 1)
    last = len(points) - 1
    labels = [(p.x, names[n]) for n, p in enumerate(points) if (last - n) % every == 0]
    return Chart(points, path, target_path, y(baseline) if baseline is not None else None, ticks, labels,
                 bool(approved) and any(p.approved for p in points), Markup("\n    ".join(dots)), left)
