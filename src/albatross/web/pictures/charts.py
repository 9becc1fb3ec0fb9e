"""Bar charts by month as inline SVG: sized by viewBox so they scale to any screen, labelled for
screen readers (`role="img"`, title, description), every text escaped. Pages show the same numbers
as a table too."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from albatross.web.formats import hours, money

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 64, 8, 30, 40
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass(frozen=True)
class Series:
    name: str
    """Shown in the legend and in each bar's title."""
    css: str
    """The class of its bars (their colour comes from the stylesheet)."""
    values: Sequence[float]


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round axis ticks (steps of 1, 2, 2.5 or 5 times a power of ten) covering low..high and zero."""
    low, high = min(low, 0.0), max(high, 0.0)
    if low == high:
        return [0.0, 1.0]
    raw = (high - low) / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw * (1 - 1e-9))
    first = math.floor(low / step + 1e-9) * step
    last = math.ceil(high / step - 1e-9) * step
    steps = round((last - first) / step)
    # Sums of floats drift (0.1 + 0.2): twelve significant digits are plenty for an axis.
    return [float(f"{first + i * step:.12g}") for i in range(steps + 1)]


def month_label(period: str) -> str:
    """ "2025-03" as "Mar"."""
    month = period.partition("-")[2]
    return MONTHS[int(month) - 1] if month.isdigit() and 1 <= int(month) <= 12 else period


def month_name(period: str) -> str:
    """ "2025-03" as "March 2025"."""
    year, _, month = period.partition("-")
    return f"{MONTH_NAMES[int(month) - 1]} {year}" if month.isdigit() and 1 <= int(month) <= 12 else period


def _n(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def bar_chart(
    chart_id: str,
    title: str,
    description: str,
    periods: Sequence[str],
    series: Sequence[Series],
    value_text: Callable[[float], str],
    tick_text: Callable[[float], str] | None = None,
) -> Markup:
    """Bars per month, one per series side by side; negative values hang below the zero line."""
    tick_text = tick_text or value_text
    values = [v for s in series for v in s.values]
    ticks = nice_ticks(min(values, default=0.0), max(values, default=0.0))
    bottom, top = ticks[0], ticks[-1]
    plot_top, plot_bottom = TOP, HEIGHT - BOTTOM
    plot_width = WIDTH - LEFT - RIGHT

    def y(value: float) -> float:
        return plot_top + (top - value) / (top - bottom) * (plot_bottom - plot_top)

    ident = escape(chart_id)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{ident}" viewBox="0 0 {WIDTH} {HEIGHT}"'
        f' role="img" aria-labelledby="{ident}-title {ident}-desc" preserveAspectRatio="xMidYMid meet">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(description)}</desc>',
        '<g class="axis">',
    ]
    for tick in ticks:
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{_n(y(tick))}" y2="{_n(y(tick))}"/>'
            f'<text x="{LEFT - 6}" y="{_n(y(tick) + 4)}" text-anchor="end">{escape(tick_text(tick))}</text>'
        )
    parts.append("</g>")
    if len(series) > 1:
        parts.append('<g class="legend">')
        for n, s in enumerate(series):
            x = LEFT + n * 120
            parts.append(
                f'<rect class="bar {escape(s.css)}" x="{x}" y="6" width="12" height="12"/>'
                f'<text x="{x + 16}" y="16">{escape(s.name)}</text>'
            )
        parts.append("</g>")
    parts.append('<g class="bars">')
    group = plot_width / max(len(periods), 1)
    bar = group * 0.8 / max(len(series), 1)
    zero = y(0.0)
    for i, period in enumerate(periods):
        for n, s in enumerate(series):
            value = s.values[i] if i < len(s.values) else 0.0
            if not value:
                continue
            height = max(abs(y(value) - zero), 1.0)  # the smallest amount still shows
            x = LEFT + i * group + group * 0.1 + n * bar
            sign = " negative" if value < 0 else ""
            parts.append(
                f'<rect class="bar {escape(s.css)}{sign}" data-period="{escape(period)}"'
                f' x="{_n(x)}" y="{_n(zero if value < 0 else zero - height)}"'
                f' width="{_n(bar)}" height="{_n(height)}">'
                f"<title>{escape(month_name(period))}, {escape(s.name)}: {escape(value_text(value))}</title></rect>"
            )
    parts.append("</g>")
    parts.append(f'<line class="zero" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{_n(zero)}" y2="{_n(zero)}"/>')
    parts.append('<g class="months">')
    for i, period in enumerate(periods):
        x = _n(LEFT + (i + 0.5) * group)
        parts.append(
            f'<text x="{x}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle">{escape(month_label(period))}</text>'
        )
        if i == 0 or period.endswith("-01"):  # the year where it starts and where it turns
            parts.append(
                f'<text class="year" x="{x}" y="{HEIGHT - BOTTOM + 32}" text-anchor="middle">'
                f"{escape(period[:4])}</text>"
            )
    parts.append("</g></svg>")
    return Markup("".join(parts))  # noqa: S704 - our own markup; every text above went through escape()


def _span(periods: Sequence[str]) -> str:
    return f"from {month_name(periods[0])} to {month_name(periods[-1])}" if periods else "with no months"


def hours_text(value: float) -> str:
    """Hours (as the chart scales them) as h:mm."""
    return hours(round(value * 60))


def hours_chart(months: Sequence[tuple[str, int]], chart_id: str = "hours-chart") -> Markup:
    """A pilot's block hours per month, from (YYYY-MM, minutes) pairs."""
    periods = [m for m, _ in months]
    total = sum(minutes for _, minutes in months)
    return bar_chart(
        chart_id,
        "Hours flown by month",
        f"Block hours per month {_span(periods)}; {hours_text(total / 60)} in all.",
        periods,
        [Series("Hours", "hours", [minutes / 60 for _, minutes in months])],
        hours_text,
        lambda h: f"{h:g} h",
    )


def money_text(major: float) -> str:
    """An amount in major units (as the chart scales it), grouped: -1,234.50."""
    return money(round(major * 100))


def _axis_money(major: float) -> str:
    return f"{major:,.0f}" if major == int(major) else f"{major:,.2f}"


def finances_chart(rows: Sequence[tuple[str, int, int]], chart_id: str = "finances-chart") -> Markup:
    """Revenue, expenses and the net per month, from (YYYY-MM, revenue, expenses) in minor units;
    a month that lost money has its net below the zero line."""
    periods = [period for period, _, _ in rows]
    revenue = [r / 100 for _, r, _ in rows]
    spent = [e / 100 for _, _, e in rows]
    net = [r - e for r, e in zip(revenue, spent, strict=True)]
    return bar_chart(
        chart_id,
        "Revenue and expenses by month",
        f"Revenue, expenses and net result per month {_span(periods)}; "
        f"net {money_text(sum(net))} over the whole time.",
        periods,
        [
            Series("Revenue", "revenue", revenue),
            Series("Expenses", "expenses", spent),
            Series("Net", "net", net),
        ],
        money_text,
        _axis_money,
    )
