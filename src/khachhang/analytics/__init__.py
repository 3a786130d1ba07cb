"""Predictive customer analytics: BG/NBD purchases, Gamma-Gamma spend, discounted CLV.

The models of Fader, Hardie & Lee (2005, 2005b), fitted by maximum likelihood on a
calibration :class:`Summary` (``summarize(customers, as_of=...)``). The summary is pure
Python; fitting and predicting need the ``analytics`` extra (numpy and scipy), imported
only when they run, so ``import khachhang.analytics`` stays light.

>>> from datetime import datetime, timezone
>>> from khachhang.analytics import BgNbdFit, TimeUnit
>>> m = BgNbdFit(r=0.243, alpha=4.414, a=0.793, b=2.426, unit=TimeUnit.WEEKS)
>>> round(m.probability_alive(frequency=0, recency=0.0, age=38.86), 3)
1.0
"""

from khachhang.analytics._bgnbd import BgNbdFit, fit_bgnbd
from khachhang.analytics._clv import MONTH_DAYS, predictive_clv
from khachhang.analytics._gamma_gamma import GammaGammaFit, fit_gamma_gamma
from khachhang.analytics._summary import Summary, TimeUnit, summarize

__all__ = [
    "MONTH_DAYS",
    "BgNbdFit",
    "GammaGammaFit",
    "Summary",
    "TimeUnit",
    "fit_bgnbd",
    "fit_gamma_gamma",
    "predictive_clv",
    "summarize",
]
