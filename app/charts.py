"""Vega-Lite chart specs shared by the app and the offline report.

Specs are built as plain dicts: building them with Altair objects and converting them with
to_dict() cost more than everything else on a chart-heavy page. The specs are the ones the
Altair code produced; the app tests validate every spec against the Vega-Lite schema. Datasets
stay data frames, which Streamlit turns into Arrow directly (`as_json` gives the JSON spec).

Time axes are ordinal period labels of the selected grain ('2026-Q3', 'Sep 2026'), so a quarter
reads as a quarter and bars are as wide as the axis allows. Every KPI point carries its n; points
from too small a sample are grey. Reference lines have their own colours and dashes.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from app.format import UNIT_NAMES, is_missing, period_label
from app.review import is_too_small

Spec = dict[str, Any]

SCHEMA_URL = "https://vega.github.io/schema/vega-lite/v6.4.1.json"
DATA_COLOUR = "#1f77b4"
SMALL_COLOUR = "#b0b4ba"
SELECTED_COLOUR = "#fdd49e"
REFERENCE_STYLES = {  # line -> (colour, dash)
    "Baseline": ("#555555", [2, 3]),
    "Short-term target": ("#d95f02", [8, 4]),
    "Long-term target": ("#1b9e77", [14, 4, 2, 4]),
}
TIER_CELL_COLOURS = {
    "elite": "#1b7837",
    "high": "#5aae61",
    "medium": "#fdb863",
    "low": "#e66101",
    "no tier": "#e0e0e0",
}


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


# --- spec building blocks -------------------------------------------------------------------


def _frame(**columns: Any) -> pd.DataFrame:
    """Equal-length columns (lists or Series, whose index is ignored) -> a chart's dataset."""
    return pd.DataFrame(
        {k: v.to_numpy() if isinstance(v, pd.Series) else list(v) for k, v in columns.items()}
    )


def as_json(spec: Spec) -> Spec:
    """The spec with its datasets as rows of plain values (missing numbers as null), as the
    Vega-Lite schema and vl-convert expect. Streamlit takes the data frames as they are."""
    return {
        **spec,
        "datasets": {
            name: frame.astype(object).where(frame.notna(), None).to_dict(orient="records")
            for name, frame in spec["datasets"].items()
        },
    }


def _chart(datasets: dict[str, pd.DataFrame], **spec: Any) -> Spec:
    return {"$schema": SCHEMA_URL, **spec, "datasets": datasets}


def _field(name: str, kind: str, **options: Any) -> dict[str, Any]:
    return {"field": name, "type": kind, **options}


def _data(name: str) -> dict[str, str]:
    return {"name": name}


def _period_x(grain: str, order: list[str], touching: bool = False) -> dict[str, Any]:
    """Ordinal period labels; `touching` bands (no padding) so a shaded quarter is one band."""
    # weeks are many: short slanted labels ('28 Sep 2026'), thinned when they would overlap
    axis = (
        {
            "labelAngle": -40,
            "labelOverlap": True,
            "labelExpr": "replace(datum.label, 'Week of ', '')",
        }
        if grain == "week"
        else {"labelAngle": 0}
    )
    x = _field("period", "ordinal", sort=order, title=grain.capitalize(), axis=axis)
    if touching:
        x["scale"] = {"paddingInner": 0, "paddingOuter": 0.2}
    return x


def _period_tooltip(grain: str) -> dict[str, Any]:
    return _field("period", "ordinal", title=grain.capitalize())


# --- charts ---------------------------------------------------------------------------------


def trend_chart(
    series: pd.DataFrame,
    unit: str | None,
    lines: pd.DataFrame,
    grain: str,
    selected: list[object],
    small: list[bool],
) -> Spec:
    """A KPI per period up to the review period (its periods shaded), n above each point,
    reference lines."""
    periods = [period_label(grain, s) for s in series["period_start"]]
    points = _frame(
        period=periods,
        value=series["value"],
        n=[("n = " + f"{int(n):,}") if not is_missing(n) else "" for n in series["sample_size"]],
        sample=["n too small" if s else "enough data" for s in small],
        state=["complete" if c else "in progress" for c in series["is_complete"]],
        # one line segment per run of periods with values: a gap breaks the line (never a 0)
        segment=series["value"].isna().cumsum(),
    )
    x = _period_x(grain, periods, touching=True)
    y = _field("value", "quantitative", title=axis_title(unit))
    tooltip = [
        _period_tooltip(grain),
        _field("value", "quantitative", title="Value", format=",.2f"),
        _field("n", "nominal", title="Sample"),
        _field("sample", "nominal", title="Sample size"),
        _field("state", "nominal", title="Period"),
    ]
    datasets = {
        "review-period": _frame(period=[period_label(grain, s) for s in selected]),
        "kpi-points": points,
    }
    shared = {"x": x, "y": y, "tooltip": tooltip}
    layers: list[Spec] = [
        {
            "data": _data("review-period"),
            "mark": {
                "type": "bar",
                "color": SELECTED_COLOUR,
                "opacity": 0.45,
                "width": {"band": 1},
            },
            "encoding": {"x": x},
        },
        {
            "data": _data("kpi-points"),
            "mark": {"type": "line", "color": DATA_COLOUR, "strokeWidth": 2},
            "encoding": {**shared, "detail": _field("segment", "nominal")},
        },
        {
            "data": _data("kpi-points"),
            "mark": {"type": "point", "filled": True, "size": 80, "opacity": 1},
            "encoding": {
                **shared,
                "color": _field(
                    "sample",
                    "nominal",
                    title="Sample",
                    scale={
                        "domain": ["enough data", "n too small"],
                        "range": [DATA_COLOUR, SMALL_COLOUR],
                    },
                ),
                "shape": _field(
                    "state",
                    "nominal",
                    title="Period",
                    scale={
                        "domain": ["complete", "in progress"],
                        "range": ["circle", "triangle-up"],
                    },
                ),
            },
        },
        {
            "data": _data("kpi-points"),
            "mark": {"type": "text", "dy": -12, "fontSize": 10, "color": "#555555"},
            "encoding": {**shared, "text": _field("n", "nominal")},
        },
    ]
    if not lines.empty:
        names = list(lines["line"])
        datasets["reference-lines"] = _frame(line=names, y=lines["y"])
        layers.append(
            {
                "data": _data("reference-lines"),
                "mark": {"type": "rule", "strokeWidth": 2},
                "encoding": {
                    "y": _field("y", "quantitative"),
                    "color": _field(
                        "line",
                        "nominal",
                        title="Reference",
                        scale={"domain": names, "range": [REFERENCE_STYLES[n][0] for n in names]},
                    ),
                    "strokeDash": _field(
                        "line",
                        "nominal",
                        title="Reference",
                        scale={"domain": names, "range": [REFERENCE_STYLES[n][1] for n in names]},
                    ),
                    "tooltip": [
                        _field("line", "nominal"),
                        _field("y", "quantitative", format=",.2f"),
                    ],
                },
            }
        )
    return _chart(
        datasets,
        layer=layers,
        resolve={
            "scale": {"color": "independent", "strokeDash": "independent", "shape": "independent"}
        },
        height=300,
    )


def stage_share_chart(flow: pd.DataFrame, grain: str, stages: tuple[str, ...]) -> Spec:
    """Share of the median lead time per stage, per period: the bars add up to 100 %."""
    rows = [
        {
            "period": period_label(grain, r.period_start),
            "stage": stage,
            "order": order,
            "share": getattr(r, f"{stage}_share_pct"),
            "median_hours": getattr(r, f"{stage}_hours_p50"),
            "changes": r.changes,
        }
        for r in flow.itertuples()
        for order, stage in enumerate(stages)
    ]
    order = [period_label(grain, s) for s in flow["period_start"]]
    return _chart(
        {"stage-shares": pd.DataFrame(rows)},
        data=_data("stage-shares"),
        mark={"type": "bar"},
        encoding={
            "x": _period_x(grain, order),
            "y": _field("share", "quantitative", stack="zero", title="Share of lead time (%)"),
            "color": _field("stage", "nominal", sort=list(stages), title="Stage"),
            "order": _field("order", "quantitative"),
            "tooltip": [
                _period_tooltip(grain),
                _field("stage", "nominal"),
                _field("share", "quantitative", title="Share (%)", format=".0f"),
                _field("median_hours", "quantitative", title="Median hours", format=".1f"),
                _field("changes", "quantitative", title="Changes (n)"),
            ],
        },
        height=280,
    )


def distribution_chart(values: pd.Series, title: str, unit_words: str) -> Spec:
    """A histogram with the median and 90th percentile marked; the longest 5 % (a long tail
    would squash the rest into one bar) are left out of the bars and said in the title."""
    data = values.dropna().astype(float)
    statistics = ["median", "90th percentile"]
    cap = data.quantile(0.95)
    tail = data[data > cap]
    subtitle = (
        f"{len(tail)} longest not drawn: {tail.min():,.1f} to {tail.max():,.1f} {unit_words}"
        if len(tail)
        else ""
    )
    return _chart(
        {
            "histogram": _frame(value=data[data <= cap]),
            "markers": _frame(statistic=statistics, value=[data.median(), data.quantile(0.9)]),
        },
        layer=[
            {
                "data": _data("histogram"),
                "mark": {"type": "bar", "color": DATA_COLOUR},
                "encoding": {
                    "x": _field(
                        "value",
                        "quantitative",
                        bin={"maxbins": 30},
                        title=f"{title} ({unit_words})",
                    ),
                    "y": {"aggregate": "count", "type": "quantitative", "title": "Items"},
                    "tooltip": [{"aggregate": "count", "type": "quantitative", "title": "Items"}],
                },
            },
            {
                "data": _data("markers"),
                "mark": {"type": "rule", "strokeWidth": 2},
                "encoding": {
                    "x": _field("value", "quantitative"),
                    "color": _field(
                        "statistic",
                        "nominal",
                        title="Marker",
                        scale={"domain": statistics, "range": ["#d95f02", "#555555"]},
                    ),
                    "strokeDash": _field(
                        "statistic",
                        "nominal",
                        scale={"domain": statistics, "range": [[1, 0], [6, 3]]},
                        legend=None,
                    ),
                    "tooltip": [
                        _field("statistic", "nominal"),
                        _field("value", "quantitative", format=",.1f"),
                    ],
                },
            },
        ],
        height=240,
        title={"text": subtitle, "fontSize": 11, "fontWeight": "normal", "anchor": "start"},
    )


def say_do_chart(sprints: pd.DataFrame) -> Spec:
    """One bar per sprint (never stacked across teams): delivered share of the commitment."""
    delivered = [
        f"{int(done)} of {int(committed)}"
        for done, committed in zip(
            sprints["issues_done_of_committed"], sprints["issues_at_start"], strict=True
        )
    ]
    encoding = {
        "y": _field(
            "sprint",
            "nominal",
            sort=None,
            title=None,
            axis={"labelLimit": 320, "labelOverlap": False},
        ),
        "x": _field(
            "say_do_ratio",
            "quantitative",
            title="Committed issues delivered (%)",
            scale={"domain": [0, 100]},
        ),
        "tooltip": [
            _field("sprint", "nominal"),
            _field("say_do_ratio", "quantitative", title="Say/do (%)", format=".0f"),
            _field("delivered", "nominal", title="Delivered of committed"),
            _field("issues_added_after_start", "quantitative", title="Added after start"),
        ],
    }
    return _chart(
        {
            "sprints": _frame(
                sprint=sprints["team_name"] + " · " + sprints["sprint_name"],
                say_do_ratio=sprints["say_do_ratio"],
                delivered=delivered,
                issues_added_after_start=sprints["issues_added_after_start"],
            )
        },
        data=_data("sprints"),
        layer=[
            {"mark": {"type": "bar", "color": DATA_COLOUR, "size": 18}, "encoding": encoding},
            {
                "mark": {"type": "text", "align": "left", "dx": 4, "fontSize": 11},
                "encoding": {**encoding, "text": _field("delivered", "nominal")},
            },
        ],
        height={"step": 30},
    )


def investment_chart(mix: pd.DataFrame, grain: str) -> Spec:
    """Share of done work items per category and period (each bar is 100 %)."""
    periods = [period_label(grain, s) for s in mix["period_start"]]
    return _chart(
        {"investment": _frame(period=periods, category=mix["category"], items=mix["items"])},
        data=_data("investment"),
        mark={"type": "bar"},
        encoding={
            "x": _period_x(grain, list(dict.fromkeys(periods))),
            "y": _field(
                "items",
                "quantitative",
                stack="normalize",
                title="Share of done work items",
                axis={"format": "%"},
            ),
            "color": _field("category", "nominal", title="Work category"),
            "tooltip": [
                _period_tooltip(grain),
                _field("category", "nominal"),
                _field("items", "quantitative", title="Items"),
            ],
        },
        height=260,
    )


def team_lines_chart(series: pd.DataFrame, grain: str, unit: str | None, title: str) -> Spec:
    """One KPI, one line per team (hover a point for its value and n). The chart's height holds
    the plot, its axes and a four-team legend: at 200 px the plot shrank below its axis title."""
    order = [period_label(grain, s) for s in sorted(series["period_start"].unique())]
    return _chart(
        {
            "team-lines": _frame(
                team=series["team"],
                period=[period_label(grain, s) for s in series["period_start"]],
                value=series["value"],
                n=series["sample_size"].fillna(0).astype(int),
            )
        },
        data=_data("team-lines"),
        title=title,
        mark={"type": "line", "point": True},
        encoding={
            "x": _period_x(grain, order),
            "y": _field("value", "quantitative", title=axis_title(unit)),
            "color": _field("team", "nominal", title="Team"),
            "tooltip": [
                _field("team", "nominal"),
                _field("period", "ordinal"),
                _field("value", "quantitative", format=",.2f"),
                _field("n", "quantitative"),
            ],
        },
        height=280,
    )


def pair_chart(both: pd.DataFrame) -> Spec:
    """A KPI and an outcome month by month, each on its own scale."""
    months = [f"{pd.Timestamp(m):%b %Y}" for m in both["month"]]
    order = [f"{pd.Timestamp(m):%b %Y}" for m in sorted(both["month"].unique())]
    return _chart(
        {"pair": _frame(month_label=months, value=both["value"], series=both["series"])},
        data=_data("pair"),
        facet={"row": _field("series", "nominal", title=None)},
        spec={
            "mark": {"type": "line", "point": True},
            "encoding": {
                "x": _field(
                    "month_label", "ordinal", sort=order, title="Month", axis={"labelAngle": 0}
                ),
                "y": _field("value", "quantitative", title=None, scale={"zero": False}),
                "color": _field("series", "nominal", legend=None),
                "tooltip": [
                    _field("series", "nominal"),
                    _field("month_label", "ordinal"),
                    _field("value", "quantitative", format=",.2f"),
                ],
            },
            "height": 160,
            "width": 600,
        },
        resolve={"scale": {"y": "independent"}},
    )


def tier_grid_chart(table: pd.DataFrame) -> Spec:
    """Teams x DORA metrics, each cell coloured by tier and labelled with value and n."""
    metrics = list(dict.fromkeys(table["Metric"]))
    teams = list(dict.fromkeys(table["Team"]))
    position = {
        "x": _field(
            "Team",
            "nominal",
            sort=teams,
            title=None,
            # every team named (no label thinning), the rollup in one short word
            axis={
                "labelAngle": 0,
                "labelOverlap": False,
                "labelLimit": 110,
                "orient": "top",
                "labelFontSize": 12,
                "labelExpr": "datum.label == 'Whole organisation' ? 'Organisation' : datum.label",
            },
        ),
        "y": _field(
            "Metric",
            "nominal",
            sort=metrics,
            title=None,
            axis={"labelFontSize": 12, "labelLimit": 260},
        ),
    }
    columns = ("Team", "Metric", "Shown", "Cell", "Tier", "Trend")
    return _chart(
        {"tiers": _frame(**{c: table[c] for c in columns})},
        data=_data("tiers"),
        layer=[
            {
                "mark": {"type": "rect", "stroke": "white", "strokeWidth": 2},
                "encoding": {
                    **position,
                    "color": _field(
                        "Tier",
                        "nominal",
                        scale={
                            "domain": list(TIER_CELL_COLOURS),
                            "range": list(TIER_CELL_COLOURS.values()),
                        },
                        title="DORA tier",
                    ),
                    "tooltip": [_field(c, "nominal") for c in ("Team", "Metric", "Shown", "Trend")],
                },
            },
            {
                "mark": {"type": "text", "fontSize": 12, "lineBreak": "|"},
                "encoding": {**position, "text": _field("Cell", "nominal")},
            },
        ],
        height=48 * len(metrics),
    )
