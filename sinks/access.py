"""Who may take an export: the rule only, no I/O.

The Zendesk account exports are for administrators (spec §3 and §7): the account can
turn them off, or keep them to administrators of some e-mail domains. These settings
"apply to the account export tools, not to the API" (§7), so an export opts in with
`admins_only = True`; `ticket-metrics`, the Ticket Metrics API's objects, does not.
"""
from collections.abc import Iterator, Mapping

import msgspec

from events.accounts import UserUpserted
from projections.directory import Directory

ADMIN = "admin"


class AccessPolicy(msgspec.Struct, frozen=True, kw_only=True):
    exports_enabled: bool = True
    # Lower-case e-mail domains whose administrators may export; empty: any administrator.
    admin_domains: frozenset[str] = frozenset()


def refusal(policy: AccessPolicy, export, requester: str | None, parts: Mapping[str, Directory]) -> str | None:
    """Why `requester` may not take `export`, in one line; None when they may.

    `parts` are the account's directory fragments (the users projection). E-mail
    addresses match whatever their case, as Zendesk's do.
    """
    if not getattr(export, "admins_only", False):
        return None
    name = export.name
    if not policy.exports_enabled:
        return f"{name}: account exports are turned off (DESKSTREAM_EXPORTS_ENABLED=false)"
    if not requester:
        return f"{name} is for administrators only: say who asks with --as EMAIL (HTTP: an X-Deskstream-As header)"
    email = requester.strip().casefold()
    roles = {user.role for user in _users(parts) if user.email and user.email.strip().casefold() == email}
    if not roles:
        return f"{name}: no user of the account has the e-mail {requester!r}; only administrators may export"
    if ADMIN not in roles:
        return f"{name}: {requester!r} is {' or '.join(sorted(roles))}, not admin; only administrators may export"
    domain = email.rpartition("@")[2]
    if policy.admin_domains and domain not in policy.admin_domains:
        allowed = ", ".join(sorted(policy.admin_domains))
        return (f"{name}: administrators of {domain!r} may not export; allowed domains: {allowed} "
                f"(DESKSTREAM_EXPORT_ADMIN_DOMAINS)")
    return None


def _users(parts: Mapping[str, Directory]) -> Iterator[UserUpserted]:
    for part in parts.values():
        yield from part.users.values()
