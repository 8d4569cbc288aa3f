{#- Salted md5 of a person identifier; null stays null. The salt is var pseudonymisation_salt:
    change it per organisation so hashes cannot be matched across installations. -#}
{% macro pseudonymise(column) -%}
    {{ return(adapter.dispatch('pseudonymise', 'kpibridge')(column)) }}
{%- endmacro %}

{% macro default__pseudonymise(column) -%}
    case
        when {{ column }} is null then null
        else md5('{{ var("pseudonymisation_salt") }}' || cast({{ column }} as {{ dbt.type_string() }}))
    end
{%- endmacro %}
