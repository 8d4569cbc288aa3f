{#- changes of these fields hold people: account ids are pseudonymised, display names dropped -#}
{%- set person_fields = ['assignee', 'reporter', 'creator'] -%}
with

items as (
    select * from {{ kpibridge.declared_source('raw_jira', 'issue_changelogs__items') }}
),

changelogs as (
    select * from {{ kpibridge.declared_source('raw_jira', 'issue_changelogs') }}
),

joined as (
    select
        cast(changelogs.id as {{ dbt.type_string() }}) as changelog_id,
        cast(items._dlt_list_idx as bigint) as item_position,
        cast(changelogs.issue_id as {{ dbt.type_string() }}) as issue_id,
        cast(changelogs.issue_key as {{ dbt.type_string() }}) as issue_key,
        {{ kpibridge.pseudonymise('changelogs.author__account_id') }} as author_key,
        {{ kpibridge.to_utc('changelogs.created') }} as changed_at,
        cast(items.field as {{ dbt.type_string() }}) as field,
        cast(items.field_id as {{ dbt.type_string() }}) as field_id,
        cast(items.fieldtype as {{ dbt.type_string() }}) as field_type,
        lower(coalesce(items.field_id, items.field)) in ({{ kpibridge.sql_list(person_fields) }})
            as is_person_field,
        items.{{ adapter.quote('from') }} as raw_from,
        items.{{ adapter.quote('to') }} as raw_to,
        items.from_string as raw_from_string,
        items.to_string as raw_to_string,
        cast(changelogs._dlt_load_id as {{ dbt.type_string() }}) as dlt_load_id
    from items
    inner join changelogs
        on items._dlt_parent_id = changelogs._dlt_id
),

final as (
    select
        {{ dbt.concat([
            'changelog_id', "'-'", 'cast(item_position as ' ~ dbt.type_string() ~ ')'
        ]) }} as changelog_item_id,
        changelog_id,
        item_position,
        issue_id,
        issue_key,
        author_key,
        changed_at,
        field,
        field_id,
        field_type,
        is_person_field,
        case
            when is_person_field then {{ kpibridge.pseudonymise('raw_from') }}
            else cast(raw_from as {{ dbt.type_string() }})
        end as from_value,
        case
            when is_person_field then null
            else cast(raw_from_string as {{ dbt.type_string() }})
        end as from_string,
        case
            when is_person_field then {{ kpibridge.pseudonymise('raw_to') }}
            else cast(raw_to as {{ dbt.type_string() }})
        end as to_value,
        case
            when is_person_field then null
            else cast(raw_to_string as {{ dbt.type_string() }})
        end as to_string,
        dlt_load_id
    from joined
)

select * from final
