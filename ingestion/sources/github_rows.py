"""GitHub GraphQL nodes as rows with GitHub REST's field names (the raw tables' shape, which
the staging models read). Only what GraphQL returns is kept; nothing is made up."""

from __future__ import annotations

from typing import Any

Node = dict[str, Any]


def actor(node: Node | None) -> Node | None:
    """GraphQL's Actor; a Bot's login gets the `[bot]` suffix its REST login carries."""
    if not node:
        return None
    bot = node["__typename"] == "Bot"
    return {"login": f"{node['login']}[bot]" if bot else node["login"], "type": node["__typename"]}


def pull_request(repo: str, pr: Node, labels: list[Node]) -> Node:
    return {
        "id": int(pr["fullDatabaseId"]),
        "node_id": pr["id"],
        "html_url": pr["url"],
        "repo": repo,
        "number": pr["number"],
        "title": pr["title"],
        "body": pr["body"],
        "state": "open" if pr["state"] == "OPEN" else "closed",
        "draft": pr["isDraft"],
        "merged": pr["merged"],
        "additions": pr["additions"],
        "deletions": pr["deletions"],
        "changed_files": pr["changedFiles"],
        "commits": pr["commits"]["totalCount"],
        "created_at": pr["createdAt"],
        "updated_at": pr["updatedAt"],
        "closed_at": pr["closedAt"],
        "merged_at": pr["mergedAt"],
        "merge_commit_sha": (pr["mergeCommit"] or {}).get("oid"),
        "head": {"ref": pr["headRefName"], "sha": pr["headRefOid"]},
        "base": {"ref": pr["baseRefName"]},
        "user": actor(pr["author"]),
        "labels": [{"name": label["name"], "color": label["color"]} for label in labels],
    }


def review(node: Node) -> Node:
    return {
        "id": int(node["fullDatabaseId"]),
        "user": actor(node["author"]),
        "state": node["state"],
        "body": node["body"],
        "submitted_at": node["submittedAt"],
        "commit_id": (node["commit"] or {}).get("oid"),
    }


def pull_request_commit(commit: Node) -> Node:
    user = (commit["author"] or {}).get("user")
    return {
        "sha": commit["oid"],
        # the GitHub account of the git author (GraphQL links Users only; bots stay null)
        "author": {"login": user["login"], "type": "User"} if user else None,
        "commit": {
            "message": commit["message"],
            "author": {
                "name": (commit["author"] or {}).get("name"),
                "date": commit["authoredDate"],
            },
            "committer": {
                "name": (commit["committer"] or {}).get("name"),
                "date": commit["committedDate"],
            },
        },
    }


def deployment(repo: str, node: Node) -> Node:
    return {
        "id": node["databaseId"],
        "node_id": node["id"],
        "repo": repo,
        "sha": node["commitOid"],
        "ref": (node["ref"] or {}).get("name") or node["commitOid"],
        "task": node["task"],
        "environment": node["environment"],
        "original_environment": node["originalEnvironment"],
        "description": node["description"],
        "creator": actor(node["creator"]),
        "created_at": node["createdAt"],
        "updated_at": node["updatedAt"],
    }


def deployment_status(repo: str, dep: Node, node: Node) -> Node:
    return {
        "id": node["id"],  # GraphQL gives deployment statuses a node id only
        "repo": repo,
        "deployment_id": dep["databaseId"],
        "state": node["state"].lower(),
        "description": node["description"],
        "environment": node["environment"],
        "environment_url": node["environmentUrl"],
        "log_url": node["logUrl"],
        "creator": actor(node["creator"]),
        "created_at": node["createdAt"],
        "updated_at": node["updatedAt"],
    }


def compare(repo: str, base: str, dep: Node, commits: list[Node]) -> Node:
    """The commits a successful production deployment shipped: the default branch's history
    after the previous one's sha up to its own, oldest first (as REST's compare lists them)."""
    return {
        "repo": repo,
        "base": base,
        "head": dep["commitOid"],
        "deployment_id": dep["databaseId"],
        "status": "ahead",
        "total_commits": len(commits),
        "commits": [
            {"sha": c["oid"], "message": c["message"], "authored_at": c["authoredDate"]}
            for c in commits
        ],
    }


def commit_status(repo: str, sha: str, context: Node) -> Node:
    return {
        "id": context["id"],  # GraphQL gives status contexts a node id only
        "repo": repo,
        "sha": sha,
        "context": context["context"],
        "state": context["state"].lower(),
        "description": context["description"],
        "created_at": context["createdAt"],
    }
