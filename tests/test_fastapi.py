"""The FastAPI example app, driven by its test client (no network): khachhang.fastapi.

Bodies are read and written by the converter, bad data answers 422 with pydantic-style
``loc`` lists, a refused move 409, and the OpenAPI document has the models' schemas.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Annotated, Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient

from khachhang import Customer, Money, Person
from khachhang.customers import Purchase
from khachhang.errors import ValidationError
from khachhang.fastapi import Body, ModelResponse, install, loc
from khachhang.serde import from_dict, to_dict

APP = Path(__file__).resolve().parents[1] / "examples" / "fastapi_app.py"


def _example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fastapi_app", APP)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["fastapi_app"] = module
    spec.loader.exec_module(module)
    return module


EXAMPLE = _example()

T = "2026-01-05T09:00:00+07:00"
HA: dict[str, Any] = {
    "id": "c-1",
    "party": {"type": "person", "full_name": "Phạm Thu Hà"},
    "created_at": T,
}
ORDER: dict[str, Any] = {
    "id": "o-1",
    "at": "2026-01-06T10:00:00+07:00",
    "amount": {"amount": "350000", "currency": "VND"},
}


@pytest.fixture
def client() -> TestClient:
    """A client of a fresh app with an empty store."""
    return TestClient(EXAMPLE.create_app())


def test_a_customer_is_created_read_back_and_buys(client: TestClient) -> None:
    """POST, GET and a purchase round-trip through the converter; the prospect converts."""
    created = client.post("/customers", json=HA)
    assert created.status_code == 201
    assert from_dict(created.json(), Customer) == from_dict(HA, Customer)
    assert from_dict(HA, Customer).party == Person("Phạm Thu Hà")
    got = client.get("/customers/c-1")
    assert got.status_code == 200
    assert got.json() == created.json()
    bought = client.post("/customers/c-1/purchases", json=ORDER)
    assert bought.status_code == 200
    customer = from_dict(bought.json(), Customer)
    assert customer.purchases == (from_dict(ORDER, Purchase),)
    assert customer.lifecycle.value == "current"
    assert bought.json() == to_dict(customer)
    assert client.get("/customers/nobody").status_code == 404


def test_bad_data_answers_422_with_every_bad_path_as_a_loc_list(client: TestClient) -> None:
    """A naive datetime and an unknown key: two details, each with its loc from the body."""
    bad = dict(HA, created_at="2026-01-05T09:00:00", colour="blue")
    answer = client.post("/customers", json=bad)
    assert answer.status_code == 422
    detail = answer.json()["detail"]
    assert sorted(d["loc"] for d in detail) == [["body"], ["body", "created_at"]]
    assert any("naive datetime" in d["msg"] for d in detail)
    assert any("colour" in d["msg"] for d in detail)
    client.post("/customers", json=HA)
    nested = client.post("/customers/c-1/purchases", json=dict(ORDER, amount={"amount": 3.5}))
    assert nested.status_code == 422
    assert nested.json()["detail"][0]["loc"] == ["body", "amount", "amount"]
    broken = client.post("/customers", content=b"{not json", headers={"content-type": "x"})
    assert broken.status_code == 422
    assert broken.json()["detail"][0]["loc"] == ["body"]


def test_a_segment_query_selects_by_rule(client: TestClient) -> None:
    """A rule document as the body selects the customers who bought."""
    client.post("/customers", json=HA)
    client.post("/customers", json=dict(HA, id="c-2"))
    client.post("/customers/c-1/purchases", json=ORDER)
    rule = {"rule": {"op": "ge", "field": "orders", "value": 1}}
    answer = client.post("/segments/members", params={"as_of": "2026-02-01T00:00:00Z"}, json=rule)
    assert answer.status_code == 200
    assert [c["id"] for c in answer.json()] == ["c-1"]
    wrong = {"rule": {"op": "ge", "field": "shoe_size", "value": 1}}
    refused = client.post("/segments/members", params={"as_of": T}, json=wrong)
    assert refused.status_code == 422
    assert "shoe_size" in refused.json()["detail"][0]["msg"]


def test_a_refused_buying_move_answers_409_with_its_reason(client: TestClient) -> None:
    """Skipping a stage a new task requires is refused by the machine: 409, unchanged."""
    opening = {"type": "buying_opening", "id": "b-1", "buyer": "c-7", "buy_class": "new_task"}
    started = client.post("/processes", params={"at": T}, json=opening)
    assert started.status_code == 201, started.json()
    moved = client.post("/processes/b-1/advance", params={"at": "2026-01-07T09:00:00+07:00"})
    assert moved.status_code == 200
    stage = moved.json()["events"][-1]["target"]
    refused = client.post("/processes/b-1/skip", params={"at": "2026-01-08T09:00:00+07:00"})
    assert refused.status_code == 409
    body = refused.json()
    assert body["machine"] == "buying"
    assert body["move"] == "skip"
    assert "required" in body["detail"]
    assert body["state"] == stage


def test_the_openapi_document_has_a_schema_for_every_body(client: TestClient) -> None:
    """Every POST has a request body schema, every endpoint a response schema, all resolvable."""
    document = client.get("/openapi.json").json()
    schemas = document["components"]["schemas"]
    assert {"Customer", "Purchase", "Money", "RuleDocument", "BuyingProcess"} <= set(schemas)
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            if method == "post" and "{move}" not in path:
                body = operation["requestBody"]["content"]["application/json"]["schema"]
                assert body["$ref"].removeprefix("#/components/schemas/") in schemas, where
            ok = next(code for code in operation["responses"] if code.startswith("2"))
            answer = operation["responses"][ok]["content"]["application/json"]["schema"]
            assert answer, where
            assert "422" in operation["responses"], where
    customer = schemas["Customer"]
    assert customer["additionalProperties"] is False
    assert schemas["Party"]["oneOf"][0]["properties"]["type"] == {"const": "person"}
    assert "docs" in client.get("/docs").text.lower()


def test_an_app_without_the_route_class_can_read_bodies_by_dependency() -> None:
    """Body(cls) as an explicit dependency; ModelResponse writes the answer."""
    app = FastAPI()

    @app.post("/echo", response_class=ModelResponse)
    def echo(money: Annotated[Money, Depends(Body(Money))]) -> ModelResponse:
        return ModelResponse(money)

    install(app)  # before the first request: the handlers reach routes added before too
    client = TestClient(app)
    assert client.post("/echo", json={"amount": "12.50", "currency": "USD"}).json() == {
        "amount": "12.50",
        "currency": "USD",
    }
    document = client.get("/openapi.json").json()
    assert document["paths"]["/echo"]["post"]["requestBody"]["content"]["application/json"] == {
        "schema": {"$ref": "#/components/schemas/Money"}
    }
    assert client.post("/echo", json={"amount": 1.5}).status_code == 422


def test_a_path_becomes_a_loc_list() -> None:
    """Keys and indexes, with or without the $ root and a source in front."""
    assert loc("$") == []
    assert loc("$.purchases[2].amount.amount", "body") == [
        "body",
        "purchases",
        2,
        "amount",
        "amount",
    ]
    assert loc("party.contacts[0].value") == ["party", "contacts", 0, "value"]
    assert loc("[1].id") == [1, "id"]


def test_an_endpoint_with_two_body_models_is_refused_when_it_is_added() -> None:
    """One request body per endpoint: a second model parameter is a ValidationError."""
    app = install(FastAPI())
    with pytest.raises(ValidationError, match="'purchase' is a second model parameter"):

        @app.post("/both")
        def both(customer: Customer, purchase: Purchase) -> Customer:
            return customer
