"""The newcomer's story: found a consortium, admit three members, start the pilot, look back."""

from __future__ import annotations

from datetime import timedelta

from tests.api.support import CONSORTIA, admit, found, move
from tests.clock import StepClock
from tests.conftest import Api


def test_a_consortium_as_of_before_its_pilot_shows_exploration_with_its_three_members(
    api: Api, clock: StepClock
) -> None:
    consortium_id = found(api, "Langer thuis in de wijk")["id"]
    admit(api, consortium_id, "Gemeente Utrecht", "municipality", "lead", population=374238)
    admit(api, consortium_id, "Universiteit Utrecht", "academia", "partner")
    third = admit(api, consortium_id, "Zorgtech Nederland BV", "market", "partner")
    clock.advance(timedelta(days=30))
    assert move(api, consortium_id, "pilot").status_code == 200

    then = api.get(f"{CONSORTIA}/{consortium_id}", query_string={"as_of": third["joined_at"]})
    now = api.get(f"{CONSORTIA}/{consortium_id}")

    assert (then.json["phase"], len(then.json["members"])) == ("exploration", 3)
    assert (now.json["phase"], len(now.json["members"])) == ("pilot", 3)
