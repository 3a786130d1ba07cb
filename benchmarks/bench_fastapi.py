"""Benchmark the per-request cost of khachhang.fastapi against a pydantic model of the same shape.

Run from the repository root::

    python benchmarks/bench_fastapi.py              # 2,000 requests per app
    python benchmarks/bench_fastapi.py --n 500

Two apps echo a customer (POST the body, answer the model): one reads and writes
``khachhang.Customer`` through the converter (``install(app)``), the other a pydantic
model of the same shape (a tagged party, purchases with money, aware datetimes). Both
are driven in process by FastAPI's test client, so the figures include the framework
and the client; the body alone is timed too (``from_json`` + ``to_json`` against
``model_validate_json`` + ``model_dump_json``). Customers are the sample book's (a few
purchases and line items each). Figures are CPU microseconds per request
(``time.process_time``), the best of ``--repeat`` rounds.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from khachhang import Customer
from khachhang.fastapi import install
from khachhang.sample import sample_book
from khachhang.serde import from_json, to_json


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PMoney(_Strict):
    amount: Decimal
    currency: str = "VND"


class PLineItem(_Strict):
    sku: str
    name: str
    quantity: int
    unit_price: PMoney


class PPurchase(_Strict):
    id: str
    at: AwareDatetime
    amount: PMoney
    channel: str = "in_store"
    items: tuple[PLineItem, ...] = ()


class PPerson(_Strict):
    type: Literal["person"]
    full_name: str
    gender: str | None = None
    birth_date: str | None = None
    contacts: tuple[dict[str, Any], ...] = ()
    address: dict[str, Any] | None = None


class POrganization(_Strict):
    type: Literal["organization"]
    legal_name: str
    tax_code: str | None = None
    party_type: str = "business"
    category: str | None = None
    internal_unit: str | None = None
    contacts: tuple[dict[str, Any], ...] = ()
    address: dict[str, Any] | None = None


class PCustomer(_Strict):
    id: str
    party: Annotated[PPerson | POrganization, Field(discriminator="type")]
    created_at: AwareDatetime
    scope: str = "external"
    roles: tuple[str, ...] = ()
    lifecycle: str = "prospect"
    acquisition_source: str | None = None
    purchases: tuple[PPurchase, ...] = ()
    tags: tuple[str, ...] = ()
    currency: str = "VND"
    income: PMoney | None = None
    lifecycle_events: tuple[dict[str, Any], ...] = ()


def _apps() -> tuple[FastAPI, FastAPI]:
    ours = install(FastAPI())

    @ours.post("/customers")
    def echo(customer: Customer) -> Customer:
        return customer

    theirs = FastAPI()

    @theirs.post("/customers")
    def echo_pydantic(customer: PCustomer) -> PCustomer:
        return customer

    return ours, theirs


_JSON = {"content-type": "application/json"}


def _best(run: Callable[[], None], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.process_time()
        run()
        times.append(time.process_time() - start)
    return min(times)


def main() -> None:
    """Time both apps and both body paths; print microseconds per customer."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    book = sample_book(200)
    documents = [to_json(c).encode() for c in book]
    PCustomer.model_validate_json(documents[0])  # the shapes agree
    ours, theirs = _apps()
    n = args.n

    def requests(client: TestClient) -> Callable[[], None]:
        def run() -> None:
            for i in range(n):
                answer = client.post(
                    "/customers", content=documents[i % len(documents)], headers=_JSON
                )
                assert answer.status_code == 200, answer.text

        return run

    def converter() -> None:
        for i in range(n):
            to_json(from_json(documents[i % len(documents)], Customer))

    def pydantic() -> None:
        for i in range(n):
            PCustomer.model_validate_json(documents[i % len(documents)]).model_dump_json()

    rows = [
        ("request, khachhang.fastapi", requests(TestClient(ours))),
        ("request, pydantic model", requests(TestClient(theirs))),
        ("body only, from_json + to_json", converter),
        ("body only, pydantic validate + dump", pydantic),
    ]
    size = sum(map(len, documents)) / len(documents)
    print(f"{n} requests, {size:.0f} bytes of JSON per customer on average")
    for name, run in rows:
        micro = _best(run, args.repeat) / n * 1e6
        print(f"{name:40} {micro:8.0f} µs per customer")


if __name__ == "__main__":
    main()
