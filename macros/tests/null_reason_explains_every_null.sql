{#- A NULL value always says why, and a present value never carries a reason. -#}
{% test null_reason_explains_every_null(model, column_name, value_column='value') %}
select
    {{ value_column }} as checked_value,
    {{ column_name }} as checked_reason
from {{ model }}
where ({{ value_column }} is null) != ({{ column_name }} is not null)
{% endtest %}
