"""Every service-side care model round-trips through the one converter; the demo renders."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import scaled
from khachhang.care.service.complaints import Resolution
from khachhang.care.service.sla import ServiceLevel, SlaMetric, SlaTarget
from khachhang.cli._demo import care_service as _demo_service
from khachhang.errors import ConversionError
from khachhang.sample import SAMPLE_AS_OF, sample_book
from khachhang.serde import from_dict, from_json, to_dict, to_json
from khachhang.serde._care import PAYLOADS
from khachhang.testing import _care_service as strategies

MODELS = [
    name
    for name in strategies.__all__
    if name not in {"register_types", "TET_2026", "complaints"}  # complaints: test_care_service_sla
]


@pytest.mark.parametrize("name", MODELS)
@settings(max_examples=scaled(20))
@given(data=st.data())
def test_every_model_round_trips(name: str, data: st.DataObject) -> None:
    value: Any = data.draw(getattr(strategies, name)())
    assert from_dict(to_dict(value), type(value)) == value
    assert from_json(to_json(value), type(value)) == value


def test_register_types_teaches_from_type() -> None:
    strategies.register_types()

    @settings(max_examples=scaled(5))
    @given(st.from_type(ServiceLevel), st.from_type(Resolution))
    def check(policy: ServiceLevel, resolution: Resolution) -> None:
        assert isinstance(policy, ServiceLevel)
        assert isinstance(resolution, Resolution)

    check()


def test_the_resolution_payload_is_registered_with_a_tag() -> None:
    assert (Resolution, "complaint_resolution") in PAYLOADS


def test_durations_are_exact_second_strings() -> None:
    target = SlaTarget(SlaMetric.FIRST_REPLY, timedelta(hours=1, microseconds=5))
    assert to_dict(target)["within"] == "3600.000005"
    assert to_dict(SlaTarget(SlaMetric.FIRST_REPLY, timedelta(hours=1)))["within"] == "3600"
    for bad in ("soon", "1e999", 1.5, "0.0000001"):
        with pytest.raises(ConversionError):
            from_dict({"metric": "first_reply", "within": bad}, SlaTarget)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_demo_shows_each_complaint_with_its_clock(lang: str) -> None:
    book = sample_book(60)
    text = _demo_service.render(book, as_of=SAMPLE_AS_OF, lang=lang)
    assert text == _demo_service.render(book, as_of=SAMPLE_AS_OF, lang=lang)
    for cid in ("KN-001", "KN-002", "KN-003", "KN-004"):
        assert cid in text
    breached = "quá hạn" if lang == "vi" else "breached"
    assert breached in text  # the urgent complaint answered three hours late


def test_the_demo_complaints_are_valid_and_in_different_statuses() -> None:
    book = sample_book(60)
    made = _demo_service.demo_complaints(book, SAMPLE_AS_OF)
    assert len({c.status for c in made}) == 4
    assert all(c.received_at < SAMPLE_AS_OF for c in made)
    assert _demo_service.demo_complaints([], SAMPLE_AS_OF) == ()
    empty = _demo_service.render([], as_of=datetime(2026, 1, 1, tzinfo=timezone.utc), lang="en")
    assert "no complaint" in empty
