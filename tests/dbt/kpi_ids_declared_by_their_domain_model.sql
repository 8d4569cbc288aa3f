-- Every KPI a domain model int_kpi_values__<domain> computes has that domain in the glossary's
-- computed_by column, and every computed_by names a domain model: kpi_values reads the column
-- to tell "no model computes this KPI" from "the data gave the model nothing to count", so a
-- KPI added to a model without it, a misspelt domain or a missing data_needed fails here.
with

glossary as (
    select * from {{ ref('kpi_glossary') }}
),

computed as (
    {% for domain in kpibridge.kpi_domains() %}
        select distinct
            '{{ domain }}' as domain_name,
            kpi_id
        from {{ ref('int_kpi_values__' ~ domain) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

declared as (
    select
        computed_by as domain_name,
        kpi_id
    from glossary
    where computed_by is not null
),

undeclared as (
    select
        computed.domain_name,
        computed.kpi_id,
        'computed by the model, not declared in the glossary' as problem
    from computed
    left join declared
        on computed.domain_name = declared.domain_name
        and computed.kpi_id = declared.kpi_id
    where declared.kpi_id is null
),

unknown_domains as (
    select
        domain_name,
        kpi_id,
        'computed_by names no int_kpi_values__ model' as problem
    from declared
    where domain_name not in (
        {%- for domain in kpibridge.kpi_domains() %}'{{ domain }}'{% if not loop.last %}, {% endif %}{% endfor -%}
    )
),

-- kpi_values names data_needed to a team that never gets a value: a computed KPI needs one
without_data_needed as (
    select
        computed_by as domain_name,
        kpi_id,
        'computed_by is set but data_needed is empty' as problem
    from glossary
    where computed_by is not null and data_needed is null
),

final as (
    select * from undeclared
    union all
    select * from unknown_domains
    union all
    select * from without_data_needed
)

select * from final
