"""Altair charts (Vega-Lite specs) shared by the app and the offline report.

Time axes are ordinal period labels of the selected grain ('2026-Q3', 'Sep 2026'), so a quarter
reads as a quarter and bars are as wide as the axis allows. Every KPI point carries its n; points
from too small a sample are grey. Reference lines have their own colours and dashes.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from app.format import UNIT_NAMES, is_missing, period_label
from app.review import is_too_small

DATA_COLOUR = "#1f77b4"
SMALL_COLOUR = "#b0b4ba"
SELECTED_COLOUR = "#fdd49e"
REFERENCE_STYLES = {  # line -> (colour, dash)
    "Baseline": ("#555555", [2, 3]),
    "Short-term target": ("#d95f02", [8, 4]),
    "Long-term target": ("#1b9e77", [14, 4, 2, 4]),
}
TIER_SCALE = alt.Scale(
    domain=["elite", "high", "medium", "low"],
    range=["#1b7837", "#5aae61", "#e08214", "#c51b7d"],
)


def axis_title(unit: str | None) -> str:
    return UNIT_NAMES.get(unit or "", unit or "value").capitalize() if unit != "pct" else "%"


def reference_frame(row: object) -> pd.DataFrame:
    """An assessed period row's baseline and targets as horizontal reference lines."""
    lines = [
        {"line": name, "y": float(getattr(row, column))}
        for column, name in (
            ("baseline", "Baseline"),
            ("short_term_target", "Short-term target"),
            ("long_term_target", "Long-term target"),
        )
        if not is_missing(getattr(row, column))
    ]
    return pd.DataFrame(lines, columns=["line", "y"])


def small_flags(series: pd.DataFrame, aggregation: str | None, min_sample_size: int) -> list[bool]:
    """Per point: is its value computed from too few events?"""
    return [
        is_too_small(n, aggregation, min_sample_size) and not is_missing(v)
        for n, v in zip(series["sample_size"], series["value"], strict=True)
    ]


def _period_x(grain: str, order: list[str], touching: bool = False) -> alt.X:
    """Ordinal period labels; `touching` bands (no padding) so a shaded quarter is one band."""
    scale = alt.Scale(paddingInner=0, paddingOuter=0.2) if touching else alt.Undefined
    # weeks are many: short slanted labels ('28 Sep 2026'), thinned when they would overlap
    axis = (
        alt.Axis(
            labelAngle=-40, labelOverlap=True, labelExpr="replace(datum.label, 'Week of ', '')"
        )
        if grain == "week"
        else alt.Axis(labelAngle=0)
    )
    return alt.X("period:O", sort=order, title=grain.capitalize(), axis=axis, scale=scale)


def trend_chart(
    series: pd.DataFrame,
    unit: str | None,
    lines: pd.DataFrame,
    grain: str,
    selected: list[object],
    small: list[bool],
) -> alt.LayerChart:
    """A KPI per period up to the review period (its periods shaded), n above each point,
    reference lines."""
    data = pd.DataFrame(
        {
            "period": [period_label(grain, s) for s in series["period_start"]],
            "value": series["value"],
            "n": [
                ("n = " + f"{int(n):,}") if not is_missing(n) else "" for n in series["sample_size"]
            ],
            "sample": ["n too small" if s else "enough data" for s in small],
            "state": ["complete" if c else "in progress" for c in series["is_complete"]],
            "segment": series["value"].isna().cumsum().to_numpy(),
        }
    )
    order = list(data["period"])
    x = _period_x(grain, order, touching=True)
    y = alt.Y("value:Q", title=axis_title(unit))
    tooltip = [
        alt.Tooltip("period:O", title=grain.capitalize()),
        alt.Tooltip("value:Q", title="Value", format=",.2f"),
        alt.Tooltip("n:N", title="Sample"),
        alt.Tooltip("sample:N", title="Sample size"),
        alt.Tooltip("state:N", title="Period"),
    ]
    highlight = (
        alt.Chart(pd.DataFrame({"period": [period_label(grain, s) for s in selected]}))
        .mark_bar(color=SELECTED_COLOUR, opacity=0.45, width=alt.RelativeBandSize(1))
        .encode(x=x)
    )
    base = alt.Chart(data).encode(x=x, y=y, tooltip=tooltip)
    # one line segment per run of periods with values: a gap breaks the line (never a 0)
    line = base.mark_line(color=DATA_COLOUR, strokeWidth=2).encode(detail=alt.Detail("segment:N"))
    points = base.mark_point(filled=True, size=80, opacity=1).encode(
        color=alt.Color(
            "sample:N",
            title="Sample",
            scale=alt.Scale(
                domain=["enough data", "n too small"], range=[DATA_COLOUR, SMALL_COLOUR]
            ),
        ),
        shape=alt.Shape(
            "state:N",
            title="Period",
            scale=alt.Scale(domain=["complete", "in progress"], range=["circle", "triangle-up"]),
        ),
    )
    labels = base.mark_text(dy=-12, fontSize=10, color="#555555").encode(text=alt.Text("n:N"))
    layers = [highlight, line, points, labels]
    if not lines.empty:
        names = list(lines["line"])
        layers.append(
            alt.Chart(lines)
            .mark_rule(strokeWidth=2)
            .encode(
                y=alt.Y("y:Q"),
                color=alt.Color(
                    "line:N",
                    title="Reference",
                    scale=alt.Scale(domain=names, range=[REFERENCE_STYLES[n][0] for n in names]),
                ),
                strokeDash=alt.StrokeDash(
                    "line:N",
                    title="Reference",
                    scale=alt.Scale(domain=names, range=[REFERENCE_STYLES[n][1] for n in names]),
                ),
                tooltip=[alt.Tooltip("line:N"), alt.Tooltip("y:Q", format=",.2f")],
            )
        )
    return (
        alt.layer(*layers)
        .resolve_scale(color="independent", strokeDash="independent", shape="independent")
        .properties(height=300)
    )


def stage_share_chart(flow: pd.DataFrame, grain: str, stages: tuple[str, ...]) -> alt.Chart:
    """Share of the median lead time per stage, per period: the bars add up to 100 %."""
    rows = []
    for r in flow.itertuples():
        for order, stage in enumerate(stages):
            rows.append(
                {
                    "period": period_label(grain, r.period_start),
                    "stage": stage,
                    "order": order,
                    "share": getattr(r, f"{stage}_share_pct"),
                    "median_hours": getattr(r, f"{stage}_hours_p50"),
                    "changes": r.changes,
                }
            )
    data = pd.DataFrame(rows)
    order = [period_label(grain, s) for s in flow["period_start"]]
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=_period_x(grain, order),
            y=alt.Y("share:Q", stack="zero", title="Share of lead time (%)"),
            color=alt.Color("stage:N", sort=list(stages), title="Stage"),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("period:O", title=grain.capitalize()),
                "stage:N",
                alt.Tooltip("share:Q", title="Share (%)", format=".0f"),
                alt.Tooltip("median_hours:Q", title="Median hours", format=".1f"),
                alt.Tooltip("changes:Q", title="Changes (n)"),
            ],
        )
        .properties(height=280)
    )


def distribution_chart(values: pd.Series, title: str, unit_words: str) -> alt.LayerChart:
    """A histogram with the median and 90th percentile marked; the longest 5 % (a long tail
    would squash the rest into one bar) are left out of the bars and said in the title."""
    data = pd.DataFrame({"value": values.dropna().astype(float)})
    marks = pd.DataFrame(
        {
            "statistic": ["median", "90th percentile"],
            "value": [data["value"].median(), data["value"].quantile(0.9)],
        }
    )
    cap = data["value"].quantile(0.95)
    tail = data[data["value"] > cap]
    data = data[data["value"] <= cap]
    subtitle = (
        f"{len(tail)} longest not drawn: {tail['value'].min():,.1f} to "
        f"{tail['value'].max():,.1f} {unit_words}"
        if len(tail)
        else ""
    )
    bars = (
        alt.Chart(data)
        .mark_bar(color=DATA_COLOUR)
        .encode(
            x=alt.X("value:Q", bin=alt.Bin(maxbins=30), title=f"{title} ({unit_words})"),
            y=alt.Y("count():Q", title="Items"),
            tooltip=[alt.Tooltip("count():Q", title="Items")],
        )
    )
    rules = (
        alt.Chart(marks)
        .mark_rule(strokeWidth=2)
        .encode(
            x=alt.X("value:Q"),
            color=alt.Color(
                "statistic:N",
                title="Marker",
                scale=alt.Scale(domain=["median", "90th percentile"], range=["#d95f02", "#555555"]),
            ),
            strokeDash=alt.StrokeDash(
                "statistic:N",
                scale=alt.Scale(domain=["median", "90th percentile"], range=[[1, 0], [6, 3]]),
                legend=None,
            ),
            tooltip=[alt.Tooltip("statistic:N"), alt.Tooltip("value:Q", format=",.1f")],
        )
    )
    return alt.layer(bars, rules).properties(
        height=240,
        title=alt.TitleParams(subtitle, fontSize=11, fontWeight="normal", anchor="start"),
    )


def say_do_chart(sprints: pd.DataFrame) -> alt.Chart:
    """One bar per sprint (never stacked across teams): delivered share of the commitment."""
    data = sprints.assign(
        sprint=sprints["team_name"] + " · " + sprints["sprint_name"],
        delivered=sprints["issues_done_of_committed"].astype(int).astype(str)
        + " of "
        + sprints["issues_at_start"].astype(int).astype(str),
    )
    base = alt.Chart(data).encode(
        y=alt.Y(
            "sprint:N", sort=None, title=None, axis=alt.Axis(labelLimit=320, labelOverlap=False)
        ),
        x=alt.X(
            "say_do_ratio:Q",
            title="Committed issues delivered (%)",
            scale=alt.Scale(domain=[0, 100]),
        ),
        tooltip=[
            "sprint:N",
            alt.Tooltip("say_do_ratio:Q", title="Say/do (%)", format=".0f"),
            alt.Tooltip("delivered:N", title="Delivered of committed"),
            alt.Tooltip("issues_added_after_start:Q", title="Added after start"),
        ],
    )
    bars = base.mark_bar(color=DATA_COLOUR, size=18)
    text = base.mark_text(align="left", dx=4, fontSize=11).encode(text=alt.Text("delivered:N"))
    return (bars + text).properties(height=alt.Step(30))


def investment_chart(mix: pd.DataFrame, grain: str) -> alt.Chart:
    """Share of done work items per category and period (each bar is 100 %)."""
    data = mix.assign(period=[period_label(grain, s) for s in mix["period_start"]])
    order = list(dict.fromkeys(data["period"]))
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=_period_x(grain, order),
            y=alt.Y(
                "items:Q",
                stack="normalize",
                title="Share of done work items",
                axis=alt.Axis(format="%"),
            ),
            color=alt.Color("category:N", title="Work category"),
            tooltip=[
                alt.Tooltip("period:O", title=grain.capitalize()),
                "category:N",
                alt.Tooltip("items:Q", title="Items"),
            ],
        )
        .properties(height=260)
    )


def team_lines_chart(series: pd.DataFrame, grain: str, unit: str | None, title: str) -> alt.Chart:
    """One KPI, one line per team, points sized by n (hover for the value and n)."""
    data = series.assign(
        period=[period_label(grain, s) for s in series["period_start"]],
        n=series["sample_size"].fillna(0).astype(int),
    )
    order = [period_label(grain, s) for s in sorted(series["period_start"].unique())]
    return (
        alt.Chart(data, title=title)
        .mark_line(point=True)
        .encode(
            x=_period_x(grain, order),
            y=alt.Y("value:Q", title=axis_title(unit)),
            color=alt.Color("team:N", title="Team"),
            tooltip=[
                "team:N",
                alt.Tooltip("period:O"),
                alt.Tooltip("value:Q", format=",.2f"),
                "n:Q",
            ],
        )
        .properties(height=200)
    )


def pair_chart(both: pd.DataFrame) -> alt.FacetChart:
    """A KPI and an outcome month by month, each on its own scale."""
    data = both.assign(month_label=[f"{pd.Timestamp(m):%b %Y}" for m in both["month"]])
    order = [f"{pd.Timestamp(m):%b %Y}" for m in sorted(both["month"].unique())]
    return (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X("month_label:O", sort=order, title="Month", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=False)),
            color=alt.Color("series:N", legend=None),
            tooltip=[
                alt.Tooltip("series:N"),
                alt.Tooltip("month_label:O"),
                alt.Tooltip("value:Q", format=",.2f"),
            ],
        )
        .properties(height=160, width=600)
        .facet(row=alt.Row("series:N", title=None))
        .resolve_scale(y="independent")
    )


def tier_grid_chart(table: pd.DataFrame) -> alt.LayerChart:
    """Teams x DORA metrics, each cell coloured by tier and labelled with value and n."""
    metrics = list(dict.fromkeys(table["Metric"]))
    teams = list(dict.fromkeys(table["Team"]))
    base = alt.Chart(table).encode(
        x=alt.X(
            "Team:N",
            sort=teams,
            title=None,
            # every team named (no label thinning), the rollup in one short word
            axis=alt.Axis(
                labelAngle=0,
                labelOverlap=False,
                labelLimit=110,
                orient="top",
                labelFontSize=12,
                labelExpr="datum.label == 'Whole organisation' ? 'Organisation' : datum.label",
            ),
        ),
        y=alt.Y(
            "Metric:N", sort=metrics, title=None, axis=alt.Axis(labelFontSize=12, labelLimit=260)
        ),
    )
    cells = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color(
            "Tier:N",
            scale=alt.Scale(
                domain=["elite", "high", "medium", "low", "no tier"],
                range=["#1b7837", "#5aae61", "#fdb863", "#e66101", "#e0e0e0"],
            ),
            title="DORA tier",
        ),
        tooltip=["Team:N", "Metric:N", "Shown:N", "Trend:N"],
    )
    text = base.mark_text(fontSize=12, lineBreak="|").encode(text="Cell:N")
    return alt.layer(cells, text).properties(height=48 * len(metrics))
