"""Every SQL statement the app and the report run, against one Marts snapshot.

Queries are parameterised (`?`); user input never becomes SQL. Period bounds are half-open:
an event belongs to a period when period_start <= its time < period_end, as in kpi_values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from app.marts import Marts

ORGANISATION = "organisation"
ORGANISATION_NAME = "Whole organisation"
GRAINS = ("month", "quarter", "week")
DORA_KPIS = (
    "deployment_frequency",
    "change_lead_time",
    "change_failure_rate",
    "failed_deployment_recovery_time",
    "deployment_rework_rate",
)
RELIABILITY_KPIS = (
    "incident_count",
    "mttr",
    "mtta",
    "mttd",
    "change_failure_rate",
    "failed_deployment_recovery_time",
    "availability",
    "downtime_cost",
)


def team_clause(column: str, team: str) -> tuple[str, list[object]]:
    """A filter on one team; the organisation is every team."""
    if team == ORGANISATION:
        return "", []
    return f" and {column} = ?", [team]


# --- dimensions -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewChoices:
    """What the review filters offer: one query at the start of every page."""

    scorecard_rows: int  # 0: the marts are empty
    team_names: dict[str, str]  # team_key -> display name, the organisation first
    periods: pd.DataFrame  # the periods of the grain that have KPI values, oldest first
    # the file's tables: the published list (models and seeds tagged `published` in dbt),
    # without the per-item marts when the build withheld them (var publish_item_marts)
    tables: frozenset[str]


def review_choices(db: Marts, grain: str) -> ReviewChoices:
    """The teams by name, the periods of `grain` (start, end, complete), the tables."""
    frame = db.df(
        """
        with periods as (
            select period_start, any_value(period_end) as period_end,
                bool_and(is_complete) as is_complete
            from kpi_values where grain = ? group by period_start
        )
        select
            (select count(*) from kpi_scorecard) as scorecard_rows,
            (select list(team_key order by team_name) from teams) as team_keys,
            (select list(team_name order by team_name) from teams) as team_names,
            (
                select list(table_name) from information_schema.tables
                where table_catalog = current_database() and table_schema = 'main'
            ) as tables,
            p.period_start, p.period_end, p.is_complete
        from (select 1) as one left join periods as p on true
        order by p.period_start
        """,
        [grain],
    )
    first = frame.iloc[0]
    names = {ORGANISATION: ORGANISATION_NAME}
    names.update(zip(list(first["team_keys"]), list(first["team_names"]), strict=True))
    periods = frame[["period_start", "period_end", "is_complete"]].dropna(subset=["period_start"])
    return ReviewChoices(
        int(first["scorecard_rows"]),
        names,
        periods.reset_index(drop=True),
        frozenset(first["tables"]),
    )


def glossary(db: Marts) -> pd.DataFrame:
    return db.df("select * from kpi_glossary order by kind, name")


def glossary_search(db: Marts, team: str, search: str) -> pd.DataFrame:
    return db.df(
        "select g.*, t.owner as team_owner, coalesce(t.active, false) as team_active "
        "from kpi_glossary as g left join kpi_targets as t "
        "on t.kpi_id = g.kpi_id and t.team_key = ? "
        "where ? = '' or concat_ws(' ', g.kpi_id, g.name, g.definition, g.formula, "
        "g.business_goal, g.process, g.decision_question, g.sources, g.benchmark_method, "
        "g.default_owner_role) ilike '%' || ? || '%' "
        "order by g.kind, g.name",
        [team, search, search],
    )


# --- KPI values for a period ----------------------------------------------------------------


# Quarters are compared with the months before them (a quarterly history is short); a count or a
# sum over a quarter is compared with three months' worth.
SUMMED_AGGREGATIONS = ("count", "sum")


def period_scorecard(
    db: Marts,
    grain: str,
    period_start: date,
    baseline_months: int,
    teams: tuple[str, ...] | None = None,
    kpi_ids: tuple[str, ...] | None = None,
) -> pd.DataFrame:
    """Every team x glossary KPI (or only `teams` and `kpi_ids`) for one period: value and
    evidence, targets, owner, DORA tier and the baseline: the mean of the `baseline_months`
    complete periods before it (weeks for a week, months for a month or a quarter, counts and
    sums scaled to the quarter)."""
    history_grain = "week" if grain == "week" else "month"
    scale = 3 if grain == "quarter" else 1
    # a null list keeps every team (KPI); the filters are repeated so each scan reads only those
    wanted_teams = list(teams) if teams is not None else None
    wanted_kpis = list(kpi_ids) if kpi_ids is not None else None
    return db.df(
        """
        with teams as (
            select * from (select ? as team_key union all select team_key from teams)
            where coalesce(list_contains(?, team_key), true)
        ),
        glossary as (
            select * from kpi_glossary where coalesce(list_contains(?, kpi_id), true)
        ),
        selected as (
            -- every KPI: a DORA tier may be measured on another KPI (deployment days per week)
            select * from kpi_values where grain = ? and period_start = ?
                and coalesce(list_contains(?, team_key), true)
        ),
        history as (
            select team_key, kpi_id, value, row_number() over (
                partition by team_key, kpi_id order by period_start desc) as periods_back
            from kpi_values where grain = ? and period_start < ? and is_complete
                and coalesce(list_contains(?, team_key), true)
                and coalesce(list_contains(?, kpi_id), true)
        ),
        baselines as (
            select team_key, kpi_id, avg(value) as baseline, count(value) as baseline_periods
            from history where periods_back <= ? group by team_key, kpi_id
        ),
        tiers as (
            select selected.team_key, b.metric as kpi_id, b.tier as dora_tier
            from dora_benchmarks as b inner join selected on b.measured_kpi_id = selected.kpi_id
            where selected.value >= coalesce(b.lower_bound, selected.value)
                and selected.value < coalesce(b.upper_bound, selected.value + 1)
        )
        select
            teams.team_key, g.kpi_id, g.name as kpi_name, g.kind, g.business_goal, g.unit,
            g.direction, g.aggregation, g.dora_metric,
            s.period_start, s.period_end, s.is_complete,
            s.value, s.numerator, s.denominator, s.sample_size, s.value_p50, s.value_p90,
            case when s.team_key is null then 'not computed for this period'
                else s.null_reason end as null_reason,
            b.baseline * case when list_contains(?, g.aggregation) then ? else 1 end as baseline,
            b.baseline_periods,
            t.short_term_target, t.long_term_target,
            coalesce(t.owner, g.default_owner_role) as owner,
            coalesce(t.active, false) as is_active,
            tiers.dora_tier
        from teams cross join glossary as g
        left join selected as s on s.team_key = teams.team_key and s.kpi_id = g.kpi_id
        left join baselines as b on b.team_key = teams.team_key and b.kpi_id = g.kpi_id
        left join kpi_targets as t on t.team_key = teams.team_key and t.kpi_id = g.kpi_id
        left join tiers on tiers.team_key = teams.team_key and tiers.kpi_id = g.kpi_id
        order by teams.team_key, is_active desc, g.kind, g.business_goal, g.name
        """,
        [
            ORGANISATION,
            wanted_teams,
            wanted_kpis,
            grain,
            period_start,
            wanted_teams,
            history_grain,
            period_start,
            wanted_teams,
            wanted_kpis,
            baseline_months,
            list(SUMMED_AGGREGATIONS),
            scale,
        ],
    )


def kpi_series(db: Marts, team: str, kpi_id: str, grain: str, until: date) -> pd.DataFrame:
    """One KPI of one team per period of the grain, up to and including `until`."""
    return db.df(
        "select * from kpi_values where team_key = ? and kpi_id = ? and grain = ? "
        "and period_start <= ? order by period_start",
        [team, kpi_id, grain, until],
    )


def kpi_series_all_teams(
    db: Marts, kpi_ids: tuple[str, ...], grain: str, until: date
) -> pd.DataFrame:
    """Per team and period: the value and n of each KPI in `kpi_ids`, up to `until`."""
    marks = ", ".join("?" for _ in kpi_ids)
    return db.df(
        "select team_key, kpi_id, period_start, value, sample_size from kpi_values "
        f"where kpi_id in ({marks}) and grain = ? "
        "and period_start <= ? order by team_key, kpi_id, period_start",
        [*kpi_ids, grain, until],
    )


def reference_targets(db: Marts, team: str, kpi_id: str) -> pd.DataFrame:
    return db.df(
        "select short_term_target, long_term_target from kpi_targets "
        "where team_key = ? and kpi_id = ?",
        [team, kpi_id],
    )


# --- delivery -------------------------------------------------------------------------------


def lead_time_stages(db: Marts, team: str, grain: str, until: date) -> pd.DataFrame:
    return db.df(
        "select * from lead_time_bottlenecks where team_key = ? and grain = ? "
        "and period_start <= ? order by period_start",
        [team, grain, until],
    )


def _items_in(
    db: Marts,
    team: str,
    start: date,
    end: date,
    *,
    columns: str,
    table: str,
    time_column: str,
    order: str,
) -> pd.DataFrame:
    """Rows of a per-item mart (aliased `x`) whose time_column falls in [start, end), with the
    team's display name; `columns` and `order` name the mart's columns as x.<column>."""
    clause, params = team_clause("x.team_key", team)
    return db.df(
        f"select {columns}, coalesce(t.team_name, x.team_key) as team_name "
        f"from {table} as x left join teams as t on t.team_key = x.team_key "
        f"where x.{time_column} >= ? and x.{time_column} < ?{clause} order by {order}",
        [start, end, *params],
    )


def sprints_ending(db: Marts, team: str, start: date, end: date) -> pd.DataFrame:
    """Sprints that ended in [start, end)."""
    return _items_in(
        db,
        team,
        start,
        end,
        columns="x.sprint_name, x.state, x.start_at, x.end_at, x.issues_at_start, "
        "x.issues_added_after_start, x.issues_done_of_committed, x.say_do_ratio",
        table="sprints",
        time_column="end_at",
        order="team_name, x.start_at",
    )


def changes_shipped(db: Marts, team: str, start: date, end: date) -> pd.DataFrame:
    """Changes whose shipping deployment falls in [start, end): no titles, no people."""
    return _items_in(
        db,
        team,
        start,
        end,
        columns="x.repo, x.pull_number, x.deployed_at, x.pickup_hours, x.review_hours, "
        "x.lead_time_hours, x.is_rework, x.jira_issue_key, x.html_url",
        table="changes",
        time_column="deployed_at",
        order="x.deployed_at desc",
    )


def work_items_done(db: Marts, team: str, start: date, end: date) -> pd.DataFrame:
    """Jira issues done in [start, end), team level."""
    return _items_in(
        db,
        team,
        start,
        end,
        columns="x.issue_key, x.issue_type, x.work_category, x.done_at, x.cycle_time_days, "
        "x.times_reopened, x.html_url",
        table="work_items",
        time_column="done_at",
        order="x.done_at desc",
    )


def change_lead_times(db: Marts, team: str, start: date, end: date) -> pd.Series:
    """The lead time (hours) of each change shipped in [start, end), as changes_shipped."""
    clause, params = team_clause("team_key", team)
    return db.df(
        "select lead_time_hours from changes where deployed_at >= ? and deployed_at < ?"
        + clause
        + " order by deployed_at desc",
        [start, end, *params],
    )["lead_time_hours"]


def work_item_cycle_times(db: Marts, team: str, start: date, end: date) -> pd.Series:
    """The cycle time (days) of each Jira issue done in [start, end), as work_items_done."""
    clause, params = team_clause("team_key", team)
    return db.df(
        "select cycle_time_days from work_items where done_at >= ? and done_at < ?"
        + clause
        + " order by done_at desc",
        [start, end, *params],
    )["cycle_time_days"]


def investment_mix(db: Marts, team: str, grain: str, until: date) -> pd.DataFrame:
    """Done work items per period of the grain and work category."""
    clause, params = team_clause("team_key", team)
    return db.df(
        "select date_trunc(?, done_at)::date as period_start, work_category, count(*) as items "
        "from work_items where done_at is not null and done_at < ?"
        + clause
        + " group by all order by period_start, work_category",
        [grain, until, *params],
    )


# --- reliability ----------------------------------------------------------------------------


def deployments_in(db: Marts, team: str, start: date, end: date) -> pd.DataFrame:
    """Successful production deployments in [start, end) with their linked incidents."""
    clause, params = team_clause("d.team_key", team)
    return db.df(
        "select d.deployment_key, d.repo, coalesce(t.team_name, d.team_key) as team_name, "
        "d.sha, d.deployed_at, d.changes_shipped, d.is_rework, d.html_url, "
        "count(i.incident_id) as incidents_linked "
        "from deployments as d left join teams as t on t.team_key = d.team_key "
        "left join incidents as i on i.linked_deployment_key = d.deployment_key "
        "where d.is_successful_production and d.deployed_at >= ? and d.deployed_at < ?"
        + clause
        + " group by all order by d.deployed_at desc, d.deployment_key",
        [start, end, *params],
    )


def incidents_in(db: Marts, team: str, start: date, end: date) -> pd.DataFrame:
    """Incidents opened in [start, end), with the deployment they are linked to; caused_by
    names it as `repo @ short sha` (null when not linked)."""
    clause, params = team_clause("i.team_key", team)
    return db.df(
        "select i.incident_number, coalesce(t.team_name, i.team_key) as team_name, "
        "i.priority_name, i.urgency, i.created_at, i.minutes_to_acknowledge, "
        "i.hours_to_resolve, d.repo || ' @ ' || left(d.sha, 7) as caused_by, i.link_rule, "
        "i.html_url "
        "from incidents as i left join teams as t on t.team_key = i.team_key "
        "left join deployments as d on d.deployment_key = i.linked_deployment_key "
        "where i.created_at >= ? and i.created_at < ?" + clause + " order by i.created_at desc",
        [start, end, *params],
    )


# --- alignment ------------------------------------------------------------------------------


def alignment_pairs(db: Marts, team: str, lag: int) -> pd.DataFrame:
    return db.df(
        "select a.*, g.name as kpi_name, g.direction as kpi_direction "
        "from kpi_alignment as a left join kpi_glossary as g on g.kpi_id = a.kpi_id "
        "where a.team_key = ? and a.lag_months = ? "
        "order by a.business_goal, g.name, a.outcome_measure",
        [team, lag],
    )


def monthly_kpi(db: Marts, team: str, kpi_id: str, until: date) -> pd.DataFrame:
    return db.df(
        "select period_start as month, value, sample_size from kpi_values "
        "where team_key = ? and kpi_id = ? and grain = 'month' and is_complete "
        "and period_start < ? order by 1",
        [team, kpi_id, until],
    )


def monthly_outcome(db: Marts, team: str, measure: str, until: date) -> pd.DataFrame:
    return db.df(
        "select month, value from business_outcomes where team_key = ? and measure = ? "
        "and month < ? order by 1",
        [team, measure, until],
    )


# --- data health ----------------------------------------------------------------------------


def source_loads(db: Marts) -> pd.DataFrame:
    return db.df("select * from source_loads order by source_system, table_name")


def table_row_counts(db: Marts, tables: frozenset[str]) -> pd.DataFrame:
    """Rows per table of the file (`tables`: ReviewChoices.tables, its own catalogue)."""
    counts = " union all ".join(
        # names from the file's catalogue, quoted as identifiers
        f"select '{t}' as table_name, count(*) as row_count from \"{t}\""
        for t in sorted(tables)
    )
    return db.df(counts) if counts else pd.DataFrame(columns=["table_name", "row_count"])


# (what, fact table, event time, which rows): the dates each fact covers
COVERAGE = (
    ("Deployments (GitHub)", "deployments", "deployed_at", "is_successful_production"),
    ("Pull requests (GitHub)", "changes", "merged_at", "merged_at is not null"),
    ("Incidents (PagerDuty)", "incidents", "created_at", "true"),
    ("Work items (Jira)", "work_items", "created_at", "true"),
)


def coverage(db: Marts, team: str, tables: frozenset[str]) -> pd.DataFrame:
    """First and last event per fact table of the file (`tables`) for the team: which dates the
    data cover (none when the build withheld the per-item marts)."""
    clause, params = team_clause("team_key", team)
    facts = [fact for fact in COVERAGE if fact[1] in tables]
    if not facts:
        return pd.DataFrame(columns=["data", "first_event", "last_event", "events"])
    return db.df(
        " union all ".join(
            f"select '{what}' as data, min({time}) as first_event, max({time}) as last_event, "
            f"count(*) as events from {table} where {rows}{clause}"
            for what, table, time, rows in facts
        ),
        params * len(facts),
    )


def quality_findings(db: Marts, team: str) -> pd.DataFrame:
    clause, params = team_clause("team_key", team)
    return db.df(
        "select check_name, entity, entity_id, team_key, detail from data_quality_findings "
        "where true" + clause + " order by check_name, team_key, entity_id",
        params,
    )
