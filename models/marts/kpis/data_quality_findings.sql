-- Every data-quality finding in one table: negative spans, changes deployed before merge,
-- deployments without commits, unlinked high-urgency incidents, mapped entities that match
-- nothing landed, landed entities no team owns, stale sources, KPIs a team never gets. Each
-- layer exposes a dq_findings__<layer> model with the same six columns, listed in var
-- data_quality_models.
with

findings as (
    {% for findings_model in var('data_quality_models') %}
        select
            cast(check_name as {{ dbt.type_string() }}) as check_name,
            cast(entity as {{ dbt.type_string() }}) as entity,
            cast(entity_id as {{ dbt.type_string() }}) as entity_id,
            cast(team_key as {{ dbt.type_string() }}) as team_key,
            cast(detail as {{ dbt.type_string() }}) as detail,
            cast(severity as {{ dbt.type_string() }}) as severity
        from {{ ref(findings_model) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select * from findings
)

select * from final
