"""The words for the domain's values on the pages (phases, sectors, roles, decisions, answers):
English here, Dutch in the catalogue."""

from __future__ import annotations

from typing import Any, Final

from flask import Blueprint
from flask_babel import gettext

LABELS: Final = {
    # phases
    "exploration": "Exploration",
    "pilot": "Pilot",
    "scale_up": "Scale-up",
    "adoption": "Adoption",
    "closed": "Closed",
    "stopped": "Stopped",
    # sectors
    "municipality": "Municipality",
    "academia": "Knowledge institution",
    "market": "Company",
    "civil_society": "Civil society",
    "government": "Government",
    # member roles
    "lead": "Lead",
    "partner": "Partner",
    "funder": "Funder",
    "adopter": "Adopter",
    # account roles
    "programme_manager": "Programme manager",
    "member_representative": "Member representative",
    # decisions and answers
    "go": "Go",
    "go_with_conditions": "Go with conditions",
    "redo": "Redo",
    "stop": "Stop",
    "yes": "Yes",
    "partly": "Partly",
    "no": "No",
    # contribution kinds
    "cash": "Cash",
    "in_kind": "In kind",
    # what the financing plan needs money for (beside the phases above)
    "running_costs": "Running costs",
    "licences": "Licences",
    "maintenance": "Maintenance",
    "support": "Support",
    # the ledger's entries
    "pledge": "Commitment",
    "contribution": "Contribution",
    "reversal": "Reversal",
    "expenditure": "Expenditure",
    "need": "Need",
    "tranche_planned": "Tranche planned",
    "tranche_released": "Tranche released",
    # sorts of the portfolio
    "founded": "Founded first",
    "-founded": "Founded last",
    "name": "Name (A to Z)",
    "-name": "Name (Z to A)",
    "next_checkpoint": "Next checkpoint",
    "updated": "Changed first",
    "-updated": "Changed last",
}


def word(value: Any) -> str:
    """The page's word for a domain value (an enum or its value)."""
    key = str(getattr(value, "value", value))
    label = LABELS.get(key)
    return str(gettext(label)) if label else key


def option(value: Any) -> tuple[str, str]:
    return str(getattr(value, "value", value)), word(value)


# Who acted, as the service records it: an account's address, or a command run on the server
# (``cli:<user>``, e.g. ``consortium demo`` run as root).
_COMMAND_LINE: Final = "cli:"


def actor(recorded: str) -> str:
    """Who acted, in the page's words: a command on the server says so."""
    if recorded.startswith(_COMMAND_LINE) and "@" not in recorded:  # (an address may start so)
        return str(gettext("%(user)s at the command line", user=recorded[len(_COMMAND_LINE) :]))
    return recorded


def register_words(bp: Blueprint) -> None:
    bp.add_app_template_filter(actor, "actor")
    for name in ("phase_name", "sector_name", "role_name", "word"):
        bp.add_app_template_filter(word, name)
    for name in ("phase_option", "sector_option", "sort_option"):
        bp.add_app_template_filter(option, name)
