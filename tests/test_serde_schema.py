"""The JSON Schema of every public model agrees with the converter.

Every document :func:`to_json` writes validates against :func:`json_schema` of its class,
and a document the schema refuses — a mutation of a valid one: a wrong type, an unknown
key, a missing key, a bad enum value, a naive datetime, a float amount — is refused by
:func:`from_dict` too. The models come from the Hypothesis entry point's registry, so a
model added there is checked here too.
"""

from __future__ import annotations

import copy
import functools
import importlib
import json
import re
from datetime import datetime
from typing import Any

import attrs
import jsonschema  # type: ignore[import-untyped]  # no stubs are installed
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SLOW_EXAMPLES, scaled
from khachhang import Customer, Lifecycle, Money
from khachhang.customers import Purchase
from khachhang.errors import ConversionError, ValidationError
from khachhang.fsm import Event
from khachhang.segmentation import RuleDocument
from khachhang.serde import from_dict, json_schema, json_schemas, register_schema, to_json
from khachhang.serde._schema import DATETIME_PATTERN
from khachhang.testing._hook import _MODELS, _strategy

Path = tuple[str | int, ...]


def _models() -> list[tuple[Any, st.SearchStrategy[Any]]]:
    found = []
    for strategies, models in _MODELS.items():
        for model_module, pairs in models.items():
            module = importlib.import_module(model_module)
            for cls_name, strategy in pairs:
                cls = getattr(module, cls_name)
                # A generic model is read with its type argument: the strategy's events
                # are a customer's.
                tp = Event[Lifecycle] if cls is Event else cls
                found.append((tp, _strategy(strategies, strategy, cls)))
    return found


MODELS = _models()


@functools.cache
def _validator(tp: Any) -> jsonschema.Draft202012Validator:
    schema = json_schema(tp)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _nodes(data: Any, path: Path = ()) -> list[tuple[Path, Any]]:
    """Every value in a document with its path, the document itself first."""
    found = [(path, data)]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _nodes(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _nodes(value, (*path, index))
    return found


_NAIVE = re.compile(r"(?:[Zz]|[+-]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(?:\[[^\]]+\])?$")


def _mutants(data: Any) -> list[tuple[str, Any]]:
    """Every one-step mutation of ``data`` the property is about, with its name."""
    found: list[tuple[str, Any]] = []

    def replaced(path: Path, new: Any) -> Any:
        if not path:
            return new
        doc = copy.deepcopy(data)
        parent = doc
        for step in path[:-1]:
            parent = parent[step]
        if new is _DELETE:
            del parent[path[-1]]
        else:
            parent[path[-1]] = new
        return doc

    for path, value in _nodes(data):
        where = "/".join(map(str, path))
        if isinstance(value, dict):
            found.append((f"unknown key in {where}", replaced(path, {**value, "zz_unknown": 1})))
            found += [(f"missing {where}/{k}", replaced((*path, k), _DELETE)) for k in value]
        wrong: list[object] = [] if isinstance(value, bool) else [True]
        wrong += [12.5, [], {}, "not-a-value"] if not isinstance(value, str) else [7, [], None]
        found += [(f"wrong type at {where}", replaced(path, w)) for w in wrong]
        if isinstance(value, str) and re.match(DATETIME_PATTERN, value):
            naive = _NAIVE.sub("", value)
            found.append((f"naive datetime at {where}", replaced(path, naive)))
        if isinstance(value, str):
            found.append((f"bad value at {where}", replaced(path, value + "\u00a7")))
        if path and path[-1] == "amount":
            found.append((f"float amount at {where}", replaced(path, 1.5)))
    return found


_DELETE = object()


@pytest.mark.parametrize(("tp", "values"), MODELS, ids=[str(tp) for tp, _ in MODELS])
@settings(max_examples=scaled(4), suppress_health_check=SLOW_EXAMPLES)
@given(data=st.data())
def test_the_schema_holds_what_the_converter_writes_and_refuses_what_it_refuses(
    tp: Any, values: st.SearchStrategy[Any], data: st.DataObject
) -> None:
    """to_json's documents validate; a mutant the schema refuses is refused by from_dict."""
    validator = _validator(tp)
    document = json.loads(to_json(data.draw(values)))
    validator.validate(document)
    mutants = _mutants(document)
    for name, mutant in data.draw(st.lists(st.sampled_from(mutants), max_size=6, unique_by=id)):
        if validator.is_valid(mutant):
            continue
        try:
            from_dict(mutant, tp)
        except ConversionError:
            continue
        pytest.fail(f"{name}: the schema refuses it, the converter reads it")


def test_a_customer_schema_names_its_shared_types_once() -> None:
    """Money, the party union and the enums are $defs; the model refuses unknown keys."""
    schema = json_schema(Customer)
    defs = schema["$defs"]
    assert schema["$ref"] == "#/$defs/Customer"
    assert defs["Customer"]["additionalProperties"] is False
    assert defs["Customer"]["required"] == ["id", "party", "created_at"]
    assert [m["properties"]["type"] for m in defs["Party"]["oneOf"]] == [
        {"const": "person"},
        {"const": "organization"},
    ]
    assert defs["Scope"]["enum"] == ["internal", "external"]
    assert defs["Scope"]["x-labels"]["internal"]["vi"]


def test_money_is_a_decimal_string_and_a_float_is_refused_by_both() -> None:
    """{"amount": 1.5} fails the schema and from_dict; "1.5" with a currency passes both."""
    validator = jsonschema.Draft202012Validator(json_schema(Money))
    good = {"amount": "1.50", "currency": "USD"}
    assert validator.is_valid(good)
    assert from_dict(good, Money) == Money("1.50", "USD")
    for bad in ({"amount": 1.5, "currency": "USD"}, {"amount": "1_000"}, {"amount": " 12"}):
        assert not validator.is_valid(bad)
        with pytest.raises(ConversionError):
            from_dict(bad, Money)


def test_a_datetime_needs_its_offset_and_may_name_its_zone() -> None:
    """A naive time fails both; an RFC 9557 zone suffix passes both."""
    schema = json_schema(Customer)["$defs"]["Customer"]["properties"]["created_at"]
    validator = jsonschema.Draft202012Validator(schema)
    assert not validator.is_valid("2026-01-05T09:00:00")
    assert validator.is_valid("2026-01-05T09:00:00Z")
    assert validator.is_valid("2026-10-25T02:15:00+01:00[Europe/Berlin]")
    assert from_dict("2026-10-25T02:15:00+01:00[Europe/Berlin]", datetime).fold == 1


def test_definitions_can_live_in_openapi_components() -> None:
    """json_schemas shares one set of definitions among several types, under any template."""
    roots, defs = json_schemas([Customer, Purchase], ref_template="#/components/schemas/{name}")
    assert roots == [
        {"$ref": "#/components/schemas/Customer"},
        {"$ref": "#/components/schemas/Purchase"},
    ]
    assert defs["Customer"]["properties"]["purchases"]["items"] == roots[1]
    assert "$defs" not in json.dumps(defs)


class Tier(str):
    """An application's own scalar, with its own hook."""


@attrs.frozen
class Member:
    """An application's model holding it."""

    tier: Tier


def test_an_applications_own_type_gets_its_schema_by_registration() -> None:
    """A type without a schema is a ValidationError naming it; register_schema gives one."""

    with pytest.raises(ValidationError, match="no JSON Schema for Tier"):
        json_schema(Member)
    register_schema(Tier, {"type": "string", "enum": ["gold", "silver"]})
    assert json_schema(Member)["$defs"]["Member"]["properties"]["tier"]["enum"] == [
        "gold",
        "silver",
    ]
    with pytest.raises(ValidationError, match="mapping"):
        register_schema(Tier, ["not", "a", "schema"])  # type: ignore[arg-type]  # the refusal under test


def test_a_recursive_rule_refers_to_itself() -> None:
    """A rule tree's children are Rules: one definition, referred to from inside itself."""
    schema = json_schema(RuleDocument)
    validator = jsonschema.Draft202012Validator(schema)
    doc = {"rule": {"op": "not", "child": {"op": "and", "children": [{"op": "true"}]}}}
    assert validator.is_valid(doc)
    assert not validator.is_valid({"rule": {"op": "not", "child": {"op": "maybe"}}})
    assert from_dict(doc, RuleDocument).version == 1
