-- One row per merged pull request of a team with its pseudonymised author: what the semantic
-- layer counts distinct active authors on (merge_request_rate). Not published: like the
-- intermediate layer it stays in the warehouse, out of the marts file and the export.
with

changes as (
    select * from {{ ref('int_changes_shipped') }}
),

final as (
    select
        change_key,
        team_key,
        merged_at,
        author_key
    from changes
    where team_key is not null
)

select * from final
