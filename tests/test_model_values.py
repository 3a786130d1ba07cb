"""Every public model is a value: it pickles, deep-copies and (frozen) hashes.

The models come from the Hypothesis entry point's registry (``khachhang.testing``), so
a model added there is checked here too.
"""

from __future__ import annotations

import copy
import importlib
import pickle
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SLOW_EXAMPLES, scaled
from khachhang.report import BookSummary, summarize
from khachhang.sample import SAMPLE_AS_OF, sample_book
from khachhang.testing._hook import _MODELS, _strategy


def _models() -> list[tuple[type[Any], st.SearchStrategy[Any]]]:
    found = []
    for strategies, models in _MODELS.items():
        for model_module, pairs in models.items():
            module = importlib.import_module(model_module)
            for cls_name, strategy in pairs:
                cls = getattr(module, cls_name)
                found.append((cls, _strategy(strategies, strategy, cls)))
    return found


MODELS = _models()


def _is_frozen(cls: type[Any]) -> bool:
    """An attrs class whose instances refuse attribute assignment."""
    return attrs.has(cls) and cls.__setattr__ is not object.__setattr__


@pytest.mark.parametrize(("cls", "values"), MODELS, ids=[cls.__name__ for cls, _ in MODELS])
@settings(max_examples=scaled(10), suppress_health_check=SLOW_EXAMPLES)
@given(data=st.data())
def test_every_public_model_pickles_copies_and_hashes(
    cls: type[Any], values: st.SearchStrategy[Any], data: st.DataObject
) -> None:
    """pickle and deepcopy give an equal value; a frozen model's hash is the copy's."""
    value = data.draw(values)
    assert isinstance(value, cls)
    for clone in (pickle.loads(pickle.dumps(value)), copy.deepcopy(value), copy.copy(value)):
        assert clone == value
        if _is_frozen(type(value)):
            assert hash(clone) == hash(value)


def test_a_book_summary_is_a_hashable_picklable_value() -> None:
    """BookSummary held read-only proxies: hash, deepcopy and pickle raised TypeError."""
    summary = summarize(sample_book(30), as_of=SAMPLE_AS_OF)
    again = summarize(reversed(sample_book(30)), as_of=SAMPLE_AS_OF)
    assert summary == again
    assert hash(summary) == hash(again)
    assert pickle.loads(pickle.dumps(summary)) == summary
    assert copy.deepcopy(summary) == summary
    assert {summary, again} == {summary}


def test_a_book_summarys_mappings_stay_read_only() -> None:
    """The frozen mappings refuse item assignment, like the proxies they replace."""
    summary = summarize(sample_book(5), as_of=SAMPLE_AS_OF)
    with pytest.raises(TypeError):
        summary.top_provinces["Hà Nội"] = 1  # type: ignore[index]
    assert attrs.evolve(summary, no_source=1) != summary
    assert isinstance(summary, BookSummary)
    assert repr(summary.by_scope).startswith("{")
