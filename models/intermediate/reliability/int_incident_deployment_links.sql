-- Each incident linked to at most one successful production deployment (catalogue "Failed
-- deployment"), rules in order:
--   1. explicit_reference: the incident title or description names the deployment's sha (a
--      hex word of 7-40 chars that is a prefix of the sha), its GitHub deployment id (a
--      numeric word) or a Jira key of a change the deployment shipped. Several candidates:
--      the latest deployed at or before the incident wins, else the nearest one after it.
--   2. time_window: the latest successful production deployment of a repo mapped to the
--      incident's service (service_catalog) deployed within var incident_link_window_hours
--      before the incident was created. No unbounded look-back.
{%- set window_hours = var('incident_link_window_hours') %}
with

incidents as (
    select * from {{ ref('int_incidents_enriched') }}
),

deployments as (
    select * from {{ ref('int_deployments_sequenced') }}
),

changes as (
    select * from {{ ref('int_changes_shipped') }}
),

service_catalog as (
    select * from {{ ref('service_catalog') }}
),

production_deployments as (
    select
        deployment_key,
        deployment_id,
        repo,
        deployed_at,
        lower(sha) as sha
    from deployments
    where is_successful_production
        and deployed_at is not null
),

incident_texts as (
    select
        incident_id,
        created_at,
        coalesce(title, '') || ' ' || coalesce(description, '') as incident_text
    from incidents
),

-- words of the text that can name a sha, a deployment id or a Jira key
text_tokens as (
    {%- set token_patterns = [
        ('hex', 'lower(incident_text)', '[0-9a-f]{7,40}'),
        ('number', 'incident_text', '[0-9]+'),
        ('jira_key', 'upper(incident_text)', '[A-Z][A-Z0-9_]*-[0-9]+'),
    ] %}
    {% for token_kind, text_expr, pattern in token_patterns %}
        select
            incident_id,
            '{{ token_kind }}' as token_kind,
            {{ kpibridge.regex_words_to_rows(text_expr, pattern) }} as token
        from incident_texts
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

sha_references as (
    select
        text_tokens.incident_id,
        production_deployments.deployment_key
    from text_tokens
    inner join production_deployments
        on left(production_deployments.sha, length(text_tokens.token)) = text_tokens.token
    where text_tokens.token_kind = 'hex'
),

id_references as (
    select
        text_tokens.incident_id,
        production_deployments.deployment_key
    from text_tokens
    inner join production_deployments
        on cast(production_deployments.deployment_id as {{ dbt.type_string() }})
        = text_tokens.token
    where text_tokens.token_kind = 'number'
),

jira_references as (
    select
        text_tokens.incident_id,
        production_deployments.deployment_key
    from text_tokens
    inner join changes
        on upper(changes.jira_issue_key) = text_tokens.token
    inner join production_deployments
        on changes.deployment_key = production_deployments.deployment_key
    where text_tokens.token_kind = 'jira_key'
),

explicit_references as (
    select
        incident_id,
        deployment_key
    from sha_references
    union
    select
        incident_id,
        deployment_key
    from id_references
    union
    select
        incident_id,
        deployment_key
    from jira_references
),

explicit_candidates as (
    select
        explicit_references.incident_id,
        explicit_references.deployment_key,
        'explicit_reference' as link_rule,
        1 as rule_order,
        case when production_deployments.deployed_at <= incident_texts.created_at then 0 else 1 end
            as candidate_order,
        abs({{ kpibridge.seconds_between(
            'production_deployments.deployed_at', 'incident_texts.created_at') }})
            as seconds_apart
    from explicit_references
    inner join incident_texts
        on explicit_references.incident_id = incident_texts.incident_id
    inner join production_deployments
        on explicit_references.deployment_key = production_deployments.deployment_key
),

service_repos as (
    select distinct
        cast(service_id as {{ dbt.type_string() }}) as service_id,
        {{ kpibridge.repo_key('cast(repo as ' ~ dbt.type_string() ~ ')') }} as repo_key
    from service_catalog
),

window_candidates as (
    select
        incidents.incident_id,
        production_deployments.deployment_key,
        'time_window' as link_rule,
        2 as rule_order,
        0 as candidate_order,
        {{ kpibridge.seconds_between(
            'production_deployments.deployed_at', 'incidents.created_at') }} as seconds_apart
    from incidents
    inner join service_repos
        on incidents.service_id = service_repos.service_id
    inner join production_deployments
        on service_repos.repo_key = {{ kpibridge.repo_key('production_deployments.repo') }}
        and incidents.created_at >= production_deployments.deployed_at
        and {{ dbt.dateadd('hour', -window_hours, 'incidents.created_at') }}
        < production_deployments.deployed_at
),

candidates as (
    select * from explicit_candidates
    union all
    select * from window_candidates
),

ranked as (
    select
        *,
        row_number() over (
            partition by incident_id
            order by rule_order, candidate_order, seconds_apart, deployment_key
        ) as candidate_rank
    from candidates
),

final as (
    select
        ranked.incident_id,
        ranked.deployment_key,
        ranked.link_rule,
        {{ kpibridge.hours_between('production_deployments.deployed_at', 'incidents.created_at') }}
            as hours_from_deploy
    from ranked
    inner join incidents
        on ranked.incident_id = incidents.incident_id
    inner join production_deployments
        on ranked.deployment_key = production_deployments.deployment_key
    where ranked.candidate_rank = 1
)

select * from final
