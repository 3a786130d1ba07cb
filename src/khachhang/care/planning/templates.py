"""The built-in care workflows: care before, during and after the sale.

Care by phase (*chăm sóc khách hàng qua từng giai đoạn*) has five steps before the sale
and four after it; :data:`PRE_SALE` and :data:`POST_SALE` follow them in order. The due
offsets are our defaults.

>>> [s.key for s in POST_SALE.steps]
['track_feedback', 'respond_and_check_in', 'loyalty_policy', 'resolve_complaints']

Customer care is support "trước, trong và sau" the purchase — before, during and after —
and in small firms the sales staff do all three; :class:`SaleStage` names
the three stages and :data:`BY_STAGE` gives each its workflow, :data:`DURING_SALE` the
care while the sale is being made:

>>> [(stage.value, wf.key) for stage, wf in BY_STAGE.items()]
[('before', 'pre_sale'), ('during', 'during_sale'), ('after', 'post_sale')]
>>> SaleStage.DURING.label(), SaleStage.DURING.label("en")
('Trong khi bán', 'During the sale')
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from dateutil.relativedelta import relativedelta

from khachhang.care.channels import CareMode, Channel
from khachhang.care.planning.workflows import CareWorkflow, WorkflowStep
from khachhang.labels import BilingualEnum

__all__ = ["BUILT_IN", "BY_STAGE", "DURING_SALE", "POST_SALE", "PRE_SALE", "SaleStage"]


class SaleStage(BilingualEnum):
    """When care happens relative to the sale: before, during or after it."""

    BEFORE = ("before", "Trước khi bán", "Before the sale")
    DURING = ("during", "Trong khi bán", "During the sale")
    AFTER = ("after", "Sau khi bán", "After the sale")


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

DURING_SALE = CareWorkflow(
    key="during_sale",
    label_vi="Chăm sóc khách hàng trong khi bán",
    label_en="Care during the sale",
    steps=(
        _step(
            "welcome_and_listen",
            "Đón tiếp, lắng nghe nhu cầu của khách hàng",
            "Welcome the customer and listen to their needs",
            _P,
            Channel.IN_PERSON,
            relativedelta(),
        ),
        _step(
            "advise_and_demonstrate",
            "Tư vấn, giới thiệu và hướng dẫn sử dụng sản phẩm",
            "Advise, present and show how to use the product",
            _P,
            Channel.IN_PERSON,
            relativedelta(),
        ),
        _step(
            "answer_questions",
            "Giải đáp thắc mắc, hỗ trợ đặt hàng",
            "Answer questions and help with the order",
            _R,
            Channel.LIVE_CHAT,
            relativedelta(),
            required=False,
        ),
        _step(
            "confirm_order",
            "Xác nhận đơn hàng, thanh toán và giao nhận",
            "Confirm the order, payment and delivery",
            _P,
            Channel.PHONE,
            relativedelta(days=1),
        ),
    ),
)
"""Care while the sale is made (care is support "trước, trong và sau khoản thời gian mua
hàng"; live chat serves "để yêu cầu thêm thông tin hay hỗ trợ đặt hàng"):
welcome and listen, advise and show the product, answer questions (reactive: optional),
confirm the order, payment and delivery. Practice names this stage but numbers no steps
for it: these steps are ours, and so are the offsets."""

BUILT_IN: Mapping[str, CareWorkflow] = MappingProxyType(
    {PRE_SALE.key: PRE_SALE, DURING_SALE.key: DURING_SALE, POST_SALE.key: POST_SALE}
)

BY_STAGE: Mapping[SaleStage, CareWorkflow] = MappingProxyType(
    {SaleStage.BEFORE: PRE_SALE, SaleStage.DURING: DURING_SALE, SaleStage.AFTER: POST_SALE}
)
"""The built-in workflow of each stage of the sale."""
