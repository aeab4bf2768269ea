"""The read model's tables, in SQL that SQLite and PostgreSQL both accept.

``{t}`` is the table prefix: the quoted schema on PostgreSQL (nothing on SQLite), followed by the
generation's prefix (see below); ``{g}`` is the generation's prefix alone, for index names; ``{s}``
the schema alone, for the tables every generation shares (``rm_active``). Money is kept in
whole cents (integers), so sums in SQL are exact; instants as ISO 8601 text in UTC, dates as
ISO text, so that text order is time order.

Two kinds of tables: lists across consortia (the portfolio, checkpoints, access) and the
records of each consortium (memberships, pledges and their revisions, contributions,
expenditures, replans, evaluations, reminders, invitations), which its aggregate does not keep.
A record carries the consortium version of the event that made it (and of the one that changed
it, such as a member leaving), so a read can show the records as they stood at any version.

``SCHEMA_VERSION`` names the shape of these tables. The tables live in *generations*: the live one
is named in ``rm_active`` (with the version it was built for), and a rebuild (or ``migrate``
when the version changed) builds the next generation beside it from the event log, then
switches ``rm_active`` over in one transaction, and drops the old generation after it.
Generation 0 has the names of before (``rm_consortia``), generation n the prefix ``gn_``
(``g1_rm_consortia``, its indexes too).
"""

from __future__ import annotations

from typing import Final

# 3: pledges by kind; 4: the financing plan; 5: party_key is party_names.party_key;
# 6: invitations; 7: the days memberships and evaluations are about; 8: financing judged at risk
# (financing_at_risk kept, and the version of the fact); 9: a member's province, and the
# version of the cost-sharing key that made a pledge; 10: a checkpoint's tranche (a consortium
# without a financing plan needs its tranches)
SCHEMA_VERSION: Final = 10

TABLES: Final = (
    "rm_consortia",
    "rm_members",
    "rm_access",
    "rm_money",
    "rm_pledges",
    "rm_needs",
    "rm_contributions",
    "rm_expenditures",
    "rm_checkpoints",
    "rm_replans",
    "rm_evaluations",
    "rm_reminders",
    "rm_invitations",
)

CREATE: Final = (
    """CREATE TABLE IF NOT EXISTS {t}rm_consortia (
        consortium_id TEXT PRIMARY KEY,
        position BIGINT NOT NULL,
        name TEXT NOT NULL,
        challenge TEXT NOT NULL,
        search TEXT NOT NULL,
        phase TEXT NOT NULL,
        founded_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        active_members INTEGER NOT NULL DEFAULT 0,
        next_checkpoint TEXT,
        reminder_offsets TEXT NOT NULL DEFAULT '14,3,0',
        escalate_to_funders INTEGER NOT NULL DEFAULT 0,
        webhook INTEGER NOT NULL DEFAULT 0,
        years_ahead INTEGER NOT NULL DEFAULT 2,
        gap_threshold_cents BIGINT NOT NULL DEFAULT 0,
        financing_at_risk INTEGER NOT NULL DEFAULT 0,
        financing_at_risk_version BIGINT
    )""",
    "CREATE INDEX IF NOT EXISTS {g}rm_consortia_position ON {t}rm_consortia (position)",
    "CREATE INDEX IF NOT EXISTS {g}rm_consortia_name ON {t}rm_consortia (name, position)",
    "CREATE INDEX IF NOT EXISTS {g}rm_consortia_updated ON {t}rm_consortia (updated_at, position)",
    """CREATE INDEX IF NOT EXISTS {g}rm_consortia_next_checkpoint
       ON {t}rm_consortia ((COALESCE(next_checkpoint, '9999-12-31')), position)""",
    """CREATE TABLE IF NOT EXISTS {t}rm_members (
        member_id TEXT PRIMARY KEY,
        consortium_id TEXT NOT NULL,
        party TEXT NOT NULL,
        party_key TEXT NOT NULL,
        sector TEXT NOT NULL,
        role TEXT NOT NULL,
        contact_email TEXT,
        population BIGINT,
        joined_at TEXT NOT NULL,
        joined_on TEXT NOT NULL,
        admitted_version BIGINT NOT NULL,
        active INTEGER NOT NULL,
        left_at TEXT,
        left_on TEXT,
        leave_reason TEXT,
        left_version BIGINT,
        province TEXT
    )""",
    """CREATE INDEX IF NOT EXISTS {g}rm_members_consortium
       ON {t}rm_members (consortium_id, admitted_version)""",
    "CREATE INDEX IF NOT EXISTS {g}rm_members_party ON {t}rm_members (party_key)",
    """CREATE TABLE IF NOT EXISTS {t}rm_access (
        grant_id TEXT PRIMARY KEY,
        consortium_id TEXT NOT NULL,
        account TEXT NOT NULL,
        role TEXT NOT NULL,
        member_id TEXT,
        active INTEGER NOT NULL,
        granted_at TEXT NOT NULL,
        granted_by TEXT NOT NULL,
        granted_version BIGINT NOT NULL,
        revoked_at TEXT,
        revoked_by TEXT,
        revoked_version BIGINT
    )""",
    "CREATE INDEX IF NOT EXISTS {g}rm_access_account ON {t}rm_access (account, consortium_id)",
    """CREATE INDEX IF NOT EXISTS {g}rm_access_consortium
       ON {t}rm_access (consortium_id, granted_version)""",
    """CREATE TABLE IF NOT EXISTS {t}rm_money (
        consortium_id TEXT NOT NULL,
        member TEXT NOT NULL,
        year INTEGER NOT NULL,
        kind TEXT NOT NULL,
        cents BIGINT NOT NULL,
        PRIMARY KEY (consortium_id, member, year, kind)
    )""",
    "CREATE INDEX IF NOT EXISTS {g}rm_money_member ON {t}rm_money (member)",
    """CREATE TABLE IF NOT EXISTS {t}rm_pledges (
        commitment_id TEXT PRIMARY KEY,
        consortium_id TEXT NOT NULL,
        member_id TEXT NOT NULL,
        year INTEGER NOT NULL,
        kind TEXT NOT NULL,
        revision INTEGER NOT NULL,
        cents BIGINT NOT NULL,
        reason TEXT,
        pledged_on TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        recorded_by TEXT NOT NULL,
        version BIGINT NOT NULL,
        key_version INTEGER
    )""",
    """CREATE INDEX IF NOT EXISTS {g}rm_pledges_consortium
       ON {t}rm_pledges (consortium_id, year, member_id, kind, revision)""",
    """CREATE TABLE IF NOT EXISTS {t}rm_needs (
        consortium_id TEXT NOT NULL,
        version BIGINT NOT NULL,
        year INTEGER NOT NULL,
        category TEXT NOT NULL,
        revision INTEGER NOT NULL,
        cents BIGINT NOT NULL,
        reason TEXT,
        recorded_at TEXT NOT NULL,
        recorded_by TEXT NOT NULL,
        PRIMARY KEY (consortium_id, version)
    )""",
    """CREATE TABLE IF NOT EXISTS {t}rm_contributions (
        contribution_id TEXT PRIMARY KEY,
        consortium_id TEXT NOT NULL,
        member_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        cents BIGINT NOT NULL,
        booked_on TEXT NOT NULL,
        year INTEGER NOT NULL,
        reference TEXT,
        hours TEXT,
        rate_cents BIGINT,
        logged_at TEXT NOT NULL,
        logged_by TEXT NOT NULL,
        version BIGINT NOT NULL,
        reversed INTEGER NOT NULL DEFAULT 0,
        reversal_reason TEXT,
        reversed_at TEXT,
        reversed_by TEXT,
        reversed_version BIGINT
    )""",
    """CREATE INDEX IF NOT EXISTS {g}rm_contributions_consortium
       ON {t}rm_contributions (consortium_id, version)""",
    """CREATE TABLE IF NOT EXISTS {t}rm_expenditures (
        expenditure_id TEXT PRIMARY KEY,
        consortium_id TEXT NOT NULL,
        cents BIGINT NOT NULL,
        spent_on TEXT NOT NULL,
        year INTEGER NOT NULL,
        description TEXT NOT NULL,
        milestone_id TEXT,
        recorded_at TEXT NOT NULL,
        recorded_by TEXT NOT NULL,
        version BIGINT NOT NULL
    )""",
    """CREATE INDEX IF NOT EXISTS {g}rm_expenditures_consortium
       ON {t}rm_expenditures (consortium_id, version)""",
    """CREATE TABLE IF NOT EXISTS {t}rm_checkpoints (
        milestone_id TEXT PRIMARY KEY,
        consortium_id TEXT NOT NULL,
        title TEXT NOT NULL,
        due_date TEXT NOT NULL,
        is_open INTEGER NOT NULL,
        decision TEXT,
        questions TEXT NOT NULL,
        responsible TEXT NOT NULL,
        replans INTEGER NOT NULL DEFAULT 0,
        tranche_cents BIGINT
    )""",
    "CREATE INDEX IF NOT EXISTS {g}rm_checkpoints_due ON {t}rm_checkpoints (is_open, due_date)",
    "CREATE INDEX IF NOT EXISTS {g}rm_checkpoints_consortium ON {t}rm_checkpoints (consortium_id)",
    """CREATE TABLE IF NOT EXISTS {t}rm_replans (
        consortium_id TEXT NOT NULL,
        milestone_id TEXT NOT NULL,
        version BIGINT NOT NULL,
        from_date TEXT NOT NULL,
        to_date TEXT NOT NULL,
        reason TEXT NOT NULL,
        replanned_at TEXT NOT NULL,
        replanned_by TEXT NOT NULL,
        PRIMARY KEY (consortium_id, version)
    )""",
    "CREATE INDEX IF NOT EXISTS {g}rm_replans_milestone ON {t}rm_replans (milestone_id, version)",
    """CREATE TABLE IF NOT EXISTS {t}rm_evaluations (
        consortium_id TEXT NOT NULL,
        milestone_id TEXT NOT NULL,
        number INTEGER NOT NULL,
        version BIGINT NOT NULL,
        answers TEXT NOT NULL,
        decision TEXT NOT NULL,
        conditions TEXT,
        new_due_date TEXT,
        clears TEXT NOT NULL,
        evaluated_at TEXT NOT NULL,
        evaluated_by TEXT NOT NULL,
        evaluated_on TEXT NOT NULL,
        PRIMARY KEY (milestone_id, number)
    )""",
    """CREATE TABLE IF NOT EXISTS {t}rm_reminders (
        reminder_key TEXT PRIMARY KEY,
        delivery_id TEXT NOT NULL,
        consortium_id TEXT NOT NULL,
        position BIGINT NOT NULL,
        milestone_id TEXT NOT NULL,
        due_date TEXT NOT NULL,
        kind TEXT NOT NULL,
        step INTEGER NOT NULL,
        recipient TEXT NOT NULL,
        language TEXT NOT NULL,
        scheduled_at TEXT NOT NULL,
        claim TEXT,
        claimed_at TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        delivered_at TEXT,
        message_id TEXT,
        last_error TEXT,
        cancelled_at TEXT,
        cancel_reason TEXT,
        settled INTEGER NOT NULL DEFAULT 0
    )""",
    "CREATE INDEX IF NOT EXISTS {g}rm_reminders_pending ON {t}rm_reminders (settled, scheduled_at)",
    "CREATE UNIQUE INDEX IF NOT EXISTS {g}rm_reminders_delivery ON {t}rm_reminders (delivery_id)",
    """CREATE INDEX IF NOT EXISTS {g}rm_reminders_consortium
       ON {t}rm_reminders (consortium_id, position)""",
    # Invitations to a role, and whether their mail went out; never their secret.
    """CREATE TABLE IF NOT EXISTS {t}rm_invitations (
        invitation_id TEXT PRIMARY KEY,
        consortium_id TEXT NOT NULL,
        position BIGINT NOT NULL,
        email TEXT NOT NULL,
        role TEXT NOT NULL,
        member_id TEXT,
        grant_id TEXT NOT NULL,
        invited_at TEXT NOT NULL,
        invited_by TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        accepted_at TEXT,
        mail_claimed_at TEXT,
        mail_attempts INTEGER NOT NULL DEFAULT 0,
        mail_sent_at TEXT,
        mail_error TEXT,
        mail_pending INTEGER NOT NULL DEFAULT 1
    )""",
    """CREATE INDEX IF NOT EXISTS {g}rm_invitations_consortium
       ON {t}rm_invitations (consortium_id, position)""",
    """CREATE INDEX IF NOT EXISTS {g}rm_invitations_mail
       ON {t}rm_invitations (mail_pending, expires_at)""",
)

# Events the read model could not apply. The tracked position moved past each of them (in the
# transaction that recorded it), so nothing waits for them; `consortium projections retry`
# applies them again after a fix, and a rebuild starts afresh. Kept apart from TABLES: these
# rows are the follower's notes about the rows, not rows of a consortium.
FAILURES: Final = "rm_failures"

ACTIVE: Final = "rm_active"

CREATE_ACTIVE: Final = (
    "CREATE TABLE IF NOT EXISTS {s}rm_active "
    "(generation INTEGER NOT NULL, version INTEGER NOT NULL)"
)


def generation_prefix(generation: int) -> str:
    """What the names of a generation's tables and indexes start with."""
    return f"g{generation}_" if generation else ""


def tracking_name(application_name: str, generation: int) -> str:
    """Under which name a generation tracks what it applied of an application."""
    return f"{application_name}@{generation}" if generation else application_name


CREATE_FAILURES: Final = (
    """CREATE TABLE IF NOT EXISTS {t}rm_failures (
        application_name TEXT NOT NULL,
        notification_id BIGINT NOT NULL,
        originator_id TEXT NOT NULL,
        originator_version BIGINT NOT NULL,
        topic TEXT NOT NULL,
        error_class TEXT NOT NULL,
        error_message TEXT NOT NULL,
        first_failed_at TEXT NOT NULL,
        last_failed_at TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        PRIMARY KEY (application_name, notification_id)
    )""",
)
