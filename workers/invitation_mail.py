"""The invitation mail: Dutch by default, English for an account that chose it; plain text only,
so the address and the commands can be copied as they are.

Until the service has pages, the mail says how to set a password with the address (a POST) and
how to make an API token after, each as a curl line.
"""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from typing import Final

from consortium.access import Role
from consortium.accounts import Language
from consortium.cause import AMSTERDAM
from events.accounts import MIN_PASSWORD_LENGTH
from events.invitations import InvitationMail
from workers.messages import FROM_DEFAULT, message_id

ROLES: Final = {
    "nl": {
        Role.PROGRAMME_MANAGER: "programmamanager",
        Role.MEMBER_REPRESENTATIVE: "vertegenwoordiger van {party}",
        Role.FUNDER: "financier",
    },
    "en": {
        Role.PROGRAMME_MANAGER: "programme manager",
        Role.MEMBER_REPRESENTATIVE: "representative of {party}",
        Role.FUNDER: "funder",
    },
}

TEXT: Final = {
    "nl": {
        "subject": "Uitnodiging: {consortium}",
        "intro": "{inviter} nodigt u uit als {role} in het samenwerkingsverband {consortium}.",
        "account": "Uw account is {email}. Kies een wachtwoord van minstens {min} tekens met "
        "dit adres; het werkt één keer en is geldig tot {expires}:",
        "how": "Zolang er nog geen webpagina's zijn, stuurt u uw wachtwoord zo naar dat adres:",
        "token": "Daarna maakt u een API-token met uw e-mailadres en wachtwoord:",
        "footer": "Verwachtte u deze uitnodiging niet, dan kunt u dit bericht negeren. "
        "Stuur het niet door: met dit adres kan iedereen uw wachtwoord kiezen.",
        "member": "een deelnemer",
    },
    "en": {
        "subject": "Invitation: {consortium}",
        "intro": "{inviter} invites you as {role} in the consortium {consortium}.",
        "account": "Your account is {email}. Choose a password of at least {min} characters "
        "with this address; it works once and is valid until {expires}:",
        "how": "Until the service has web pages, send your password to that address like this:",
        "token": "Then make an API token with your e-mail address and password:",
        "footer": "If you did not expect this invitation, you may ignore this message. Do not "
        "forward it: anyone with this address can choose your password.",
        "member": "a member",
    },
}


def invitation_message_id(mail: InvitationMail) -> str:
    """The same invitation always has the same Message-ID (receivers drop duplicates by it)."""
    return message_id(f"invitation/{mail.invitation_id}")


def compose(
    mail: InvitationMail, base_url: str, now: datetime, sender: str = FROM_DEFAULT
) -> EmailMessage:
    """The mail that brings the invitation's one-time address, written at ``now``."""
    language = "en" if mail.language is Language.EN else "nl"
    words = TEXT[language]
    view = mail.view
    link = f"{base_url}/api/v1/invitations/{mail.token}"
    role = ROLES[language][view.role].format(party=view.party or words["member"])
    expires = view.expires_at.astimezone(AMSTERDAM).strftime("%d-%m-%Y %H:%M")
    values = {
        "consortium": view.consortium_name,
        "inviter": view.invited_by,
        "role": role,
        "email": view.email,
        "min": MIN_PASSWORD_LENGTH,
        "expires": expires,
    }
    accept = (
        f"curl -X POST {link}/accept -H 'Content-Type: application/json' "
        '-d \'{"password": "..."}\''
    )
    token = f"curl -X POST {base_url}/api/v1/tokens -u {view.email}"

    message = EmailMessage()
    message["Subject"] = words["subject"].format(**values)
    message["From"] = sender
    message["To"] = formataddr(("", view.email))
    message["Date"] = format_datetime(now)
    message["Message-ID"] = invitation_message_id(mail)
    message["Content-Language"] = language
    lines = [
        words["intro"].format(**values),
        "",
        words["account"].format(**values),
        "",
        link,
        "",
        words["how"],
        "",
        f"  {accept}",
        "",
        words["token"],
        "",
        f"  {token}",
        "",
        words["footer"],
    ]
    message.set_content("\n".join(lines))
    return message
