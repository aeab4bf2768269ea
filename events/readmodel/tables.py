"""The read model's tables, in SQL that SQLite and PostgreSQL both accept.

``{t}`` is the table prefix: empty on SQLite, the quoted schema on PostgreSQL. Money is kept in
whole cents (integers), so sums in SQL are exact; instants as ISO 8601 text in UTC, dates as
ISO text, so that text order is time order.
"""

from __future__ import annotations

from typing import Final

TABLES: Final = (
    "rm_consortia",
    "rm_members",
    "rm_access",
    "rm_pledges",
    "rm_contributions",
    "rm_checkpoints",
    "rm_reminders",
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
        committed_cents BIGINT NOT NULL DEFAULT 0,
        received_cash_cents BIGINT NOT NULL DEFAULT 0,
        received_in_kind_cents BIGINT NOT NULL DEFAULT 0,
        spent_cents BIGINT NOT NULL DEFAULT 0,
        next_checkpoint TEXT,
        reminder_offsets TEXT NOT NULL DEFAULT '14,3,0',
        escalate_to_funders INTEGER NOT NULL DEFAULT 0,
        webhook INTEGER NOT NULL DEFAULT 0
    )""",
    "CREATE INDEX IF NOT EXISTS rm_consortia_position ON {t}rm_consortia (position)",
    "CREATE INDEX IF NOT EXISTS rm_consortia_name ON {t}rm_consortia (name, position)",
    "CREATE INDEX IF NOT EXISTS rm_consortia_updated ON {t}rm_consortia (updated_at, position)",
    """CREATE INDEX IF NOT EXISTS rm_consortia_next_checkpoint
       ON {t}rm_consortia ((COALESCE(next_checkpoint, '9999-12-31')), position)""",
    """CREATE TABLE IF NOT EXISTS {t}rm_members (
        member_id TEXT PRIMARY KEY,
        consortium_id TEXT NOT NULL,
        party TEXT NOT NULL,
        party_key TEXT NOT NULL,
        sector TEXT NOT NULL,
        role TEXT NOT NULL,
        contact_email TEXT,
        active INTEGER NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS rm_members_consortium ON {t}rm_members (consortium_id)",
    "CREATE INDEX IF NOT EXISTS rm_members_party ON {t}rm_members (party_key)",
    """CREATE TABLE IF NOT EXISTS {t}rm_access (
        grant_id TEXT PRIMARY KEY,
        consortium_id TEXT NOT NULL,
        account TEXT NOT NULL,
        role TEXT NOT NULL,
        member_id TEXT,
        active INTEGER NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS rm_access_account ON {t}rm_access (account, consortium_id)",
    """CREATE TABLE IF NOT EXISTS {t}rm_pledges (
        consortium_id TEXT NOT NULL,
        member_id TEXT NOT NULL,
        year INTEGER NOT NULL,
        cents BIGINT NOT NULL,
        PRIMARY KEY (consortium_id, member_id, year)
    )""",
    """CREATE TABLE IF NOT EXISTS {t}rm_contributions (
        contribution_id TEXT PRIMARY KEY,
        consortium_id TEXT NOT NULL,
        member_id TEXT NOT NULL,
        year INTEGER NOT NULL,
        kind TEXT NOT NULL,
        cents BIGINT NOT NULL,
        reversed INTEGER NOT NULL DEFAULT 0
    )""",
    "CREATE INDEX IF NOT EXISTS rm_contributions_member ON {t}rm_contributions (member_id)",
    """CREATE INDEX IF NOT EXISTS rm_pledges_member ON {t}rm_pledges (member_id)""",
    """CREATE TABLE IF NOT EXISTS {t}rm_checkpoints (
        milestone_id TEXT PRIMARY KEY,
        consortium_id TEXT NOT NULL,
        title TEXT NOT NULL,
        due_date TEXT NOT NULL,
        is_open INTEGER NOT NULL,
        decision TEXT,
        questions TEXT NOT NULL,
        responsible TEXT NOT NULL,
        replans INTEGER NOT NULL DEFAULT 0
    )""",
    "CREATE INDEX IF NOT EXISTS rm_checkpoints_due ON {t}rm_checkpoints (is_open, due_date)",
    "CREATE INDEX IF NOT EXISTS rm_checkpoints_consortium ON {t}rm_checkpoints (consortium_id)",
    """CREATE TABLE IF NOT EXISTS {t}rm_reminders (
        reminder_key TEXT PRIMARY KEY,
        consortium_id TEXT NOT NULL,
        milestone_id TEXT NOT NULL,
        due_date TEXT NOT NULL,
        scheduled_at TEXT NOT NULL,
        settled INTEGER NOT NULL DEFAULT 0
    )""",
    "CREATE INDEX IF NOT EXISTS rm_reminders_pending ON {t}rm_reminders (settled, scheduled_at)",
)

# Events the read model could not apply. The tracked position moved past each of them (in the
# transaction that recorded it), so nothing waits for them; `consortium projections retry`
# applies them again after a fix, and a rebuild starts afresh. Kept apart from TABLES: these
# rows are the follower's notes about the rows, not rows of a consortium.
FAILURES: Final = "rm_failures"

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
