"""Shared test configuration: Hypothesis profiles, the example budget, shared instants.

``dev`` (default locally) is quick; ``ci`` (selected when ``CI`` is set) runs more
examples but stays within the suite's five-minute budget on two cores; ``thorough`` is
for a nightly or a hunt (``HYPOTHESIS_PROFILE=thorough``).

A test never pins its own ``max_examples``: a slow one asks for a share of the profile
with :func:`scaled`, so ``thorough`` still scales it up. Test modules import the
helpers and constants from here (``from conftest import T0, scaled``).
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, settings

from khachhang.testing import aware_datetimes

CI_EXAMPLES = 100
"""``max_examples`` of the ``ci`` profile: the unit :func:`scaled` counts in."""

settings.register_profile("dev", max_examples=50, deadline=None)
settings.register_profile(
    "ci",
    max_examples=CI_EXAMPLES,
    deadline=None,
    derandomize=True,
    # CI shares two cores between jobs: the time Hypothesis measures is not the test's.
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile("thorough", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


SLOW_EXAMPLES = [HealthCheck.too_slow]
"""Suppress for a test whose every example is slow by design (a process of tens of real
moves, a rendered page, a book of customers): Hypothesis would time the code under test,
not the strategy."""
WHOLE_BOOKS = [HealthCheck.too_slow, HealthCheck.data_too_large]
"""Suppress for a test that draws whole books of customers with their purchases: large
draws are the point (backends are compared on books, not on single customers)."""


def scaled(examples: int) -> int:
    """``examples`` under the ``ci`` profile, scaled like the loaded profile (at least 1).

    For a test whose examples are expensive: ``@settings(max_examples=scaled(20))`` runs
    20 under ``ci``, 10 under ``dev`` and 400 under ``thorough``.
    """
    return max(1, round(examples * settings().max_examples / CI_EXAMPLES))


# --- shared instants -------------------------------------------------------------------
UTC = timezone.utc
ICT = timezone(timedelta(hours=7))
"""Vietnam time as a fixed offset (UTC+7, no daylight saving)."""

HO_CHI_MINH = ZoneInfo("Asia/Ho_Chi_Minh")
"""Vietnam time as the IANA zone."""

T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)
"""A Monday morning: the start of most tests' stories."""
NEW_YEAR = datetime(2026, 1, 1, tzinfo=UTC)
"""New Year 2026, midnight UTC: the reference of the segmentation tests."""
MARCH_MONDAY = datetime(2026, 3, 2, 9, tzinfo=UTC)
"""Monday 2 March 2026, 09:00 UTC: the start of the buying and display stories."""

AS_OFS = aware_datetimes(datetime(2000, 1, 1, tzinfo=UTC), datetime(2036, 12, 31, tzinfo=UTC))
"""Any "today" from 2000 to 2036, in any offset."""


@pytest.fixture(autouse=True)
def _english_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's messages follow the locale: tests run under an English one, whatever the
    developer's (a test of the Vietnamese messages passes --lang vi or environ=)."""
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
