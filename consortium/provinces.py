"""The twelve provinces of the Netherlands: where a member municipality lies (optional), for the
catalogue's filter."""

from __future__ import annotations

from enum import Enum

from consortium.errors import InvalidValue


class Province(Enum):
    GRONINGEN = "groningen"
    FRYSLAN = "fryslan"
    DRENTHE = "drenthe"
    OVERIJSSEL = "overijssel"
    FLEVOLAND = "flevoland"
    GELDERLAND = "gelderland"
    UTRECHT = "utrecht"
    NOORD_HOLLAND = "noord_holland"
    ZUID_HOLLAND = "zuid_holland"
    ZEELAND = "zeeland"
    NOORD_BRABANT = "noord_brabant"
    LIMBURG = "limburg"


# Their names (the same in Dutch and English; Fryslân is its official name).
NAMES: dict[Province, str] = {
    Province.GRONINGEN: "Groningen",
    Province.FRYSLAN: "Fryslân",
    Province.DRENTHE: "Drenthe",
    Province.OVERIJSSEL: "Overijssel",
    Province.FLEVOLAND: "Flevoland",
    Province.GELDERLAND: "Gelderland",
    Province.UTRECHT: "Utrecht",
    Province.NOORD_HOLLAND: "Noord-Holland",
    Province.ZUID_HOLLAND: "Zuid-Holland",
    Province.ZEELAND: "Zeeland",
    Province.NOORD_BRABANT: "Noord-Brabant",
    Province.LIMBURG: "Limburg",
}


def check_province(is_municipality: bool, province: Province | None) -> Province | None:
    """A province is recorded for municipalities only."""
    if province is not None and not is_municipality:
        raise InvalidValue("A province is recorded for municipalities only.", field="province")
    return province
