"""An indicator's chart: its values over the periods, the baseline and the target, drawn on the
server as SVG (it works without JavaScript and prints)."""
from dataclasses import dataclass

from workspace.indicators import values as value_rules

WIDTH, HEIGHT = 400, 200
LEFT, RIGHT, TOP, BOTTOM = 34, 10, 12, 26


@dataclass(slots=True)
class Point:
    period: str
    value: float
    x: float
    y: float
    status: str
    state: str
    target: float | None  # the period's target: its own, else the indicator's usual one
    title: str  # what the point says on hover: "2026-11: 40"


@dataclass
class Chart:
    points: list[Point]
    path: str
    target_path: str | None  # a line, stepping where a period has its own target
    baseline_y: float | None
    ticks: list[tuple[float, str]]  # y, label
    labels: list[tuple[float, str]]  # x, period
    width: int = WIDTH
    height: int = HEIGHT


def build(indicator, series: list, targets: dict) -> Chart | None:
    """series: the indicator's total values (cell ""), oldest first; targets: the periods' own."""
    if not series:
        return None
    # The indicator's fields read once, not once a point: five years of months are sixty points.
    usual, baseline = indicator.target, indicator.baseline_value
    period_targets = [targets.get((indicator.id, v.period), usual) for v in series]
    numbers = [v.value for v in series] + [n for n in (*period_targets, baseline) if n is not None]
    top = {"percent": 100, "score": 5, "yes_no": 1}.get(indicator.unit) or max(max(numbers) * 1.15, 1)
    span_x = WIDTH - LEFT - RIGHT
    span_y = HEIGHT - TOP - BOTTOM

    def y(value: float) -> float:
        return round(TOP + span_y - (value / top) * span_y, 1)

    step = span_x / max(len(series) - 1, 1)
    points = []
    for n, (value, target) in enumerate(zip(series, period_targets)):
        x = round(LEFT + (n * step if len(series) > 1 else span_x / 2), 1)
        points.append(Point(value.period, value.value, x, y(value.value),
                            value_rules.judge(indicator, value.value, target).status, value.state, target,
                            f"{value.period}: {value.value:g}"))
    path = " ".join(f"{'M' if n == 0 else 'L'}{p.x},{p.y}" for n, p in enumerate(points))
    target_path = None
    if any(t is not None for t in period_targets):
        # Each period's target as a step: flat across the period, up or down at the next.
        half = step / 2 if len(points) > 1 else span_x / 2
        parts, levels = [], {}  # the same few targets over and over: each one's height worked out once
        for point, target in zip(points, period_targets):
            if target is not None:
                level = levels.get(target)
                if level is None:
                    level = levels[target] = y(target)
                start, end = round(max(point.x - half, LEFT), 1), round(min(point.x + half, WIDTH - RIGHT), 1)
                parts.append(f"M{start},{level} L{end},{level}")
        target_path = " ".join(parts)
    ticks = [(y(top * k / 4), f"{top * k / 4:g}") for k in range(5)]
    every = max(len(points) // 6, 1)
    labels = [(p.x, p.period) for n, p in enumerate(points) if n % every == 0 or n == len(points) - 1]
    return Chart(points, path, target_path, y(baseline) if baseline is not None else None, ticks, labels)
