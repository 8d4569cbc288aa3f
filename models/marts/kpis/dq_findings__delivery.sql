-- Data-quality findings of the delivery layer (GitHub): spans of a merged change that run
-- backwards (left out of the KPI they feed), changes shipped by a deployment made before the
-- pull request merged, and successful production deployments that ship no merged change.
with

changes as (
    select * from {{ ref('changes') }}
),

deployments as (
    select * from {{ ref('deployments') }}
),

-- one row per change x lead-time span; the deploy stage is its own check below
change_spans as (
    {%- set spans = [
        ('coding', 'first_commit_at', 'opened_at', 'change_lead_time (coding stage)'),
        ('pickup', 'opened_at', 'first_review_at', 'change_lead_time (pickup stage)'),
        ('review', 'first_review_at', 'merged_at', 'change_lead_time (review stage), pr_review_time'),
        ('lead_time', 'first_commit_at', 'deployed_at', 'change_lead_time'),
    ] %}
    {% for span_name, span_start, span_end, kpis in spans %}
        select
            change_key,
            repo,
            pull_number,
            team_key,
            '{{ span_name }}' as span_name,
            '{{ span_start }}' as start_column,
            '{{ span_end }}' as end_column,
            '{{ kpis }}' as kpis
        from changes
        where {{ kpibridge.is_negative_span(span_start, span_end) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

negative_spans as (
    select
        'negative_span' as check_name,
        'change' as entity,
        change_key as entity_id,
        team_key,
        'warning' as severity,
        repo || '#' || cast(pull_number as {{ dbt.type_string() }}) || ': '
        || span_name || ' span is negative (' || end_column || ' before ' || start_column
        || '): left out of ' || kpis as detail
    from change_spans
),

deployed_before_merge as (
    select
        'change_deployed_before_merge' as check_name,
        'change' as entity,
        change_key as entity_id,
        team_key,
        'warning' as severity,
        repo || '#' || cast(pull_number as {{ dbt.type_string() }})
        || ': shipped by ' || deployment_key || ' (rule ' || ship_rule || '), deployed '
        || {{ kpibridge.hours_text(kpibridge.seconds_between('deployed_at', 'merged_at')) }}
        || ' h before the pull request merged: its deploy stage is left out of change_lead_time'
            as detail
    from changes
    where {{ kpibridge.is_negative_span('merged_at', 'deployed_at') }}
),

-- a redeploy of the previous production sha is expected to ship nothing
deployments_without_changes as (
    select
        'deployment_without_commits' as check_name,
        'deployment' as entity,
        deployment_key as entity_id,
        team_key,
        'warning' as severity,
        repo || ': successful production deployment of ' || left(sha, 12)
        || ' ships no merged pull request (no compare data and no merge before it):'
        || ' it counts in deployment_frequency but adds nothing to change_lead_time' as detail
    from deployments
    where is_successful_production
        and changes_shipped = 0
        and not is_first_of_repo
        and sha is distinct from previous_sha
),

final as (
    select * from negative_spans
    union all
    select * from deployed_before_merge
    union all
    select * from deployments_without_changes
)

select * from final
