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

{#- on-run-start: a `dbt` run by hand refuses the committed demo salt the way `kpibridge build`
    does, so no real build publishes pseudonyms anyone can recompute from a known login. -#}
{% macro refuse_demo_salt() -%}
    {#- parsing renders hooks too (dbt parse, mf, the sqlfluff templater): refuse only when run -#}
    {#- an empty salt ($KPIBRIDGE_SALT set to '') would publish plain md5(id) -#}
    {%- set salt = var('pseudonymisation_salt') | string | trim -%}
    {%- set demo_salt = salt in ('kpibridge-demo-salt', '') -%}
    {%- if execute and demo_salt and not var('allow_demo_salt') -%}
        {{ exceptions.raise_compiler_error(
            "var pseudonymisation_salt is the committed demo salt (dbt_project.yml): anyone who "
            ~ "knows a login could recompute its pseudonym. Set your own long random secret: "
            ~ "`export KPIBRIDGE_SALT=\"$(openssl rand -hex 32)\"` (read by dbt_project.yml), or "
            ~ "`--vars '{\"pseudonymisation_salt\": \"...\"}'`; on simulated data pass "
            ~ "`--vars '{\"allow_demo_salt\": true}'`. Keep the salt: a new one changes every "
            ~ "pseudonym."
        ) }}
    {%- endif -%}
{%- endmacro %}
