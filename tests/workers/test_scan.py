"""The scan through the real store (SQLite and PostgreSQL), with the test clock passed in: which
reminders it schedules, for whom, in which language; never twice, never for what is settled."""

from __future__ import annotations

from datetime import UTC, date, datetime

from consortium.milestones import Decision
from tests.workers.support import (
    FUNDER_ACCOUNT,
    LEAD_CONTACT,
    PARTNER_CONTACT,
    PM,
    SECOND_PM,
    TODAY,
    RecordingMailer,
    World,
    days,
    deliver_all,
)

EVERYONE_REMINDED = {LEAD_CONTACT, PM, SECOND_PM}
MANAGERS = {PM, SECOND_PM}


def recipients(world: World, due: date, kind: str, step: int) -> set[str]:
    return {r for (d, k, s, r) in world.scheduled() if (d, k, s) == (due, kind, step)}


# -- when ----------------------------------------------------------------------------------------


def test_nothing_is_scheduled_before_the_first_reminder_day(world: World) -> None:
    world.plan(TODAY + days(15))

    assert world.scan() == []
    assert world.reminders() == []


def test_the_14_day_reminder_is_scheduled_14_days_before(world: World) -> None:
    due = TODAY + days(14)
    world.plan(due)

    found = world.scan()

    assert recipients(world, due, "reminder", 14) == EVERYONE_REMINDED
    assert {d.key for d in found} == {r.key for r in world.reminders()}


def test_scanning_twice_schedules_each_reminder_once(world: World) -> None:
    world.plan(TODAY + days(3))
    first = world.scan()

    second = world.scan()

    assert len(first) == len(EVERYONE_REMINDED)
    assert second == []
    assert len(world.reminders()) == len(EVERYONE_REMINDED)


def test_each_reminder_day_brings_its_own_reminder(world: World) -> None:
    due = TODAY + days(14)
    world.plan(due)
    for day in (due - days(14), due - days(10), due - days(3), due - days(1), due):
        world.go_to(day)
        world.scan()

    assert {(k, s) for (_, k, s, _) in world.scheduled()} == {
        ("reminder", 14),
        ("reminder", 3),
        ("reminder", 0),
    }


def test_reminder_days_are_dutch_calendar_days(world: World) -> None:
    due = TODAY + days(15)
    world.plan(due)
    # 23:30 UTC on 2 March is 00:30 on 3 March in Amsterdam: 14 days before, not 15.
    world.clock.advance(datetime(2026, 3, 2, 23, 30, tzinfo=UTC) - world.clock.peek())

    world.scan()

    assert recipients(world, due, "reminder", 14) == EVERYONE_REMINDED


def test_a_consortiums_own_offsets_decide_when_it_is_reminded(world: World) -> None:
    due = TODAY + days(30)
    world.plan(due)
    world.set_policy([30, 7])

    world.scan()

    assert {(k, s) for (_, k, s, _) in world.scheduled()} == {("reminder", 30)}


def test_an_overdue_checkpoint_is_escalated_once_per_week(world: World) -> None:
    due = TODAY + days(1)
    world.plan(due)
    for day in (due + days(1), due + days(4), due + days(7), due + days(8), due + days(9)):
        world.go_to(day)
        world.scan()

    escalations = {s for (_, k, s, _) in world.scheduled() if k == "escalation"}
    assert escalations == {0, 1}


# -- what gets none ------------------------------------------------------------------------------


def test_a_checkpoint_replanned_to_a_later_date_gets_its_reminders_anew(world: World) -> None:
    first_due = TODAY + days(10)
    milestone_id = world.plan(first_due)
    deliver_all(world, world.scan(), RecordingMailer())  # the 14-day reminder, first date
    new_due = TODAY + days(40)
    world.replan(milestone_id, new_due)

    world.go_to(new_due - days(20))
    quiet = world.scan()
    world.go_to(new_due - days(14))
    anew = world.scan()

    assert quiet == []
    assert len(anew) == len(EVERYONE_REMINDED)
    assert recipients(world, new_due, "reminder", 14) == EVERYONE_REMINDED
    assert recipients(world, first_due, "reminder", 14) == EVERYONE_REMINDED


def test_an_evaluated_checkpoint_gets_no_reminders(world: World) -> None:
    milestone_id = world.plan(TODAY + days(3))
    world.evaluate(milestone_id, Decision.GO)

    assert world.scan() == []
    world.go_to(TODAY + days(10))  # it would be overdue had it not been evaluated
    assert world.scan() == []
    assert world.reminders() == []


def test_a_stopped_consortium_gets_no_reminders(world: World) -> None:
    world.plan(TODAY + days(3))
    world.stop()

    assert world.scan() == []
    world.go_to(TODAY + days(10))
    assert world.scan() == []
    assert world.reminders() == []


# -- to whom -------------------------------------------------------------------------------------


def test_reminders_go_to_the_responsible_members_and_the_programme_managers(
    world: World,
) -> None:
    due = TODAY + days(3)
    world.plan(due, responsible=[world.lead_id])

    world.scan()

    assert recipients(world, due, "reminder", 3) == {LEAD_CONTACT, PM, SECOND_PM}
    assert PARTNER_CONTACT not in recipients(world, due, "reminder", 3)
    assert FUNDER_ACCOUNT not in recipients(world, due, "reminder", 3)


def test_every_responsible_member_is_reminded(world: World) -> None:
    due = TODAY + days(3)
    world.plan(due, responsible=[world.lead_id, world.partner_id])

    world.scan()

    assert recipients(world, due, "reminder", 3) == {LEAD_CONTACT, PARTNER_CONTACT, PM, SECOND_PM}


def test_a_member_that_left_is_no_longer_reminded(world: World) -> None:
    due = TODAY + days(3)
    world.plan(due, responsible=[world.lead_id, world.partner_id])
    world.store.consortia.member_leaves(
        world.consortium_id, world.partner_id, reason=None, caller=world.caller
    )

    world.scan()

    assert recipients(world, due, "reminder", 3) == EVERYONE_REMINDED


def test_escalations_go_to_the_programme_managers(world: World) -> None:
    due = TODAY + days(1)
    world.plan(due)
    world.go_to(due + days(1))

    world.scan()

    assert recipients(world, due, "escalation", 0) == MANAGERS


def test_escalations_go_to_funders_too_when_the_consortium_says_so(world: World) -> None:
    due = TODAY + days(1)
    world.plan(due)
    world.set_policy([14, 3, 0], escalate_to_funders=True)
    world.go_to(due + days(1))

    world.scan()

    assert recipients(world, due, "escalation", 0) == MANAGERS | {FUNDER_ACCOUNT}


# -- in which language ---------------------------------------------------------------------------


def test_the_language_of_a_recipients_account_is_recorded_with_the_reminder(world: World) -> None:
    world.plan(TODAY + days(3))

    world.scan()

    languages = {r.recipient: r.language for r in world.reminders()}
    assert languages == {LEAD_CONTACT: "nl", SECOND_PM: "nl", PM: "en"}


def test_the_subject_is_dutch_by_default_and_english_for_an_english_account(
    world: World,
) -> None:
    world.plan(TODAY + days(3))
    mailer = RecordingMailer()

    deliver_all(world, world.scan(), mailer)

    subjects = {str(m["To"]): str(m["Subject"]) for m in mailer.sent}
    assert subjects == {
        LEAD_CONTACT: "Over 3 dagen: validatiemoment Pilot in twee wijken",
        SECOND_PM: "Over 3 dagen: validatiemoment Pilot in twee wijken",
        PM: "In 3 days: validation checkpoint Pilot in twee wijken",
    }


def test_the_subject_of_the_reminder_of_the_day_says_today(world: World) -> None:
    world.plan(TODAY)
    mailer = RecordingMailer()

    deliver_all(world, world.scan(), mailer)

    assert {str(m["Subject"]) for m in mailer.sent} == {
        "Vandaag: validatiemoment Pilot in twee wijken",
        "Today: validation checkpoint Pilot in twee wijken",
    }


def test_the_subject_of_an_escalation_says_since_when_it_is_overdue(world: World) -> None:
    due = TODAY + days(1)
    world.plan(due)
    world.go_to(due + days(2))
    mailer = RecordingMailer()

    deliver_all(world, world.scan(), mailer)

    assert {str(m["Subject"]) for m in mailer.sent} == {
        "Verlopen: validatiemoment Pilot in twee wijken (sinds 03-03-2026)",
        "Overdue: validation checkpoint Pilot in twee wijken (since 03-03-2026)",
    }


def test_a_reminder_sent_late_names_the_days_actually_left(world: World) -> None:
    due = TODAY + days(10)  # the service was down on the 14-day reminder's day
    world.plan(due)
    mailer = RecordingMailer()

    deliver_all(world, world.scan(), mailer)

    assert {str(m["Subject"]) for m in mailer.to(LEAD_CONTACT)} == {
        "Over 10 dagen: validatiemoment Pilot in twee wijken"
    }
