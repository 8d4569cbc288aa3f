{#- The team owning each source key of one kind, from seed team_sources: the body of a CTE,
    e.g. `project_teams as ({{ kpibridge.source_teams('jira', 'project', 'project_key') }})`. -#}
{% macro source_teams(source_system, source_kind, key_column) -%}
    select
        cast(source_key as {{ dbt.type_string() }}) as {{ key_column }},
        cast(team_key as {{ dbt.type_string() }}) as team_key
    from {{ ref('team_sources') }}
    where source_system = '{{ source_system }}' and source_kind = '{{ source_kind }}'
{%- endmacro %}

{#- A repository as team_sources / service_catalog may write it (`owner/name` as GitHub shows
    it, or `name`), reduced to the key raw repository names are compared on: the name without
    the owner, lower-cased (GitHub names are case-insensitive). Apply it to both sides. -#}
{% macro repo_key(repo_expr) -%}
    lower(regexp_replace({{ repo_expr }}, '^.*/', ''))
{%- endmacro %}
