{#- The materialization of a model built incrementally where `kpibridge build` guards it: on
    DuckDB and PostgreSQL, whose builds record a fingerprint of code, seeds and vars in the
    warehouse (on the server) and run --full-refresh when it changed (ingestion/build.py).
    Elsewhere a plain table: Spark's parquet tables cannot be deleted from (docs/scaling.md,
    "Incremental models"). -#}
{% macro incremental_where_guarded() -%}
    {{ return(adapter.dispatch('incremental_where_guarded', 'kpibridge')()) }}
{%- endmacro %}

{% macro default__incremental_where_guarded() -%}
    {{ return('table') }}
{%- endmacro %}

{% macro duckdb__incremental_where_guarded() -%}
    {{ return('incremental') }}
{%- endmacro %}

{% macro postgres__incremental_where_guarded() -%}
    {{ return('incremental') }}
{%- endmacro %}

{#- Post-hook of an entity-keyed incremental model: delete + insert replaces the entities that
    arrived again, but an entity gone from the source (a full-refresh ingest that no longer
    finds it) must leave too, as a full build would drop it. -#}
{% macro delete_vanished(key_column, entities) -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where not exists (
            select 1 from {{ entities }} as entities
            where entities.{{ key_column }} = {{ this }}.{{ key_column }}
        )
    {%- endif -%}
{%- endmacro %}

{#- Body of a CTE, in an incremental run only: the entities (key_column) with a row in any of
    `relations` (CTEs with a dlt_load_id column) from a load after the newest source_load_id
    the model already holds. dlt load ids are epoch seconds as text of a fixed width, so text
    order is load order. -#}
{% macro keys_loaded_since_built(key_column, relations) -%}
    {%- for relation in relations -%}
    {%- if not loop.first %}
    union
    {% endif -%}
    select {{ relation }}.{{ key_column }}
    from {{ relation }}
    where {{ relation }}.dlt_load_id > (
        select coalesce(max(built.source_load_id), '') from {{ this }} as built
    )
    {%- endfor -%}
{%- endmacro %}

{#- In an incremental run, keeps the rows of the entities in the CTE `changed` (the body of a
    where clause, or nothing in a full build). -#}
{% macro where_changed(key_column, changed) -%}
    {%- if is_incremental() -%}
        where {{ key_column }} in (select {{ changed }}.{{ key_column }} from {{ changed }})
    {%- endif -%}
{%- endmacro %}

{#- on-run-start: a dbt run may rewrite incremental rows with other code or vars (a `dbt build`
    by hand), so it forgets the last complete build's fingerprint and the next `kpibridge build`
    recomputes in full; `kpibridge build` stores its own once its build completes. -#}
{% macro forget_build_fingerprint() -%}
    {{ return(adapter.dispatch('forget_build_fingerprint', 'kpibridge')()) }}
{%- endmacro %}

{% macro default__forget_build_fingerprint() -%}
{%- endmacro %}

{% macro duckdb__forget_build_fingerprint() -%}
    {{ kpibridge.clear_build_fingerprint() }}
{%- endmacro %}

{% macro postgres__forget_build_fingerprint() -%}
    {{ kpibridge.clear_build_fingerprint() }}
{%- endmacro %}

{#- The same statements on DuckDB and PostgreSQL (ingestion/build_fingerprint.py keeps the
    table); Spark keeps no fingerprint. -#}
{% macro clear_build_fingerprint() -%}
    {%- if execute -%}
        {%- do run_query('create schema if not exists kpibridge_state') -%}
        {%- do run_query(
            'create table if not exists kpibridge_state.build_fingerprint '
            ~ '(fingerprint varchar not null)'
        ) -%}
        {%- do run_query('delete from kpibridge_state.build_fingerprint') -%}
    {%- endif -%}
{%- endmacro %}
