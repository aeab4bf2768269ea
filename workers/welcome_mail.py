"""The welcome mail of an adopter: Dutch first, with the English below it (an adopter's
officer may not have chosen a language yet); plain text. It says what was approved, where the
solution's page is, the first checkpoint and the first year the adopter shares in the costs."""

from __future__ import annotations

import os
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from typing import Final

from events.welcome_mail import WelcomeMail
from workers.messages import FROM_DEFAULT, message_id

TEXT: Final = {
    "nl": {
        "subject": "Welkom bij {consortium}",
        "intro": "De programmamanager heeft het verzoek van {party} goedgekeurd: {party} neemt "
        "de oplossing van {consortium} over en is nu deelnemer (overnemer).",
        "checkpoint": "Uw eerste validatiemoment: {title}, op {due}.",
        "share": "Vanaf {year} deelt {party} mee in de kosten; uw aandeel in {year} volgens de "
        "verdeelsleutel: {share} euro.",
        "share_later": "Vanaf {year} deelt {party} mee in de kosten volgens de verdeelsleutel.",
        "link": "Het samenwerkingsverband:",
    },
    "en": {
        "subject": "Welcome to {consortium}",
        "intro": "The programme manager approved the request of {party}: {party} adopts the "
        "solution of {consortium} and is now a member (adopter).",
        "checkpoint": "Your first validation checkpoint: {title}, on {due}.",
        "share": "From {year} {party} shares in the costs; your share in {year} by the "
        "cost-sharing key: {share} euro.",
        "share_later": "From {year} {party} shares in the costs by the cost-sharing key.",
        "link": "The consortium:",
    },
}


def welcome_message_id(mail: WelcomeMail) -> str:
    """The same welcome always has the same Message-ID (receivers drop duplicates by it)."""
    return message_id(f"welcome/{mail.request_id}")


def _paragraph(language: str, mail: WelcomeMail, link: str) -> list[str]:
    words = TEXT[language]
    values = {"party": mail.party, "consortium": mail.consortium_name}
    lines = [words["intro"].format(**values), ""]
    if mail.first_checkpoint is not None:
        title, due = mail.first_checkpoint
        day = due.strftime("%d-%m-%Y") if language == "nl" else due.isoformat()
        lines += [words["checkpoint"].format(title=title, due=day), ""]
    if mail.first_year is not None:
        if mail.first_share is not None and mail.first_share.is_positive:
            share = str(mail.first_share.amount)
            if language == "nl":
                share = share.replace(".", ",")
            text = words["share"].format(year=mail.first_year, share=share, **values)
        else:
            text = words["share_later"].format(year=mail.first_year, **values)
        lines += [text, ""]
    return [*lines, words["link"], link]


def compose(mail: WelcomeMail, base_url: str, now: datetime) -> EmailMessage:
    """The welcome mail, written at ``now``."""
    link = f"{base_url}/consortia/{mail.consortium_id}"
    message = EmailMessage()
    values = {"consortium": mail.consortium_name}
    message["Subject"] = TEXT["nl"]["subject"].format(**values)
    message["From"] = os.environ.get("CONSORTIUM_MAIL_FROM", FROM_DEFAULT)
    message["To"] = ", ".join(formataddr(("", address)) for address in mail.to)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = welcome_message_id(mail)
    message["Content-Language"] = "nl, en"
    lines = [*_paragraph("nl", mail, link), "", "-- English --", ""]
    message.set_content("\n".join([*lines, *_paragraph("en", mail, link)]))
    return message
