"""The warning that a consortium's financing is at risk: Dutch by default, English for those who
chose it; plain text and HTML, with the reasons as the fact records them (the years pledged
ahead against those the watch asks, next year's gap against its threshold) and a link to the
financing horizon on the budget page. A webhook receives the same facts as JSON (with the API's
address)."""

from __future__ import annotations

import html
from datetime import datetime
from decimal import Decimal
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from typing import Final

from consortium.aggregate import Consortium
from consortium.cause import AMSTERDAM
from consortium.financing import Financing
from consortium.money import Money
from consortium.reminders import Reminder
from workers.messages import FROM_DEFAULT, message_id
from workers.messages import TEXT as REMINDER_TEXT

TEXT: Final = {
    "nl": {
        "subject": "Financiering in gevaar: {consortium}",
        "intro": "De financiering van {consortium} is in gevaar (beoordeeld op {judged_on}).",
        "years": "De toezeggingen dekken {covered} jaar vanaf {year}; er zijn er {ahead} nodig.",
        "gap": "Voor {next_year} ontbreekt {gap} van wat nodig is (de drempel is {threshold}).",
        "link": "Bekijk het financieringsplan:",
        "footer": "U ontvangt dit bericht als programmamanager of financier van dit "
        "samenwerkingsverband: één keer, zodra de financiering in gevaar komt.",
    },
    "en": {
        "subject": "Financing at risk: {consortium}",
        "intro": "The financing of {consortium} is at risk (judged on {judged_on}).",
        "years": "The pledges cover {covered} {years} from {year}; {ahead} are needed.",
        "gap": "{next_year} lacks {gap} of what it needs (the threshold is {threshold}).",
        "link": "View the financing plan:",
        "footer": "You receive this message as programme manager or funder of this "
        "consortium: once, when its financing comes at risk.",
    },
}


def euro(amount: Money, language: str) -> str:
    """``€ 1.250,00`` in Dutch, ``EUR 1,250.00`` in English."""
    text = f"{amount.amount.quantize(Decimal('0.01')):,.2f}"
    if language == "nl":
        return "€ " + text.replace(",", "_").replace(".", ",").replace("_", ".")
    return f"EUR {text}"


def reasons(fact: Financing.FinancingAtRisk, language: str) -> list[str]:
    """Why the financing is at risk, in the reader's language, as the fact records it."""
    words = TEXT[language]
    year = fact.judged_on.year
    found = []
    if fact.years_covered < fact.years_ahead:
        found.append(
            words["years"].format(
                covered=fact.years_covered,
                years="year" if fact.years_covered == 1 else "years",  # (Dutch says "jaar")
                year=year,
                ahead=fact.years_ahead,
            )
        )
    if fact.next_year_gap > fact.gap_threshold:
        found.append(
            words["gap"].format(
                next_year=year + 1,
                gap=euro(fact.next_year_gap, language),
                threshold=euro(fact.gap_threshold, language),
            )
        )
    return found


def compose(
    consortium: Consortium,
    fact: Financing.FinancingAtRisk,
    warning: Reminder,
    base_url: str,
    at: datetime,
    sender: str = FROM_DEFAULT,
) -> EmailMessage:
    """The warning mail for one recipient, sent ``at`` that instant (its Date)."""
    language = warning.language if warning.language in TEXT else "nl"
    words = TEXT[language]
    values = {
        "consortium": consortium.name,
        "judged_on": fact.judged_on.strftime("%d-%m-%Y"),
        "docs": f"{base_url}/api/docs",
    }
    # The budget page's financing horizon (web/templates/pages/budget.html): a person logs in
    # there, where the API's address would answer 401 without a token.
    link = f"{base_url}/consortia/{consortium.id}/budget#chart-horizon-heading"
    intro = words["intro"].format(**values)
    why = reasons(fact, language)
    token = REMINDER_TEXT[language]["token"].format(**values)

    message = EmailMessage()
    message["Subject"] = words["subject"].format(**values)
    message["From"] = sender
    message["To"] = formataddr(("", warning.recipient))
    message["Date"] = format_datetime(at.astimezone(AMSTERDAM))
    message["Message-ID"] = message_id(warning.key)
    message["Content-Language"] = language
    plain = [intro, "", *(f"- {r}" for r in why)]
    plain += ["", f"{words['link']} {link}", token, "", words["footer"]]
    message.set_content("\n".join(plain))
    items = "".join(f"<li>{html.escape(r)}</li>" for r in why)
    message.add_alternative(
        f"<p>{html.escape(intro)}</p><ul>{items}</ul>"
        f'<p><a href="{html.escape(link)}">{html.escape(words["link"])}</a></p>'
        f"<p><small>{html.escape(token)}</small></p>"
        f"<p><small>{html.escape(words['footer'])}</small></p>",
        subtype="html",
    )
    return message


def webhook_payload(
    consortium: Consortium, fact: Financing.FinancingAtRisk, warning: Reminder, base_url: str
) -> dict[str, object]:
    """What a webhook receives: the facts of the judgement, in English field names."""
    return {
        "type": "financing.at_risk",
        "consortium": {"id": str(consortium.id), "name": consortium.name},
        "financing": {
            "judged_on": fact.judged_on.isoformat(),
            "horizon": fact.horizon,
            "years_covered": fact.years_covered,
            "years_ahead": fact.years_ahead,
            "next_year_gap": str(fact.next_year_gap),
            "gap_threshold": str(fact.gap_threshold),
            "reasons": reasons(fact, "en"),
            "url": f"{base_url}/api/v1/consortia/{consortium.id}/financing",
        },
        "version": fact.originator_version,
        "reminder": warning.key,
    }
