-- Every KPI a domain model int_kpi_values__<domain> computes is listed for that domain in macro
-- modelled_kpis: kpi_values reads that list to tell "no model computes this KPI" from "the data
-- gave the model nothing to count", so a KPI added to a model without its entry fails here.
with

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
    {% for domain in kpibridge.kpi_domains() %}
        {% for kpi_id in kpibridge.modelled_kpis(domain) %}
            select
                '{{ domain }}' as domain_name,
                '{{ kpi_id }}' as kpi_id
            {% if not loop.last %}union all{% endif %}
        {% endfor %}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select
        computed.domain_name,
        computed.kpi_id as undeclared_kpi_id
    from computed
    left join declared
        on computed.domain_name = declared.domain_name
        and computed.kpi_id = declared.kpi_id
    where declared.kpi_id is null
)

select * from final
