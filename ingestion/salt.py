"""The pseudonymisation salt: from `kpibridge build --vars`, KPIBRIDGE_SALT or .dlt/config.toml.

Staging replaces every person identifier with md5(salt || id). With the salt committed in
dbt_project.yml anyone can recompute those hashes from known logins, so a build refuses it
unless the data is the simulator's (`allow_demo_salt`, set by `kpibridge demo`, the benchmark
and the tests).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

SALT_VAR = "pseudonymisation_salt"
ALLOW_DEMO_VAR = "allow_demo_salt"
SALT_ENV = "KPIBRIDGE_SALT"
CONFIG_KEY = "kpibridge.salt"
DEMO_SALT = "kpibridge-demo-salt"


class DemoSaltRefused(ValueError):
    """A real build would pseudonymise people with the committed (public) salt."""


def salt_vars(dbt_vars: Mapping[str, object] | None) -> dict[str, object]:
    """dbt vars with the salt filled in from the environment or config, checked.

    Precedence: dbt_vars (`--vars`), $KPIBRIDGE_SALT, `[kpibridge] salt` in .dlt/config.toml
    or .dlt/secrets.toml. Raises DemoSaltRefused when none is set (or the set one is the
    committed demo salt) and dbt_vars do not allow the demo salt.
    """
    resolved = dict(dbt_vars or {})
    salt = resolved.get(SALT_VAR) or os.environ.get(SALT_ENV) or _configured_salt()
    if salt:
        resolved[SALT_VAR] = str(salt)
    if str(salt or DEMO_SALT) == DEMO_SALT and not resolved.get(ALLOW_DEMO_VAR):
        raise DemoSaltRefused(
            "no pseudonymisation salt is set: the committed demo salt would let anyone who "
            "knows a login recompute its pseudonym. Set a long random secret, e.g. "
            f'`export {SALT_ENV}="$(openssl rand -hex 32)"`, or `[kpibridge] salt = "..."` in '
            ".dlt/secrets.toml, or `kpibridge build --vars "
            f'\'{{"{SALT_VAR}": "..."}}\'`. Keep it: a new salt changes every pseudonym.'
        )
    return resolved


def _configured_salt() -> str | None:
    import dlt  # deferred: dlt reads .dlt/ config from the working directory

    value = dlt.config.get(CONFIG_KEY)
    return str(value) if value else None
