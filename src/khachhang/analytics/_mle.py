"""Maximum likelihood on log-parameters, with standard errors from a numerical Hessian.

numpy and scipy (the ``analytics`` extra) are imported inside the functions, so importing
``khachhang.analytics`` costs nothing until a model is fitted or asked for a prediction.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from khachhang.errors import ValidationError

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = ["Estimate", "maximize", "numeric"]

Estimate = tuple[tuple[float, ...], tuple[float, ...] | None, float]
"""Parameters, their standard errors (``None`` if the Hessian is not invertible), and the
maximised log-likelihood."""


def numeric() -> tuple[Any, Any]:
    """``(numpy, scipy.special)``, or an ``ImportError`` that names the extra."""
    try:
        import numpy as np
        from scipy import special
    except ImportError as exc:  # pragma: no cover - the test extra has both
        msg = "khachhang.analytics needs numpy and scipy: pip install 'khachhang[analytics]'"
        raise ImportError(msg) from exc
    return np, special


def _hessian(f: Callable[[NDArray[Any]], float], x: NDArray[Any], step: float) -> NDArray[Any]:
    """Central-difference Hessian of ``f`` at ``x``."""
    np, _ = numeric()
    k = len(x)
    h = np.zeros((k, k))
    eye = np.eye(k) * step
    f0 = f(x)
    for i in range(k):
        for j in range(i, k):
            if i == j:
                value = (f(x + eye[i]) - 2 * f0 + f(x - eye[i])) / step**2
            else:
                value = (
                    f(x + eye[i] + eye[j])
                    - f(x + eye[i] - eye[j])
                    - f(x - eye[i] + eye[j])
                    + f(x - eye[i] - eye[j])
                ) / (4 * step**2)
            h[i, j] = h[j, i] = value
    return h  # type: ignore[no-any-return]  # numpy.zeros, typed Any through numeric()


def maximize(
    negative_log_likelihood: Callable[[NDArray[Any]], float], names: tuple[str, ...], model: str
) -> Estimate:
    """Maximise a log-likelihood over positive parameters, searched on their logarithms.

    Returns the parameters, their standard errors by the delta method
    (``se(θ) = θ · se(log θ)``, ``se(log θ)`` from the inverse Hessian of the negative
    log-likelihood in log-parameters) and the log-likelihood at the optimum.
    """
    np, _ = numeric()
    from scipy.optimize import minimize

    def objective(log_params: NDArray[Any]) -> float:
        value = float(negative_log_likelihood(np.exp(log_params)))
        return value if math.isfinite(value) else 1e300

    start = np.zeros(len(names))
    first = minimize(objective, start, method="BFGS")
    # BFGS with numerical gradients stops early on flat likelihoods; Nelder-Mead polishes.
    # Tolerances relative to the likelihood: a sum over many customers never settles to
    # an absolute 1e-12, and the parameters are wanted to about 1e-7, not beyond.
    scale = max(1.0, abs(float(first.fun))) if math.isfinite(float(first.fun)) else 1.0
    best = minimize(
        objective,
        first.x,
        method="Nelder-Mead",
        options={"xatol": 1e-8, "fatol": 1e-12 * scale, "maxiter": 5_000, "maxfev": 10_000},
    )
    value = float(best.fun)
    if not math.isfinite(value) or value >= 1e300 or not np.all(np.isfinite(best.x)):
        msg = f"the {model} likelihood has no finite maximum on these data"
        raise ValidationError("summary", msg)
    log_params = best.x
    params = tuple(float(v) for v in np.exp(log_params))
    if not all(math.isfinite(p) and p > 0 for p in params):
        msg = f"the {model} fit ran off to a parameter of 0 or infinity: {params}"
        raise ValidationError("summary", msg)
    errors: tuple[float, ...] | None = None
    try:
        covariance = np.linalg.inv(_hessian(objective, log_params, 1e-4))
        variances = np.diag(covariance)
        if np.all(np.isfinite(variances)) and np.all(variances > 0):
            errors = tuple(float(p * math.sqrt(v)) for p, v in zip(params, variances, strict=True))
    except np.linalg.LinAlgError:
        errors = None
    return params, errors, -value
