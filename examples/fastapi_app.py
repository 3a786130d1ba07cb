"""A small CRM over HTTP: khachhang's models as FastAPI request and response bodies.

Customers, their purchases, a segment query and B2B buying processes, kept in memory.
Bodies are read and written by the library's converter (``khachhang.fastapi``), so
``/docs`` shows every model's JSON Schema, bad data answers 422 with the path of every
problem, and a move the buying process refuses answers 409 with its reason. Time is
passed in (``at=``, ``as_of=``), never read from the clock. Nothing here is part of the
library: it is the code *you* write. Run it with::

    pip install "khachhang[fastapi]" uvicorn
    uvicorn examples.fastapi_app:app --reload   # then open http://127.0.0.1:8000/docs
"""

from __future__ import annotations

from datetime import datetime

import attrs
from fastapi import FastAPI, HTTPException

from khachhang import Customer
from khachhang.buying import BuyingProcess, Opening
from khachhang.customers import Purchase
from khachhang.fastapi import install
from khachhang.segmentation import RuleDocument


@attrs.define
class Store:
    """The app's state: customers and buying processes by id (a database in real life)."""

    customers: dict[str, Customer] = attrs.Factory(dict)
    processes: dict[str, BuyingProcess] = attrs.Factory(dict)

    def customer(self, customer_id: str) -> Customer:
        """The customer, or 404."""
        found = self.customers.get(customer_id)
        if found is None:
            raise HTTPException(404, f"no customer {customer_id!r}")
        return found

    def process(self, process_id: str) -> BuyingProcess:
        """The buying process, or 404."""
        found = self.processes.get(process_id)
        if found is None:
            raise HTTPException(404, f"no buying process {process_id!r}")
        return found


def create_app(store: Store | None = None) -> FastAPI:
    """The CRM app over ``store`` (a new, empty one by default)."""
    db = Store() if store is None else store
    app = install(FastAPI(title="khachhang CRM example"))

    @app.post("/customers", status_code=201)
    def create_customer(customer: Customer) -> Customer:
        """Add a customer (409 when the id is taken)."""
        if customer.id in db.customers:
            raise HTTPException(409, f"customer {customer.id!r} exists")
        db.customers[customer.id] = customer
        return customer

    @app.get("/customers/{customer_id}")
    def get_customer(customer_id: str) -> Customer:
        """One customer, purchases and lifecycle log included."""
        return db.customer(customer_id)

    @app.post("/customers/{customer_id}/purchases")
    def add_purchase(customer_id: str, purchase: Purchase) -> Customer:
        """Record a purchase; a prospect's first one converts it (a lifecycle event)."""
        customer = db.customer(customer_id).add_purchase(purchase)
        db.customers[customer_id] = customer
        return customer

    @app.post("/segments/members")
    def segment_members(document: RuleDocument, as_of: datetime) -> tuple[Customer, ...]:
        """The customers a segmentation rule selects at ``as_of``."""
        rule = document.rule
        return tuple(c for c in db.customers.values() if rule.evaluate(c, as_of=as_of))

    @app.post("/processes", status_code=201)
    def start_process(opening: Opening, at: datetime) -> BuyingProcess:
        """Open a buying process at problem recognition."""
        if opening.id in db.processes:
            raise HTTPException(409, f"buying process {opening.id!r} exists")
        process = BuyingProcess.start(at=at, **attrs.asdict(opening, recurse=False))
        db.processes[process.id] = process
        return process

    @app.post("/processes/{process_id}/{move}")
    def move_process(process_id: str, move: str, at: datetime) -> BuyingProcess:
        """Advance or skip the current stage (409 when the buygrid refuses the move)."""
        process = db.process(process_id)
        if move == "advance":
            process = process.advance(at=at)
        elif move == "skip":
            process = process.skip(at=at)
        else:
            raise HTTPException(404, f"no move {move!r}: advance or skip")
        db.processes[process_id] = process
        return process

    return app


app = create_app()
