{#- Every glossary KPI and signal (rows of `model`) has at least one non-null value in
    values_model: a glossary row without SQL behind it is a broken promise to the reader.
    Attached to the glossary mart (a leaf) so a failure does not skip the other marts. -#}
{% test every_glossary_kpi_computed(model, column_name, values_model, value_column='value') %}
select glossary.{{ column_name }} as kpi_id_never_computed
from {{ model }} as glossary
where not exists (
    select 1
    from {{ values_model }} as computed
    where computed.kpi_id = glossary.{{ column_name }}
        and computed.{{ value_column }} is not null
)
{% endtest %}
