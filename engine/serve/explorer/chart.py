"""A parameter's values as a step chart drawn on the server: plain SVG, no script.

The chart is decoration for a sighted reader: the page always shows the same data as
a headed table, and the SVG carries a title and a description naming what it plots.
Values that are not numbers (dates, records) are not charted.
"""
from __future__ import annotations

import datetime as _dt
from decimal import Decimal, InvalidOperation
from html import escape
from typing import Any, Sequence

__all__ = ["step_chart"]

W, H, PAD_L, PAD_R, PAD_T, PAD_B = 640, 240, 64, 16, 16, 40


def _num(v: Any) -> Decimal | None:
    if isinstance(v, bool) or v is None:
        return None
    try:
        return Decimal(str(v))
    except InvalidOperation:
        return None


def step_chart(series: Sequence[dict[str, Any]], title: str, today: _dt.date) -> str | None:
    """The SVG of `series` (rows with from, to, value), or None when a value is not a
    number. An open last step runs to `today` (or a year past its start, if later)."""
    points = []
    for row in series:
        n = _num(row["value"])
        if n is None:
            return None
        start = _dt.date.fromisoformat(row["from"])
        points.append((start, n))
    if not points:
        return None
    last_start = points[-1][0]
    end_row = series[-1].get("to")
    end = _dt.date.fromisoformat(end_row) if end_row else max(
        today, last_start + _dt.timedelta(days=365))
    t0, t1 = points[0][0], max(end, points[0][0] + _dt.timedelta(days=1))
    lo = min(Decimal(0), min(p[1] for p in points))
    hi = max(p[1] for p in points)
    if hi == lo:
        hi = lo + 1

    def x(d: _dt.date) -> float:
        return PAD_L + (W - PAD_L - PAD_R) * (d - t0).days / max(1, (t1 - t0).days)

    def y(v: Decimal) -> float:
        return PAD_T + (H - PAD_T - PAD_B) * float((hi - v) / (hi - lo))

    path = []
    for i, (d, v) in enumerate(points):
        nxt = points[i + 1][0] if i + 1 < len(points) else t1
        path.append(f"{'M' if i == 0 else 'L'}{x(d):.1f},{y(v):.1f} H{x(nxt):.1f}")
    ticks = []
    for v in (lo, hi):
        ticks.append(f'<text x="{PAD_L - 6}" y="{y(v) + 4:.1f}" text-anchor="end">'
                     f"{escape(str(v))}</text>")
    years = sorted({d.year for d, _ in points} | {t1.year})
    step = max(1, len(years) // 6)
    for yr in years[::step]:
        d = max(t0, _dt.date(yr, 1, 1))
        ticks.append(f'<text x="{x(d):.1f}" y="{H - PAD_B + 18}" text-anchor="middle">'
                     f"{yr}</text>")
    dots = "".join(f'<circle cx="{x(d):.1f}" cy="{y(v):.1f}" r="3"/>' for d, v in points)
    desc = f"{len(points)} values from {t0.isoformat()}; the table below gives each."
    return (f'<svg class="chart" viewBox="0 0 {W} {H}" role="img" '
            f'aria-labelledby="chart-title chart-desc" xmlns="http://www.w3.org/2000/svg">'
            f'<title id="chart-title">{escape(title)}</title>'
            f'<desc id="chart-desc">{escape(desc)}</desc>'
            f'<line class="axis" x1="{PAD_L}" y1="{y(lo):.1f}" x2="{W - PAD_R}" '
            f'y2="{y(lo):.1f}"/>'
            f'<line class="axis" x1="{PAD_L}" y1="{PAD_T}" x2="{PAD_L}" y2="{H - PAD_B}"/>'
            f'<path class="step" d="{" ".join(path)}"/>{dots}{"".join(ticks)}</svg>')
