{#- Every KPI a domain model computes, with what the raw data (or seeds) must contain for it to
    have a value. kpi_values uses it to tell "no model computes this glossary KPI" from "the
    model found nothing to count", and to name what is missing when a team never gets a value;
    the kpi_ids_modelled test keeps each domain model to its list. -#}
{% macro modelled_kpis(domain=none) -%}
    {%- set by_domain = {
        'delivery': {
            'deployment_frequency': 'successful production deployments of the team repositories',
            'deployment_days_per_week': 'successful production deployments of the team repositories',
            'change_lead_time': 'merged pull requests shipped by a production deployment',
            'idea_to_production': 'Jira issue keys named by pull requests shipped to production',
            'feature_rollout_time': 'Jira issues labelled var feature_flag_label with shipped pull requests',
            'deployment_rework_rate': 'production deployments shipping merged pull requests',
            'escaped_defect_rate': 'production deployments and Jira defects labelled var found_in_production_labels',
            'defect_density': 'merged pull requests naming Jira defects',
            'review_coverage': 'merged pull requests',
            'approved_without_rework': 'merged pull requests with a peer review',
            'merge_request_rate': 'merged pull requests',
            'pr_size': 'merged pull requests',
            'pr_review_time': 'merged pull requests',
            'pr_abandon_rate': 'closed pull requests of the team repositories',
            'automation_coverage': 'successful production deployments',
            'code_coverage': 'commit statuses with context var coverage_status_context on deployed commits',
        },
        'reliability': {
            'change_failure_rate': 'successful production deployments and a mapped PagerDuty service',
            'failed_deployment_recovery_time': 'production deployments linked to resolved PagerDuty incidents',
            'mttr': 'resolved PagerDuty incidents of the team services',
            'mtta': 'acknowledged PagerDuty incidents of the team services',
            'mttd': 'PagerDuty incidents linked to a production deployment',
            'incident_count': 'PagerDuty services mapped in service_catalog',
            'availability': 'PagerDuty services mapped in service_catalog',
            'downtime_cost': 'PagerDuty services mapped in service_catalog',
        },
        'planning': {
            'jira_cycle_time': 'Jira issues moved through an active stage to done (jira_status_stages)',
            'throughput': 'Jira issues moved to a done stage (jira_status_stages)',
            'flow_efficiency': 'Jira issues moved through an active stage to done (jira_status_stages)',
            'wip': 'Jira issues in an active stage (jira_status_stages)',
            'bug_recurrence_rate': 'resolved Jira defects (work_categories)',
            'tech_debt_remediation_rate': 'Jira issues in the tech_debt category (work_categories labels)',
            'innovation_time': 'done Jira issues (work_categories)',
            'innovation_capacity': 'done Jira issues (work_categories)',
            'support_escalations': 'Jira issues in the support category (work_categories)',
            'defect_classification': 'Jira defects (work_categories, var bug_issue_types)',
            'priority_defects_per_person_day': 'Jira defects of var high_priority_names priority',
            'say_do_ratio': 'Jira sprints of the team boards with their issues',
            'sprint_scope_added': 'Jira sprints of the team boards with their issues',
            'on_time_delivery': 'released Jira fix versions with a release date',
            'delay_of_requirements': 'done requirement issues with a due date or a released fix version',
            'change_requests_after_deadline': 'Jira fix versions with a start date and issues added to them',
        },
        'business': {
            'infra_cost_per_transaction': 'infra_cost and transactions rows in seed business_outcomes',
        },
    } -%}
    {%- if domain is none -%}
        {%- set all_kpis = {} -%}
        {%- for kpis in by_domain.values() -%}
            {%- do all_kpis.update(kpis) -%}
        {%- endfor -%}
        {{ return(all_kpis) }}
    {%- endif -%}
    {{ return(by_domain[domain]) }}
{%- endmacro %}

{#- The domains of the KPI models int_kpi_values__<domain>. -#}
{% macro kpi_domains() -%}
    {{ return(['delivery', 'reliability', 'planning', 'business']) }}
{%- endmacro %}
