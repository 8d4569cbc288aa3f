-- Data-quality findings of the team mapping (seeds team_sources and service_catalog against
-- the raw data): a mapped repository, Jira project or board, or PagerDuty service that matches
-- nothing landed (its team's KPIs silently lose that source), and landed repositories, projects
-- and services no team owns (their events count for no team). Repositories are compared with
-- kpibridge.repo_key, so `owner/name` and `name` both match.
with

team_sources as (
    select * from {{ ref('team_sources') }}
),

service_catalog as (
    select * from {{ ref('service_catalog') }}
),

repositories as (
    select * from {{ ref('stg_github__repositories') }}
),

projects as (
    select * from {{ ref('stg_jira__projects') }}
),

boards as (
    select * from {{ ref('stg_jira__boards') }}
),

services as (
    select * from {{ ref('stg_pagerduty__services') }}
),

mapped_entities as (
    select
        cast(team_key as {{ dbt.type_string() }}) as team_key,
        cast(source_system as {{ dbt.type_string() }}) as source_system,
        cast(source_kind as {{ dbt.type_string() }}) as source_kind,
        cast(source_key as {{ dbt.type_string() }}) as source_key,
        'team_sources' as seed_name
    from team_sources
    union all
    select distinct
        cast(team_key as {{ dbt.type_string() }}) as team_key,
        'pagerduty' as source_system,
        'service' as source_kind,
        cast(service_id as {{ dbt.type_string() }}) as source_key,
        'service_catalog' as seed_name
    from service_catalog
    union all
    select distinct
        cast(team_key as {{ dbt.type_string() }}) as team_key,
        'github' as source_system,
        'repo' as source_kind,
        cast(repo as {{ dbt.type_string() }}) as source_key,
        'service_catalog' as seed_name
    from service_catalog
    where repo is not null
),

-- every landed entity as (system, kind, match key, display id)
raw_entities as (
    select
        'github' as source_system,
        'repo' as source_kind,
        {{ kpibridge.repo_key('repo') }} as match_key,
        repo as entity_id,
        coalesce(is_archived, false) as is_archived
    from repositories
    union all
    select
        'jira' as source_system,
        'project' as source_kind,
        upper(project_key) as match_key,
        project_key as entity_id,
        false as is_archived
    from projects
    union all
    select
        'jira' as source_system,
        'board' as source_kind,
        cast(board_id as {{ dbt.type_string() }}) as match_key,
        cast(board_id as {{ dbt.type_string() }}) as entity_id,
        false as is_archived
    from boards
    union all
    select
        'pagerduty' as source_system,
        'service' as source_kind,
        service_id as match_key,
        service_id as entity_id,
        false as is_archived
    from services
),

mapped_keys as (
    select
        *,
        case
            when source_system = 'github' then {{ kpibridge.repo_key('source_key') }}
            when source_system = 'jira' and source_kind = 'project' then upper(source_key)
            else source_key
        end as match_key
    from mapped_entities
),

landed_kinds as (
    select distinct
        source_system,
        source_kind
    from raw_entities
),

mapped_not_found as (
    select
        'mapped_entity_not_found' as check_name,
        mapped_keys.source_system || '_' || mapped_keys.source_kind as entity,
        mapped_keys.source_key as entity_id,
        mapped_keys.team_key,
        'error' as severity,
        mapped_keys.seed_name || ' maps ' || mapped_keys.source_system || ' '
        || mapped_keys.source_kind || ' ' || mapped_keys.source_key || ' to team '
        || mapped_keys.team_key || ', but '
        || case
            when landed_kinds.source_kind is null
                then 'no ' || mapped_keys.source_system || ' ' || mapped_keys.source_kind
                    || ' was landed at all (source not ingested, or none visible to the token)'
            else 'the landed data has none with that key'
        end
        || ': fix the seed (repositories as name or owner/name, Jira project keys, board ids,'
        || ' PagerDuty service ids) or the source configuration' as detail
    from mapped_keys
    left join raw_entities
        on mapped_keys.source_system = raw_entities.source_system
        and mapped_keys.source_kind = raw_entities.source_kind
        and mapped_keys.match_key = raw_entities.match_key
    left join landed_kinds
        on mapped_keys.source_system = landed_kinds.source_system
        and mapped_keys.source_kind = landed_kinds.source_kind
    where raw_entities.match_key is null
        and mapped_keys.source_system in ('github', 'jira', 'pagerduty')
),

unowned as (
    select
        'unowned_entity' as check_name,
        raw_entities.source_system || '_' || raw_entities.source_kind as entity,
        raw_entities.entity_id,
        cast(null as {{ dbt.type_string() }}) as team_key,
        'info' as severity,
        raw_entities.source_system || ' ' || raw_entities.source_kind || ' '
        || raw_entities.entity_id || ' is landed but no team owns it: its events count for no'
        || ' team (add it to team_sources'
        || case
            when raw_entities.source_system = 'pagerduty' then ' and service_catalog' else ''
        end
        || ', or leave it out of the source configuration)' as detail
    from raw_entities
    left join mapped_keys
        on raw_entities.source_system = mapped_keys.source_system
        and raw_entities.source_kind = mapped_keys.source_kind
        and raw_entities.match_key = mapped_keys.match_key
    where mapped_keys.match_key is null
        and raw_entities.source_kind != 'board'
        and not raw_entities.is_archived
),

final as (
    select * from mapped_not_found
    union all
    select * from unowned
)

select * from final
