"""Who may take the Zendesk account exports: administrators (spec §3, §7)."""
from datetime import UTC, datetime

import pytest

from events import UserUpserted
from projections import directory as directory_fold
from sinks.access import AccessPolicy, refusal
from sinks.registry import EXPORTS, get_export

SINCE = datetime(2026, 1, 1, tzinfo=UTC)
USERS = [
    UserUpserted(event_id="u1", occurred_at=SINCE, user_id=1, name="Claire", email="claire@nimbus.example", role="admin"),
    UserUpserted(event_id="u2", occurred_at=SINCE, user_id=2, name="Ana", email="ana@nimbus.example", role="agent"),
    UserUpserted(event_id="u3", occurred_at=SINCE, user_id=3, name="Rita", email="rita@client.example"),
    UserUpserted(event_id="u4", occurred_at=SINCE, user_id=4, name="Omar", email="omar@outsourcer.example",
                 role="admin"),
]
PARTS = {user.key: directory_fold.apply(directory_fold.initial(), user) for user in USERS}
CSV = get_export("zendesk-csv")
ANY_ADMIN = AccessPolicy()
NIMBUS_ADMINS = AccessPolicy(admin_domains=frozenset({"nimbus.example"}))


@pytest.mark.parametrize(
    "policy, requester, reason",
    [
        (ANY_ADMIN, "claire@nimbus.example", None),
        (ANY_ADMIN, "Claire@Nimbus.Example ", None),  # e-mails match whatever their case
        (ANY_ADMIN, "omar@outsourcer.example", None),
        (ANY_ADMIN, "ana@nimbus.example",
         "zendesk-csv: 'ana@nimbus.example' is agent, not admin; only administrators may export"),
        (ANY_ADMIN, "rita@client.example",
         "zendesk-csv: 'rita@client.example' is end-user, not admin; only administrators may export"),
        (ANY_ADMIN, "mallory@nimbus.example",
         "zendesk-csv: no user of the account has the e-mail 'mallory@nimbus.example'; "
         "only administrators may export"),
        (ANY_ADMIN, None,
         "zendesk-csv is for administrators only: say who asks with --as EMAIL (HTTP: an X-Deskstream-As header)"),
        (NIMBUS_ADMINS, "claire@nimbus.example", None),
        (NIMBUS_ADMINS, "omar@outsourcer.example",
         "zendesk-csv: administrators of 'outsourcer.example' may not export; allowed domains: nimbus.example "
         "(DESKSTREAM_EXPORT_ADMIN_DOMAINS)"),
        (AccessPolicy(exports_enabled=False), "claire@nimbus.example",
         "zendesk-csv: account exports are turned off (DESKSTREAM_EXPORTS_ENABLED=false)"),
    ],
)
def test_account_exports_are_for_administrators(policy, requester, reason):
    assert refusal(policy, CSV, requester, PARTS) == reason


@pytest.mark.parametrize("name", ["zendesk-csv", "zendesk-json", "zendesk-xml", "zendesk-users-xml"])
def test_every_zendesk_account_export_is_for_administrators(name):
    assert refusal(ANY_ADMIN, get_export(name), "ana@nimbus.example", PARTS) is not None


def test_ticket_metrics_is_open_to_anyone_as_the_api_is_even_with_account_exports_off():
    # given: §7, the account export settings "don't extend to the API"
    closed = AccessPolicy(exports_enabled=False)
    # then
    assert refusal(closed, get_export("ticket-metrics"), None, PARTS) is None


def test_only_the_zendesk_account_exports_are_restricted():
    assert sorted(n for n, e in EXPORTS.items() if getattr(e, "admins_only", False)) == [
        "zendesk-csv", "zendesk-json", "zendesk-users-xml", "zendesk-xml"]
