"""Notebook views: ``_repr_html_`` / ``_repr_markdown_`` of the models a user meets first.

The laws: every HTML view is well-formed (each tag closed in order), uses only the few
tags the views emit, and shows user text as text — a name like ``<script>`` or
``O'Reilly & Co`` comes back out of the parsed text, never as markup. Markdown views
carry no raw HTML at all. Views are pure: the same value gives the same text.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from html.parser import HTMLParser

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from khachhang import Customer, Money, Organization, Person
from khachhang.buying import BuyClass, BuyingProcess, Stage
from khachhang.care import (
    BirthdayGreeting,
    Channel,
    Complaint,
    HolidayGreeting,
    Resolution,
    ResolutionOutcome,
)
from khachhang.care._demo import demo_plan
from khachhang.care.rules import Purpose
from khachhang.care.schedule import Agenda, CarePlan
from khachhang.care.templates import PRE_SALE
from khachhang.care.touchpoints import Drop, DropReason, Touchpoint
from khachhang.customers import Purchase
from khachhang.errors import ValidationError
from khachhang.parties import ContactChannel, ContactPoint
from khachhang.sample import SAMPLE_AS_OF, sample_book
from khachhang.segmentation import Segment, Segmenter
from khachhang.segmentation.rules import F, RuleDocument
from khachhang.segmentation.standard import standard_segments
from khachhang.serde import from_dict, to_dict
from khachhang.testing._buying import buying_processes
from khachhang.testing._care import agendas, workflow_runs
from khachhang.testing._care_service import complaints
from khachhang.testing._segmentation import rule_documents, rules, segmenters
from khachhang.testing._strategies import customers

T0 = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
VOID = frozenset({"br"})
TAGS = frozenset(
    {"div", "table", "caption", "thead", "tbody", "tr", "th", "td", "ul", "li", "b", "small"}
    | {"p", "br", "h4", "code"}
)
HOSTILE = ["<script>alert(1)</script>", "O'Reilly & Co", 'a"b<i>', "&amp; &lt;x&gt;", "</td>"]


class _Checker(HTMLParser):
    """Collects tags and text; records any tag closed out of order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: set[str] = set()
        self.attrs: set[str] = set()
        self.errors: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attrs.update(name for name, _ in attrs)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.errors.append(f"self-closing <{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(f"</{tag}> closes nothing open")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parsed(markup: str) -> _Checker:
    """Parse ``markup``; assert it is well-formed and uses only the views' tags."""
    checker = _Checker()
    checker.feed(markup)
    checker.close()
    assert not checker.errors, checker.errors
    assert not checker.stack, f"left open: {checker.stack}"
    assert checker.tags <= TAGS, checker.tags - TAGS
    assert checker.attrs <= {"class", "style"}, checker.attrs
    return checker


def text_of(markup: str) -> str:
    return "".join(parsed(markup).text)


def renamed(customer: Customer, name: str) -> Customer:
    party = customer.party
    if isinstance(party, Person):
        return attrs.evolve(customer, party=attrs.evolve(party, full_name=name))
    return attrs.evolve(customer, party=attrs.evolve(party, legal_name=name))


hostile_text = st.text(alphabet="<>&\"'/ab=;#x", min_size=1, max_size=30).filter(
    lambda s: s.strip() and "  " not in s and s == s.strip()
)


# --- the laws -------------------------------------------------------------------------


@settings(max_examples=40, suppress_health_check=list(HealthCheck))
@given(customers(max_purchases=8), hostile_text, st.sampled_from(["en", "vi"]))
def test_a_customer_card_is_well_formed_and_shows_hostile_names_as_text(
    customer: Customer, name: str, lang: str
) -> None:
    c = renamed(customer, name)
    markup = c.to_html(lang)
    assert name in text_of(markup)
    assert "<script" not in markup
    assert markup == c.to_html(lang)  # pure: same value, same view


@settings(max_examples=40, suppress_health_check=list(HealthCheck))
@given(rules(max_depth=3), hostile_text, customers(max_purchases=3), st.sampled_from(["en", "vi"]))
def test_rules_and_explanations_are_well_formed_and_escaped(
    rule: object, tag: str, customer: Customer, lang: str
) -> None:
    hostile_rule = rule & F.tags.contains(tag)  # type: ignore[operator]
    c = attrs.evolve(customer, tags={tag})
    assert tag in text_of(hostile_rule.to_html(lang))
    why = hostile_rule.explain(c, as_of=T0)
    assert tag in text_of(why.to_html(lang))
    parsed(why._repr_html_())
    for markdown in (hostile_rule.to_markdown(lang), why.to_markdown(lang)):
        assert "<" not in markdown  # no raw HTML reaches a Markdown cell
    assert hostile_rule.to_html(lang) == hostile_rule.to_html(lang)


@settings(max_examples=25, suppress_health_check=list(HealthCheck))
@given(segmenters(), hostile_text)
def test_segmenter_tables_are_well_formed_and_escaped(seg: Segmenter, label: str) -> None:
    first = attrs.evolve(seg.segments[0], label_en=label, description=label)
    table = Segmenter([first, *seg.segments[1:]], mode=seg.mode)
    shown = parsed(table._repr_html_())
    assert label in "".join(shown.text)
    assert "<" not in table._repr_markdown_()


@settings(max_examples=15, suppress_health_check=list(HealthCheck))
@given(buying_processes(), workflow_runs(), complaints(), agendas(), rule_documents())
def test_every_other_view_is_well_formed(
    p: BuyingProcess, run: object, complaint: Complaint, agenda: Agenda, doc: RuleDocument
) -> None:
    for value in (p, run, complaint, agenda, doc):
        parsed(value._repr_html_())  # type: ignore[attr-defined]
    assert "```mermaid" in p._repr_markdown_()
    assert "<" not in doc._repr_markdown_()


@settings(max_examples=25, suppress_health_check=list(HealthCheck))
@given(agendas())
def test_an_agenda_round_trips_and_counts_what_it_holds(agenda: Agenda) -> None:
    assert from_dict(to_dict(agenda), Agenda) == agenda
    assert sum(agenda.by_channel().values()) == len(agenda.touchpoints)
    assert sum(agenda.by_reason().values()) == len(agenda.drops)
    assert sum(len(v) for v in agenda.by_day().values()) == len(agenda.touchpoints)


# --- examples: customers --------------------------------------------------------------

BOOK = sample_book(120)


def test_a_long_purchase_history_is_summarised_not_dumped() -> None:
    busy = max(BOOK, key=lambda c: c.orders)
    assert busy.orders > 5
    text = text_of(busy.to_html("en", purchases=3))
    shown = [p.id for p in busy.purchases if p.id in text]
    assert shown == [p.id for p in busy.purchases[-3:]]
    assert f"{busy.orders - 3} earlier purchase(s) not shown" in text
    assert busy.total_spent.format("en") in text
    assert busy.lifecycle.label("en") in text


def test_contacts_show_the_channel_and_a_masked_value_only() -> None:
    phone = ContactPoint.phone("0901234567", consents=[ContactChannel.SMS])
    email = ContactPoint.email("tran.thi.lan@example.com")
    c = Customer("c-1", Person("Trần Thị Lan", contacts=[phone, email]), created_at=T0)
    text = text_of(c.to_html("vi"))
    assert "+84901234567" not in text
    assert "tran.thi.lan" not in text
    assert "+849•••••567" in text
    assert "t•••@example.com" in text
    assert "Số điện thoại" in text
    assert "đồng ý: Tin nhắn SMS" in text


def test_a_new_customer_card_says_what_is_missing() -> None:
    c = Customer("c-2", Organization("Công ty TNHH An Phát"), created_at=T0)
    text = text_of(c._repr_html_())
    assert "Orders0" in text.replace(" ", "")
    assert "Latest purchases" not in text
    assert "Business" in text


def test_the_card_speaks_both_languages_and_refuses_others() -> None:
    c = BOOK[0]
    assert "Lifecycle" in c.to_html("en")
    assert "Vòng đời" in c.to_html("vi")
    with pytest.raises(ValidationError):
        c.to_html("fr")


# --- examples: rules and segments -------------------------------------------------------


def test_a_rule_tree_nests_and_or_not() -> None:
    rule = (F.orders > 0) & ((F.tags.contains("vip")) | ~F.income.is_null())
    text = rule.to_markdown("en").splitlines()
    assert text[0] == "- **all of**"
    assert text[2] == "  - **any of**"
    assert text[4] == "    - **not**"
    assert text[5].startswith("      - ")
    checker = parsed(rule._repr_html_())
    assert {"ul", "li", "b"} <= checker.tags
    assert "tất cả" in rule.to_html("vi")


def test_a_rule_document_shows_its_version_and_rule() -> None:
    doc = RuleDocument(F.orders >= 2)
    text = text_of(doc._repr_html_())
    assert "schema version 1" in text
    assert "Number of orders ≥ 2" in text


def test_the_explanation_views_agree_on_every_result() -> None:
    c = max(BOOK, key=lambda x: x.orders)
    rule = (F.orders >= 3) & (F.total_spent >= Money("1000000000000"))
    why = rule.explain(c, as_of=SAMPLE_AS_OF)
    html_text = text_of(why._repr_html_())
    md_text = why._repr_markdown_()
    assert html_text.count("TRUE") == md_text.count("**TRUE**") == 1
    assert html_text.count("FALSE") == md_text.count("**FALSE**") == 2


def test_the_standard_segments_table_lists_every_segment_with_its_rule() -> None:
    seg = Segmenter(standard_segments(), mode="all")
    checker = parsed(seg.to_html("vi"))
    text = "".join(checker.text)
    for s in seg.segments:
        assert s.label("vi") in text
        assert s.rule.describe("vi") in text
    assert seg._repr_markdown_().count("\n") == len(seg.segments) + 1
    one = Segment("vip", F.orders > 3, "VIP", "VIP")
    assert "vip" in text_of(one._repr_html_())


# --- examples: buying -----------------------------------------------------------------


def test_a_purchase_shows_stage_status_history_and_a_mermaid_diagram() -> None:
    p = BuyingProcess.start(id="b-1", buyer="c-7", buy_class=BuyClass.NEW_TASK, at=T0)
    p = p.advance(at=T0 + timedelta(days=1)).advance(at=T0 + timedelta(days=2))
    p = p.revisit(Stage.PROBLEM_RECOGNITION, reason="ngân sách", at=T0 + timedelta(days=3))
    text = text_of(p.to_html("en"))
    assert "Stage: Problem recognition" in text
    assert "Status: Open" in text
    assert "revisit" in text
    history = parsed(p.to_html("en"))
    assert history.tags >= {"table", "caption"}
    markdown = p._repr_markdown_()
    assert markdown.count("```") == 2
    assert "\n```mermaid\nstateDiagram-v2\n" in markdown
    assert "class problem_recognition current" in markdown
    assert "Giai đoạn" in p.to_markdown("vi")


# --- examples: care -------------------------------------------------------------------

END = SAMPLE_AS_OF + timedelta(days=30)


def test_a_care_plan_lists_its_rules_quiet_hours_and_cap() -> None:
    plan = demo_plan([2026, 2027])
    text = text_of(plan._repr_html_())
    for rule in plan.rules:
        assert rule.name in text
    assert "after each purchase: 3 d, 1 mo" in text
    assert "21:00–08:00" in text
    assert "2 / Week" in text
    vi = text_of(plan.to_html("vi"))
    assert "sau mỗi lần mua: 3 ngày, 1 tháng" in vi
    none = CarePlan([BirthdayGreeting()], quiet_hours=None)
    assert "Quiethours—" in text_of(none.to_html()).replace(" ", "")


def test_the_agenda_is_what_schedule_yields() -> None:
    plan = demo_plan([2026, 2027])
    agenda = plan.agenda(BOOK, start=SAMPLE_AS_OF, end=END)
    streamed = list(plan.schedule(BOOK, start=SAMPLE_AS_OF, end=END))
    assert list(agenda.touchpoints) == [x for x in streamed if isinstance(x, Touchpoint)]
    assert list(agenda.drops) == [x for x in streamed if isinstance(x, Drop)]
    assert agenda.tz == "Asia/Ho_Chi_Minh"
    assert agenda.touchpoints, "the sample book has care to plan in 30 days"
    checker = parsed(agenda._repr_html_())
    text = "".join(checker.text)
    for day in agenda.by_day():
        assert f"{day:%Y-%m-%d}" in text
    assert f"First 20 of {len(agenda.touchpoints)} touchpoints" in text
    assert from_dict(to_dict(agenda), Agenda) == agenda


def test_an_agenda_refuses_items_outside_its_window() -> None:
    t = Touchpoint("c-1", T0, Channel.SMS, Purpose.BIRTHDAY, "birthday")
    with pytest.raises(ValidationError, match=r"touchpoints\[0\]\.due"):
        Agenda(T0 + timedelta(hours=1), T0 + timedelta(days=1), touchpoints=[t])
    with pytest.raises(ValidationError, match="end"):
        Agenda(T0, T0 - timedelta(days=1))
    drop = Drop(t, DropReason.NO_CONSENT)
    with pytest.raises(ValidationError, match=r"drops\[0\]\.due"):
        Agenda(T0, T0, drops=[drop])


def test_an_agenda_names_a_tzinfo_zone() -> None:
    sms = ContactPoint.phone("0901234567", consents=[ContactChannel.SMS])
    an = Customer("c-1", Person("An", birth_date=date(1990, 3, 5), contacts=[sms]), created_at=T0)
    plan = CarePlan([BirthdayGreeting()])
    agenda = plan.agenda([an], start=T0, end=T0 + timedelta(days=7), tz=timezone.utc)
    assert agenda.tz == "UTC"
    assert [t.due.day for t in agenda.touchpoints] == [5]
    assert "T5" in agenda.to_html("vi")  # 2026-03-05 is a Thursday


def test_touchpoint_drop_run_and_complaint_tables() -> None:
    t = Touchpoint("<c>", T0, Channel.SMS, Purpose.HOLIDAY, "holidays", "Quốc khánh & Tết")
    assert "Quốc khánh & Tết" in text_of(t._repr_html_())
    drop = Drop(t, DropReason.NO_CONSENT, "sms: no_consent")
    assert DropReason.NO_CONSENT.label("en") in text_of(drop._repr_html_())
    run = PRE_SALE.start("c-7", T0)
    run = run.complete_step(run.steps[0].step.key, at=T0 + timedelta(hours=1), outcome="ok")
    text = text_of(run._repr_html_())
    for progress in run.steps:
        assert progress.step.label("en") in text
    assert f"{run.progress.percent}%" in text
    c = Complaint("k-1", "c-7", Channel.PHONE, "Giao hàng trễ", received_at=T0)
    c = c.acknowledge(at=T0 + timedelta(minutes=5), actor="lan")
    c = c.begin_work(at=T0 + timedelta(hours=1))
    c = c.resolve(Resolution(ResolutionOutcome.REFUND), at=T0 + timedelta(hours=2))
    text = text_of(c._repr_html_())
    assert all(move in text for move in ("acknowledge", "begin_work", "resolve"))
    assert "Resolved" in text
    assert "lan" in text


def test_a_large_customer_history_view_stays_small() -> None:
    base = Customer("c-9", Person("Lê Văn Minh"), created_at=T0)
    orders = [Purchase(f"o{i}", T0 + timedelta(hours=i), Money(1000)) for i in range(500)]
    c = base.add_purchases(orders)
    assert len(c.to_html()) < 4000
    assert "495 earlier purchase(s) not shown" in text_of(c.to_html())


def test_holidays_rule_summary_names_the_first_days() -> None:
    rule = HolidayGreeting.from_mapping(
        {date(2026, 9, 2): "Quốc khánh", date(2026, 1, 1): "Tết Dương lịch"}
    )
    text = text_of(CarePlan([rule]).to_html())
    assert "2 day(s): 01-01 Tết Dương lịch, 09-02 Quốc khánh" in text
