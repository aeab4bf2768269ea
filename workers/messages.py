"""The reminder mail: Dutch by default, English for those who chose it; plain text and HTML,
with the checkpoint's questions and a link to the milestone on its consortium's page (where the
reader logs in with e-mail address and password). A webhook's payload, for machines, carries the
milestone's API address instead."""

from __future__ import annotations

import hashlib
import html
import os
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from typing import Final

from consortium.aggregate import Consortium
from consortium.cause import AMSTERDAM
from consortium.milestones import Milestone
from consortium.reminders import Reminder

FROM_DEFAULT: Final = "Consortium <noreply@consortium.localhost>"

DUTCH_QUESTIONS: Final = {
    "works": "Werkt de oplossing echt?",
    "next_step": "Kunnen we de volgende stap zetten?",
    "infrastructure": "Is de gedeelde infrastructuur op orde?",
}

TEXT: Final = {
    "nl": {
        "reminder_0": "Vandaag: validatiemoment {title}",
        "reminder": "Over {days} dagen: validatiemoment {title}",
        "escalation": "Verlopen: validatiemoment {title} (sinds {due})",
        "intro": "Het validatiemoment '{title}' van {consortium} staat op {due}.",
        "intro_escalation": "Het validatiemoment '{title}' van {consortium} stond op {due} "
        "en is nog niet geëvalueerd.",
        "questions": "De vragen:",
        "link": "Bekijk en evalueer:",
        "token": "De link opent de pagina van het samenwerkingsverband: log in met uw "
        "e-mailadres en wachtwoord. Programmatuur leest hetzelfde via de API ({docs}).",
        "footer": "U ontvangt dit bericht omdat u bij dit samenwerkingsverband betrokken bent.",
    },
    "en": {
        "reminder_0": "Today: validation checkpoint {title}",
        "reminder": "In {days} days: validation checkpoint {title}",
        "escalation": "Overdue: validation checkpoint {title} (since {due})",
        "intro": "The validation checkpoint '{title}' of {consortium} is due on {due}.",
        "intro_escalation": "The validation checkpoint '{title}' of {consortium} was due on "
        "{due} and has not been evaluated yet.",
        "questions": "The questions:",
        "link": "View and evaluate:",
        "token": "The link opens the consortium's page: log in with your e-mail address and "
        "password. Software reads the same through the API ({docs}).",
        "footer": "You receive this message because you take part in this consortium.",
    },
}


def message_id(key: str) -> str:
    """The same reminder always has the same Message-ID (receivers drop duplicates by it)."""
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:40]}@consortium>"


def compose(
    consortium: Consortium, milestone: Milestone, reminder: Reminder, base_url: str, at: datetime
) -> EmailMessage:
    """The mail for a reminder, sent ``at`` that instant (its Date; a late reminder counts the
    days left then)."""
    language = reminder.language if reminder.language in TEXT else "nl"
    words = TEXT[language]
    sent = at.astimezone(AMSTERDAM)
    days_left = (reminder.due_date - sent.date()).days
    values = {
        "title": milestone.title,
        "consortium": consortium.name,
        "due": reminder.due_date.strftime("%d-%m-%Y"),
        "days": days_left,
        "docs": f"{base_url}/api/docs",
    }
    if reminder.kind == "escalation":
        subject, intro = words["escalation"], words["intro_escalation"]
    else:
        subject = words["reminder_0"] if days_left <= 0 else words["reminder"]
        intro = words["intro"]
    questions = [
        DUTCH_QUESTIONS.get(q.key, q.text) if language == "nl" else q.text
        for q in milestone.questions
    ]
    # The milestone on its consortium's page (programme managers find "Evaluate" there).
    link = f"{base_url}/consortia/{consortium.id}#milestone-{milestone.id}"

    message = EmailMessage()
    message["Subject"] = subject.format(**values)
    message["From"] = os.environ.get("CONSORTIUM_MAIL_FROM", FROM_DEFAULT)
    message["To"] = formataddr(("", reminder.recipient))
    message["Date"] = format_datetime(sent)
    message["Message-ID"] = message_id(reminder.key)
    message["Content-Language"] = language
    token = words["token"].format(**values)
    plain = [intro.format(**values), "", words["questions"]]
    plain += [f"- {q}" for q in questions]
    plain += ["", f"{words['link']} {link}", token, "", words["footer"]]
    message.set_content("\n".join(plain))
    items = "".join(f"<li>{html.escape(q)}</li>" for q in questions)
    message.add_alternative(
        f"<p>{html.escape(intro.format(**values))}</p>"
        f"<p>{html.escape(words['questions'])}</p><ul>{items}</ul>"
        f'<p><a href="{html.escape(link)}">{html.escape(words["link"])}</a></p>'
        f"<p><small>{html.escape(token)}</small></p>"
        f"<p><small>{html.escape(words['footer'])}</small></p>",
        subtype="html",
    )
    return message


def webhook_payload(
    consortium: Consortium, milestone: Milestone, reminder: Reminder, base_url: str
) -> dict[str, object]:
    """What a webhook receives: the facts of the reminder, in English field names."""
    return {
        "type": f"checkpoint.{reminder.kind}",
        "consortium": {"id": str(consortium.id), "name": consortium.name},
        "milestone": {
            "id": str(milestone.id),
            "title": milestone.title,
            "due_date": reminder.due_date.isoformat(),
            "questions": [{"key": q.key, "text": q.text} for q in milestone.questions],
            "url": f"{base_url}/api/v1/consortia/{consortium.id}/milestones/{milestone.id}",
        },
        "step": reminder.step,
        "reminder": reminder.key,
    }
