"""Organisation names as people type them: one key per party whatever the case, accents and
spaces ("Súdwest-Fryslân" is " sudwest-fryslan "), and the closest names to one that matches
none, so that a typing error answers with what was meant."""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Final

from consortium.errors import NotFound

SUGGESTIONS: Final = 5
# difflib's ratio below which a name is too unlike to suggest (its own default).
_CUTOFF: Final = 0.6


@lru_cache(maxsize=4096)  # admitting a member compares its key with every member's
def party_key(name: str) -> str:
    """The form two names of one party share: accents dropped (NFKD without its combining
    marks), case folded, inner whitespace collapsed to one space, none around it."""
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def same_party(name: str, other: str) -> bool:
    return party_key(name) == party_key(other)


def closest(name: str, names: Iterable[str], limit: int = SUGGESTIONS) -> list[str]:
    """The names most like ``name``, best first, each party once (as first written): those
    difflib finds alike, then those that hold it ("Utrecht" → "Gemeente Utrecht")."""
    by_key: dict[str, str] = {}
    for candidate in names:
        by_key.setdefault(party_key(candidate), candidate)
    key = party_key(name)
    alike = difflib.get_close_matches(key, by_key, n=limit, cutoff=_CUTOFF)
    holding = sorted(k for k in by_key if key and key in k)
    return [by_key[k] for k in dict.fromkeys(alike + holding)][:limit]


def unknown_party(name: str, known: Iterable[str]) -> NotFound | None:
    """None when ``name`` is one of the ``known`` parties; else the refusal, naming the closest
    of them (``suggestions``)."""
    names = list(known)
    if any(same_party(name, other) for other in names):
        return None
    return NotFound(
        f"No consortium you may see has a member named {name.strip()!r}.",
        suggestions=closest(name, names),
    )
