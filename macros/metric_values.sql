{#- The KPI values of the semantic layer, compiled from its definitions.

    Every KPI is defined once, as a MetricFlow metric over the measures of a fact's semantic
    model (models/marts/*/_*__semantic.yml). MetricFlow answers the metrics by name; this
    macro reads the same definitions from dbt's graph and writes the SQL that answers each of
    them for every team, the organisation and period, so kpi_values is built by dbt alone (on
    engines MetricFlow does not support, such as Spark) and cannot drift from the metrics.

    What it shares across every KPI:
    - period bucketing: a measure's rows fall in the int_periods period of its
      agg_time_dimension (in_period), at the grains at or above the dimension's granularity;
    - the organisation: every measure is aggregated once more over all of the fact's rows, as
      MetricFlow answers a metric without a team group-by (never an average over teams);
    - percentiles (agg median / percentile) through the engine-neutral percentile macro;
    - semi-additive measures (non_additive_dimension): only the rows at the period's last (or
      first) value of the dimension, per window grouping;
    - fill_nulls_with, and derived metrics as SQL expressions over their input metrics.

    A metric is a glossary KPI when its meta has a `kpi` block naming the metrics that give the
    other kpi_values columns: numerator, denominator, sample_size (required), p50, p90, and
    reported_when (default sample_size): a team-period gets a row where it is above 0.
    Definitions this compiler cannot answer exactly as MetricFlow would (metric filters,
    offsets, ratio or cumulative metrics) stop the build with the metric's name. -#}
{% macro kpi_metric_values(teams, periods) -%}
    {#- dbt parses models before it fills the graph; the facts are refs in the model file -#}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- set semantic_models = graph.semantic_models.values() | list -%}
    {%- set metrics = kpibridge.metrics_by_name() -%}
    {%- set groups = kpibridge.measure_groups(semantic_models) -%}
    {%- set layers = kpibridge.metric_layers(metrics) -%}
    {%- set kpis = kpibridge.kpi_metrics(metrics) %}
with

teams as (
    select team_key as rollup_team_key from {{ teams }}
),

periods as (
    select * from {{ periods }}
),
{% for group in groups %}
{{ group.cte }} as (
    {{ kpibridge.measure_group_sql(group) }}
),
{% endfor %}
metric_layer_0 as (
    select
        teams.rollup_team_key,
        periods.grain,
        periods.period_start
        {%- for metric in layers[0] %},
        {{ kpibridge.simple_metric_sql(metric, groups) }} as {{ metric.name }}
        {%- endfor %}
    from teams
    cross join periods
    {%- for group in groups %}
    left join {{ group.cte }}
        on teams.rollup_team_key = {{ group.cte }}.rollup_team_key
        and periods.grain = {{ group.cte }}.grain
        and periods.period_start = {{ group.cte }}.period_start
    {%- endfor %}
),
{% for layer in layers[1:] %}
metric_layer_{{ loop.index }} as (
    select
        *
        {%- for metric in layer %},
        {{ metric.type_params.expr }} as {{ metric.name }}
        {%- endfor %}
    from metric_layer_{{ loop.index0 }}
),
{% endfor %}
metric_values as (
    select * from metric_layer_{{ layers | length - 1 }}
),

kpi_rows as (
    {%- for kpi in kpis %}
    select
        rollup_team_key as team_key,
        '{{ kpi.name }}' as kpi_id,
        grain,
        period_start,
        {{ kpi.name }} as value,
        {%- for column, role in kpibridge.kpi_evidence_roles().items() %}
        {{ kpi.columns.get(role) or 'cast(null as double precision)' }} as {{ column }}
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from metric_values
    where {{ kpi.columns.reported_when }} > 0
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

final as (
    select
        {{ kpibridge.kpi_value_columns() }}
    from kpi_rows
)

select * from final
{%- endmacro %}

{#- The measures of every semantic model, grouped by the SQL that aggregates them: one group per
    semantic model and time dimension, and one per semi-additive measure. -#}
{% macro measure_groups(semantic_models) -%}
    {%- set groups = [] -%}
    {%- for semantic_model in semantic_models | sort(attribute='name') -%}
        {%- set team = semantic_model.entities | selectattr('name', 'equalto', 'team') | list -%}
        {%- if not team -%}
            {{ exceptions.raise_compiler_error(
                "semantic model '" ~ semantic_model.name ~ "' has no 'team' entity: "
                ~ "kpi_values needs one to group its measures by team") }}
        {%- endif -%}
        {%- set by_cte = {} -%}
        {%- for measure in semantic_model.measures -%}
            {%- set time_name = measure.agg_time_dimension
                or semantic_model.defaults.agg_time_dimension -%}
            {%- set time = (semantic_model.dimensions | selectattr('name', 'equalto', time_name)
                | list)[0] -%}
            {%- set cte = 'measures__' ~ semantic_model.name ~ '__' ~ time_name
                ~ ('__' ~ measure.name if measure.non_additive_dimension else '') -%}
            {%- if cte not in by_cte -%}
                {%- set group = {
                    'cte': cte,
                    'model': semantic_model.depends_on.nodes[0].split('.')[-1],
                    'team_expr': team[0].expr or team[0].name,
                    'time_expr': time.expr or time.name,
                    'granularity': time.type_params.time_granularity,
                    'window': kpibridge.measure_window(semantic_model, measure),
                    'measures': [],
                } -%}
                {%- do by_cte.update({cte: group}) -%}
                {%- do groups.append(group) -%}
            {%- endif -%}
            {%- do by_cte[cte].measures.append(measure) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(groups) }}
{%- endmacro %}

{#- A semi-additive measure's window: the dimension and the grouping expressions; none otherwise -#}
{% macro measure_window(semantic_model, measure) -%}
    {%- set dimension = measure.non_additive_dimension -%}
    {%- if not dimension -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set column = (semantic_model.dimensions | selectattr('name', 'equalto', dimension.name)
        | list)[0] -%}
    {%- set groupings = [] -%}
    {%- for name in dimension.window_groupings or [] -%}
        {%- set entity = (semantic_model.entities | selectattr('name', 'equalto', name) | list)[0] -%}
        {%- do groupings.append(entity.expr or entity.name) -%}
    {%- endfor -%}
    {{ return({
        'expr': column.expr or column.name,
        'choice': 'max' if dimension.window_choice == 'max' else 'min',
        'groupings': groupings,
    }) }}
{%- endmacro %}

{#- One group's measures per team (and the organisation over all rows), grain and period -#}
{% macro measure_group_sql(group) -%}
    {%- set grains = kpibridge.kpi_grains() -%}
    {%- set coarse_grains = grains if group.granularity in ['day', 'week'] and 'week' in grains
        else grains | reject('equalto', 'week') | list -%}
    {%- set from_rows -%}
        from {{ ref(group.model) }} as facts
        inner join periods
            on periods.grain in ({{ kpibridge.sql_list(coarse_grains) }})
            and {{ kpibridge.in_period(group.time_expr) }}
        inner join teams
            on teams.rollup_team_key = {{ group.team_expr }}
            or teams.rollup_team_key = 'organisation'
    {%- endset -%}
    {%- set aggregates -%}
        {%- for measure in group.measures %}
        {{ kpibridge.measure_aggregate(measure) }} as {{ measure.name }}
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    {%- endset -%}
    {%- if group.window %}
    select
        rollup_team_key,
        grain,
        period_start,
        {{ aggregates }}
    from (
        select
            facts.*,
            teams.rollup_team_key,
            periods.grain,
            periods.period_start,
            {{ group.window.choice }}({{ group.window.expr }}) over (
                partition by
                    teams.rollup_team_key, periods.grain, periods.period_start
                    {%- for grouping in group.window.groupings %}, {{ grouping }}{% endfor %}
            ) as window_value
        {{ from_rows }}
    ) as windowed
    where {{ group.window.expr }} = window_value
    group by rollup_team_key, grain, period_start
    {%- else %}
    select
        teams.rollup_team_key,
        periods.grain,
        periods.period_start,
        {{ aggregates }}
    {{ from_rows }}
    group by teams.rollup_team_key, periods.grain, periods.period_start
    {%- endif %}
{%- endmacro %}

{#- A measure's aggregation of its expression (default: the column of its name) -#}
{% macro measure_aggregate(measure) -%}
    {%- set expr = measure.expr or measure.name -%}
    {%- if measure.agg == 'sum' -%} sum({{ expr }})
    {%- elif measure.agg == 'average' -%} avg({{ expr }})
    {%- elif measure.agg == 'count' -%} count({{ expr }})
    {%- elif measure.agg == 'count_distinct' -%} count(distinct {{ expr }})
    {%- elif measure.agg in ['min', 'max'] -%} {{ measure.agg }}({{ expr }})
    {%- elif measure.agg == 'sum_boolean' -%} sum(case when {{ expr }} then 1 else 0 end)
    {%- elif measure.agg == 'median' -%} {{ kpibridge.median(expr) }}
    {%- elif measure.agg == 'percentile' and not measure.agg_params.use_discrete_percentile -%}
        {{ kpibridge.percentile(expr, measure.agg_params.percentile) }}
    {%- else -%}
        {{ exceptions.raise_compiler_error(
            "measure '" ~ measure.name ~ "': agg '" ~ measure.agg ~ "' is not supported by "
            ~ "kpi_metric_values (macros/metric_values.sql); use sum, count, count_distinct, "
            ~ "average, min, max, sum_boolean, median or a continuous percentile") }}
    {%- endif -%}
{%- endmacro %}

{#- A simple metric: its measure's column, with fill_nulls_with for periods without rows -#}
{% macro simple_metric_sql(metric, groups) -%}
    {%- set input = metric.type_params.measure -%}
    {%- set column = namespace(sql=none) -%}
    {%- for group in groups -%}
        {%- if input.name in group.measures | map(attribute='name') | list -%}
            {%- set column.sql = group.cte ~ '.' ~ input.name -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if input.fill_nulls_with is not none -%}
        coalesce({{ column.sql }}, {{ input.fill_nulls_with }})
    {%- else -%}
        {{ column.sql }}
    {%- endif -%}
{%- endmacro %}

{#- Metrics in dependency order: layer 0 the simple ones, layer n the derived metrics whose
    inputs are all in earlier layers. -#}
{% macro metric_layers(metrics) -%}
    {%- set placed = {} -%}
    {%- set layers = [[]] -%}
    {%- for metric in metrics.values() | sort(attribute='name') -%}
        {%- do kpibridge.check_metric_supported(metric) -%}
        {%- if metric.type == 'simple' -%}
            {%- do layers[0].append(metric) -%}
            {%- do placed.update({metric.name: 0}) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for depth in range(1, metrics | length + 1) -%}
        {%- set layer = [] -%}
        {%- for metric in metrics.values() | sort(attribute='name') -%}
            {%- set inputs = metric.type_params.metrics | map(attribute='name') | list -%}
            {%- if metric.name not in placed and inputs | reject('in', placed) | list | length == 0 -%}
                {%- do layer.append(metric) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- for metric in layer -%}
            {%- do placed.update({metric.name: depth}) -%}
        {%- endfor -%}
        {%- if layer -%}
            {%- do layers.append(layer) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(layers) }}
{%- endmacro %}

{#- Stops the build on what MetricFlow would answer differently from kpi_metric_values -#}
{% macro check_metric_supported(metric) -%}
    {%- set problems = [] -%}
    {%- if metric.type not in ['simple', 'derived'] -%}
        {%- do problems.append("type '" ~ metric.type ~ "' (use simple or derived)") -%}
    {%- endif -%}
    {%- if metric.filter or (metric.type_params.measure and metric.type_params.measure.filter) -%}
        {%- do problems.append('a filter (put the condition in the measure expr)') -%}
    {%- endif -%}
    {%- for input in metric.type_params.metrics or [] -%}
        {%- if input.filter or input.offset_window or input.offset_to_grain or input.alias -%}
            {%- do problems.append("input '" ~ input.name ~ "' with a filter, offset or alias") -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if problems -%}
        {{ exceptions.raise_compiler_error(
            "metric '" ~ metric.name ~ "' (" ~ metric.original_file_path ~ "): "
            ~ problems | join('; ') ~ " is not supported by kpi_metric_values "
            ~ "(macros/metric_values.sql), which builds kpi_values from the metrics") }}
    {%- endif -%}
{%- endmacro %}

{#- The glossary KPIs among the metrics: those whose meta has a kpi block, with reported_when
    resolved to its default (sample_size) -#}
{% macro kpi_metrics(metrics) -%}
    {%- set kpis = [] -%}
    {%- for metric in metrics.values() | sort(attribute='name') -%}
        {%- set columns = (metric.config.meta or metric.meta or {}).get('kpi') -%}
        {%- if columns -%}
            {%- for column, name in columns.items() -%}
                {%- if name not in metrics -%}
                    {{ exceptions.raise_compiler_error(
                        "metric '" ~ metric.name ~ "' (" ~ metric.original_file_path
                        ~ "): meta kpi." ~ column ~ " names '" ~ name
                        ~ "', which is no metric; name a metric defined in the semantic YAML") }}
                {%- endif -%}
            {%- endfor -%}
            {%- if 'sample_size' not in columns -%}
                {{ exceptions.raise_compiler_error(
                    "metric '" ~ metric.name ~ "' (" ~ metric.original_file_path
                    ~ "): meta kpi has no sample_size; name the metric that counts its events") }}
            {%- endif -%}
            {%- do kpis.append({
                'name': metric.name,
                'columns': dict(columns, reported_when=columns.get('reported_when', columns.sample_size)),
            }) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(kpis) }}
{%- endmacro %}

{#- The kpi_values evidence columns and the kpi meta key naming the metric that gives each -#}
{% macro kpi_evidence_roles() -%}
    {{ return({
        'numerator': 'numerator',
        'denominator': 'denominator',
        'sample_size': 'sample_size',
        'value_p50': 'p50',
        'value_p90': 'p90',
    }) }}
{%- endmacro %}

{#- One row per KPI metric: its kpi_id and the metrics that give kpi_values' other columns
    (reported_when resolved to its default). Empty while dbt parses. -#}
{% macro kpi_metric_definitions() -%}
    {%- set kpis = kpibridge.kpi_metrics(kpibridge.metrics_by_name()) if execute else [] -%}
    {%- set roles = kpibridge.kpi_evidence_roles().values() | list + ['reported_when'] -%}
    {%- for kpi in kpis %}
    select
        cast('{{ kpi.name }}' as {{ dbt.type_string() }}) as kpi_id
        {%- for role in roles %},
        {%- set metric = kpi.columns.get(role) %}
        cast({{ "'" ~ metric ~ "'" if metric else 'null' }} as {{ dbt.type_string() }}) as {{ role }}_metric
        {%- endfor %}
    {% if not loop.last %}union all{% endif %}
    {%- else %}
    select
        cast(null as {{ dbt.type_string() }}) as kpi_id
        {%- for role in roles %},
        cast(null as {{ dbt.type_string() }}) as {{ role }}_metric
        {%- endfor %}
    where false
    {%- endfor %}
{%- endmacro %}

{#- Every metric of the project's semantic layer, by name -#}
{% macro metrics_by_name() -%}
    {%- set metrics = {} -%}
    {%- for metric in graph.metrics.values() -%}
        {%- do metrics.update({metric.name: metric}) -%}
    {%- endfor -%}
    {{ return(metrics) }}
{%- endmacro %}
