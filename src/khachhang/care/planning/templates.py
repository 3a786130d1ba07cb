"""The built-in care workflows: pre-sale and post-sale care.

Care by phase (*chăm sóc khách hàng qua từng giai đoạn*) has five steps before the sale
and four after it; :data:`PRE_SALE` and :data:`POST_SALE` follow them in order. The due
offsets are our defaults.

>>> [s.key for s in POST_SALE.steps]
['track_feedback', 'respond_and_check_in', 'loyalty_policy', 'resolve_complaints']
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from dateutil.relativedelta import relativedelta

from khachhang.care.channels import CareMode, Channel
from khachhang.care.planning.workflows import CareWorkflow, WorkflowStep

__all__ = ["BUILT_IN", "POST_SALE", "PRE_SALE"]


def _step(
    key: str,
    vi: str,
    en: str,
    mode: CareMode,
    channel: Channel | None,
    due: relativedelta,
    *,
    required: bool = True,
) -> WorkflowStep:
    return WorkflowStep(key, vi, en, mode, channel, due, required)


_P, _R = CareMode.PROACTIVE, CareMode.REACTIVE

PRE_SALE = CareWorkflow(
    key="pre_sale",
    label_vi="Chăm sóc khách hàng trước khi bán",
    label_en="Pre-sale care",
    steps=(
        _step(
            "gather_information",
            "Tìm kiếm và quản lý thông tin khách hàng",
            "Gather and manage customer information",
            _P,
            Channel.PHONE,
            relativedelta(days=1),
        ),
        _step(
            "classify",
            "Phân loại khách hàng",
            "Classify the customer",
            _P,
            None,
            relativedelta(days=2),
        ),
        _step(
            "timely_support",
            "Hỗ trợ kịp thời",
            "Timely support",
            _R,
            Channel.LIVE_CHAT,
            relativedelta(days=2),
            required=False,
        ),
        _step(
            "introduce_and_advise",
            "Giới thiệu sản phẩm và tư vấn mua hàng",
            "Introduce products and advise",
            _P,
            Channel.PHONE,
            relativedelta(days=5),
        ),
        _step(
            "maintain_relationship",
            "Duy trì mối quan hệ với khách hàng",
            "Maintain the relationship",
            _P,
            Channel.EMAIL,
            relativedelta(days=14),
        ),
    ),
)
"""Pre-sale care (*giai đoạn trước khi bán*), its five steps in order: gather and manage the
customer's information (needs, wishes, location, ability to pay); classify customers into
groups with shared traits; support in time ("giải đáp thắc mắc kịp thời" — reactive, so
optional: only when the customer asks); introduce products and advise on the purchase;
maintain the relationship (thank-you messages, useful information). Offsets are defaults
of ours."""

POST_SALE = CareWorkflow(
    key="post_sale",
    label_vi="Chăm sóc khách hàng sau khi bán",
    label_en="Post-sale care",
    steps=(
        _step(
            "track_feedback",
            "Theo dõi, phân tích đánh giá phản hồi của khách hàng",
            "Track and analyse the customer's feedback",
            _P,
            Channel.EMAIL,
            relativedelta(days=3),
        ),
        _step(
            "respond_and_check_in",
            "Phản hồi đánh giá, hỏi thăm khách hàng",
            "Respond to feedback and check in",
            _P,
            Channel.PHONE,
            relativedelta(days=7),
        ),
        _step(
            "loyalty_policy",
            "Xây dựng chính sách cho khách hàng thân thiết",
            "Build a loyal-customer policy",
            _P,
            Channel.SMS,
            relativedelta(days=30),
            required=False,
        ),
        _step(
            "resolve_complaints",
            "Giải quyết khiếu nại nhanh chóng, chính xác",
            "Resolve complaints quickly",
            _R,
            Channel.PHONE,
            relativedelta(days=30),
            required=False,
        ),
    ),
)
"""Post-sale care (*giai đoạn sau khi bán*), its four steps in order: track and analyse the
feedback customers give while using the product; respond and check in; policies for
loyal customers; resolve complaints quickly and precisely (reactive: optional, only when
there is a complaint — see :mod:`khachhang.care` for complaint handling)."""

BUILT_IN: Mapping[str, CareWorkflow] = MappingProxyType(
    {PRE_SALE.key: PRE_SALE, POST_SALE.key: POST_SALE}
)
