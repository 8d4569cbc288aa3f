{#- optional payload fields: dlt only creates a column once a value was seen -#}
{%- set issue_columns = [] -%}
{%- if execute -%}
    {%- set issue_columns = adapter.get_columns_in_relation(source('raw_jira', 'issues'))
        | map(attribute='name') | map('lower') | list -%}
{%- endif -%}
{%- set story_points_column = 'fields__' ~ var('jira_story_points_field') -%}
with

source as (
    select * from {{ kpibridge.declared_source('raw_jira', 'issues') }}
),

renamed as (
    select
        cast(id as {{ dbt.type_string() }}) as issue_id,
        cast(key as {{ dbt.type_string() }}) as issue_key,
        cast(self as {{ dbt.type_string() }}) as api_url,
        cast(fields__project__id as {{ dbt.type_string() }}) as project_id,
        cast(fields__project__key as {{ dbt.type_string() }}) as project_key,
        cast(fields__issuetype__id as {{ dbt.type_string() }}) as issue_type_id,
        cast(fields__issuetype__name as {{ dbt.type_string() }}) as issue_type,
        cast(fields__issuetype__subtask as boolean) as is_subtask,
        cast(fields__status__id as {{ dbt.type_string() }}) as status_id,
        cast(fields__status__name as {{ dbt.type_string() }}) as status_name,
        cast(
            {{ kpibridge.json_text('fields__status__status_category', 'key') }}
            as {{ dbt.type_string() }}
        )
            as status_category,
        cast(fields__priority__name as {{ dbt.type_string() }}) as priority_name,
        cast(fields__summary as {{ dbt.type_string() }}) as summary,  -- noqa: RF04
        {% if story_points_column in issue_columns -%}
            cast({{ story_points_column }} as double precision)
        {%- else -%}
            cast(null as double precision)
        {%- endif %} as story_points,
        {% if 'fields__parent__key' in issue_columns -%}
            cast(fields__parent__key as {{ dbt.type_string() }})
        {%- else -%}
            cast(null as {{ dbt.type_string() }})
        {%- endif %} as parent_issue_key,
        {{ kpibridge.pseudonymise('fields__assignee__account_id') }} as assignee_key,
        {{ kpibridge.pseudonymise('fields__reporter__account_id') }} as reporter_key,
        {{ kpibridge.to_utc('fields__created') }} as created_at,
        {{ kpibridge.to_utc('fields__updated') }} as updated_at,
        {{ kpibridge.to_utc('fields__resolutiondate') }} as resolved_at,
        cast(fields__duedate as date) as due_date,
        cast(_dlt_load_id as {{ dbt.type_string() }}) as dlt_load_id
    from source
)

select * from renamed
