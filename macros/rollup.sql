{#- The rows of `relation` once for their own team and once more for the organisation: every
    organisation KPI is recomputed from all teams' events, never averaged over teams.
    `columns` are the columns besides team_key, in the order the caller selects them. -#}
{% macro with_organisation(relation, columns) -%}
    select
        team_key,
        {{ columns | join(', ') }}
    from {{ relation }}
    union all
    select
        'organisation' as team_key,
        {{ columns | join(', ') }}
    from {{ relation }}
{%- endmacro %}
