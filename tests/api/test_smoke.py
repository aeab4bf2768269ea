from tests.conftest import Api


def test_founding_answers_201_with_location(api: Api) -> None:
    response = api.post("/api/v1/consortia", json={"name": "N", "challenge": "C"})
    assert response.status_code == 201
    assert response.headers["Location"] == f"/api/v1/consortia/{response.json['id']}"
