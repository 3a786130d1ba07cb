"""FastAPI integration: models as request and response bodies, errors as HTTP answers.

Install the ``fastapi`` extra (``pip install khachhang[fastapi]``); this module is the
only one that imports FastAPI, and ``import khachhang`` does not load it. FastAPI reads
bodies with pydantic, which knows nothing of attrs; here every body goes through the
library's one converter instead (:func:`~khachhang.serde.from_json`,
:func:`~khachhang.serde.to_json`), so a request reads exactly as
:func:`~khachhang.serde.from_dict` reads and a response is exactly
:func:`~khachhang.serde.to_dict`'s JSON.

* :func:`install` on an app (before adding its routes): endpoints may take and return
  models by annotation (``def create(customer: Customer) -> Customer``), the library's
  errors become HTTP answers, and the OpenAPI document gets the models' JSON Schemas
  (``components/schemas``, each endpoint's request and response bodies).
* :class:`Body`: the request body read as a model, as an explicit dependency
  (``Annotated[Customer, Depends(Body(Customer))]``) for apps that keep FastAPI's own
  route class.
* :class:`ModelResponse`: a response whose content is written by the converter.

Errors: a :class:`~khachhang.errors.ConversionError` (bad JSON or bad data in a body),
a :class:`~khachhang.errors.ValidationError` or a
:class:`~khachhang.errors.RuleError` answers 422 with FastAPI's own shape,
``{"detail": [{"loc": ["body", "party", "contacts", 0, "value"], "msg": ..., "type": ...}]}``;
a :class:`~khachhang.errors.TransitionError` (a state machine refused a move) answers 409
with its reason, machine, state and move; any other library error 400.

>>> from fastapi import FastAPI
>>> from fastapi.testclient import TestClient
>>> from khachhang import Customer
>>> app = install(FastAPI())
>>> @app.post("/customers", status_code=201)
... def create(customer: Customer) -> Customer:
...     return customer
>>> client = TestClient(app)
>>> body = {"id": "c-1", "party": {"type": "person", "full_name": "Phạm Thu Hà"},
...         "created_at": "2026-01-05T09:00:00+07:00"}
>>> client.post("/customers", json=body).json()["created_at"]
'2026-01-05T09:00:00+07:00'
>>> naive = dict(body, created_at="2026-01-05T09:00")
>>> client.post("/customers", json=naive).json()["detail"][0]["loc"]
['body', 'created_at']
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable, Sequence
from typing import Annotated, Any, Generic, TypeVar, get_args, get_origin

import attrs

try:
    from fastapi import Depends, FastAPI, Request
    from fastapi.datastructures import DefaultPlaceholder
    from fastapi.responses import JSONResponse, Response
    from fastapi.routing import APIRoute
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    _msg = "khachhang.fastapi needs FastAPI: pip install 'khachhang[fastapi]'"
    raise ImportError(_msg) from exc

from khachhang.errors import (
    ConversionError,
    KhachHangError,
    RuleError,
    TransitionError,
    ValidationError,
)
from khachhang.serde import from_json, json_schemas, to_json

__all__ = ["Body", "ModelResponse", "ModelRoute", "install", "loc"]

T = TypeVar("T")

_COMPONENTS = "#/components/schemas/{name}"
_STEP = re.compile(r"\.([^.\[\]]+)|\[(\d+)\]|\[([^\]]*)\]")


def loc(path: str, source: str | None = None) -> list[str | int]:
    """A library error's path as a pydantic ``loc`` list.

    >>> loc("$.party.contacts[0].value", "body")
    ['body', 'party', 'contacts', 0, 'value']
    >>> loc("events[3].at")
    ['events', 3, 'at']
    """
    steps: list[str | int] = [] if source is None else [source]
    text = path[1:] if path.startswith("$") else path
    if text and not text.startswith((".", "[")):
        text = f".{text}"
    for name, index, key in _STEP.findall(text):
        steps.append(int(index) if index else (name or key))
    return steps


class Body(Generic[T]):
    """A dependency reading the request body as a ``cls`` through the converter.

    ``Annotated[Customer, Depends(Body(Customer))]`` as an endpoint's parameter; bad
    JSON or bad data raises :class:`~khachhang.errors.ConversionError` (422 under
    :func:`install`, with every bad path).
    """

    def __init__(self, cls: type[T]) -> None:
        self.cls = cls

    async def __call__(self, request: Request) -> T:
        return from_json(await request.body(), self.cls)

    def __repr__(self) -> str:
        return f"Body({getattr(self.cls, '__name__', self.cls)})"


class ModelResponse(Response):
    """A JSON response whose content (a model, a list of models, any data the converter
    writes) is written by :func:`~khachhang.serde.to_json`."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return to_json(content).encode("utf-8")


def _is_model_type(tp: Any) -> bool:
    """A model class, or a tuple/list/frozenset/optional of them: what pydantic refuses."""
    if isinstance(tp, type) and attrs.has(tp):
        return True
    origin = get_origin(tp)
    if origin is not None and attrs.has(origin):
        return True
    return any(_is_model_type(arg) for arg in get_args(tp) if arg is not Ellipsis)


class ModelRoute(APIRoute):
    """FastAPI's route, reading and writing models through the converter.

    A parameter annotated with a model type is the request body, read by :class:`Body`;
    a model return annotation (or ``response_model=``) is the response, written by
    :class:`ModelResponse`. :func:`install` makes it an app's route class.
    """

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        signature = inspect.signature(endpoint, eval_str=True)
        returned = kwargs.get("response_model")
        if returned is None or isinstance(returned, DefaultPlaceholder):
            returned = signature.return_annotation
        self.body_model: Any = None
        self.response_type: Any = returned if _is_model_type(returned) else None
        params = []
        for param in signature.parameters.values():
            if _is_model_type(param.annotation) and get_origin(param.annotation) is not Annotated:
                if self.body_model is not None:
                    msg = (
                        f"{path}: one request body per endpoint; {param.name!r} is a second "
                        "model parameter (wrap both in one attrs class)"
                    )
                    raise ValidationError("endpoint", msg)
                self.body_model = param.annotation
                model = param.annotation
                dependency = Annotated[model, Depends(Body(model))]  # type: ignore[valid-type]  # built at run time
                param = param.replace(annotation=dependency)
            params.append(param)
        if self.body_model is None and self.response_type is None:
            super().__init__(path, endpoint, **kwargs)
            return
        if self.response_type is not None:
            kwargs["response_model"] = None
            kwargs.setdefault("response_class", ModelResponse)
        # A wrapper: the application's function itself is left as it is.
        endpoint = _respond_with_models(endpoint, kwargs.get("status_code"), self.response_type)
        endpoint.__signature__ = signature.replace(  # type: ignore[attr-defined]  # read by inspect.signature
            parameters=params, return_annotation=inspect.Signature.empty
        )
        super().__init__(path, endpoint, **kwargs)


def _respond_with_models(
    endpoint: Callable[..., Any], status: int | None, response_type: Any
) -> Callable[..., Any]:
    """``endpoint`` with what it returns written by the converter (a Response passes)."""
    code = status or 200

    def wrap(result: Any) -> Any:
        if response_type is None or isinstance(result, Response):
            return result
        return ModelResponse(result, code)

    if inspect.iscoroutinefunction(endpoint):

        @functools.wraps(endpoint)
        async def call_async(*args: Any, **kwargs: Any) -> Any:
            return wrap(await endpoint(*args, **kwargs))

        return call_async

    @functools.wraps(endpoint)
    def call(*args: Any, **kwargs: Any) -> Any:
        return wrap(endpoint(*args, **kwargs))

    return call


# --- errors --------------------------------------------------------------------------


def _unprocessable(detail: list[dict[str, Any]]) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=422)


async def _conversion_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ConversionError)
    detail = [
        {"loc": loc(path, "body"), "msg": reason, "type": "value_error"}
        for path, reason in exc.errors
    ]
    return _unprocessable(detail)


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, (ValidationError, RuleError))
    return _unprocessable([{"loc": loc(exc.path), "msg": exc.reason, "type": "value_error"}])


async def _transition_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, TransitionError)
    state = getattr(exc.state, "value", exc.state)
    content = {
        "detail": exc.reason,
        "machine": exc.machine,
        "state": state if state is None or isinstance(state, (str, int)) else str(state),
        "move": exc.move,
    }
    return JSONResponse(content, status_code=409)


async def _library_error(_: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"detail": str(exc)}, status_code=400)


# --- OpenAPI -------------------------------------------------------------------------

_ERROR_SCHEMAS: dict[str, Any] = {
    "KhachHangValidationError": {
        "title": "KhachHangValidationError",
        "type": "object",
        "properties": {
            "detail": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "loc": {"type": "array", "items": {"type": ["string", "integer"]}},
                        "msg": {"type": "string"},
                        "type": {"type": "string"},
                    },
                    "required": ["loc", "msg", "type"],
                },
            }
        },
        "required": ["detail"],
    },
    "KhachHangTransitionError": {
        "title": "KhachHangTransitionError",
        "type": "object",
        "properties": {
            "detail": {"type": "string"},
            "machine": {"type": "string"},
            "state": {"type": ["string", "integer", "null"]},
            "move": {"type": "string"},
        },
        "required": ["detail", "machine", "move"],
    },
}


def _body_models(route: APIRoute) -> list[Any]:
    found: list[Any] = []
    stack = list(route.dependant.dependencies)
    while stack:
        dependant = stack.pop()
        if isinstance(dependant.call, Body):
            found.append(dependant.call.cls)
        stack.extend(dependant.dependencies)
    return found


def _content(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def add_schemas(document: dict[str, Any], routes: Sequence[Any]) -> dict[str, Any]:
    """Put the models' schemas into an OpenAPI ``document`` built for ``routes``."""
    uses: list[tuple[APIRoute, str, Any]] = []
    for route in routes:
        if not isinstance(route, APIRoute):
            continue
        uses += [(route, "request", model) for model in _body_models(route)[:1]]
        response_type = getattr(route, "response_type", None)
        if response_type is not None:
            uses.append((route, "response", response_type))
    if not uses:
        return document
    roots, defs = json_schemas([tp for _, _, tp in uses], ref_template=_COMPONENTS)
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas.update(defs)
    schemas.update(_ERROR_SCHEMAS)
    paths = document.get("paths", {})
    errors = {
        "422": ("Bad data: every bad path", "KhachHangValidationError"),
        "409": ("A state machine refused the move", "KhachHangTransitionError"),
    }
    for (route, side, _), schema in zip(uses, roots, strict=True):
        for method in route.methods or ():
            operation = paths.get(route.path_format, {}).get(method.lower())
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            if side == "request":
                operation["requestBody"] = {"required": True, "content": _content(schema)}
            else:
                code = str(route.status_code or 200)
                answer = responses.setdefault(code, {"description": "Successful Response"})
                answer["content"] = _content(schema)
            for code, (description, name) in errors.items():
                ref = {"$ref": _COMPONENTS.format(name=name)}
                responses[code] = {"description": description, "content": _content(ref)}
    return document


def install(app: FastAPI) -> FastAPI:
    """Make ``app`` speak khachhang's models; call it before adding routes.

    Sets :class:`ModelRoute` as the app's route class, registers the error handlers
    (422, 409, 400; see the module docstring) and adds the models' JSON Schemas to
    the app's OpenAPI document. Returns ``app``.
    """
    app.router.route_class = ModelRoute
    app.add_exception_handler(ConversionError, _conversion_error)
    app.add_exception_handler(ValidationError, _validation_error)
    app.add_exception_handler(RuleError, _validation_error)
    app.add_exception_handler(TransitionError, _transition_error)
    app.add_exception_handler(KhachHangError, _library_error)
    plain_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = add_schemas(plain_openapi(), app.routes)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to customise
    return app
