"""Notebook views: ``_repr_html_`` / ``_repr_markdown_`` of the models a user meets first.

The laws: every HTML view is well-formed (each tag closed in order), uses only the few
tags the views emit, and shows user text as text — a name like ``<script>`` or
``O'Reilly & Co`` comes back out of the parsed text, never as markup. Markdown views
carry no raw HTML at all, escape ``$`` (Jupyter typesets ``$...$``) and keep their shape
(one table row per value, one Mermaid fence) whatever the user wrote. Every HTML view
is one root that MathJax skips. Views are pure: the same value gives the same text, in
every process (hash seeds vary). IPython's ``text/plain`` of a customer or an agenda is
short and carries no contact value.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from html.parser import HTMLParser

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import MARCH_MONDAY as T0
from conftest import SLOW_EXAMPLES, scaled
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
from khachhang.care.planning.agenda import Agenda
from khachhang.care.planning.plan import CarePlan
from khachhang.care.planning.rules import Purpose
from khachhang.care.planning.templates import PRE_SALE
from khachhang.care.planning.touchpoints import Drop, DropReason, Touchpoint
from khachhang.cli._demo.care import demo_plan
from khachhang.customers import Purchase
from khachhang.errors import ValidationError
from khachhang.parties import ContactChannel, ContactPoint
from khachhang.privacy import ConsentLedger
from khachhang.sample import SAMPLE_AS_OF, sample_book
from khachhang.segmentation import F, RuleDocument, Segment, Segmenter
from khachhang.segmentation.standard import standard_segments
from khachhang.serde import from_dict, to_dict
from khachhang.testing import (
    agendas,
    buying_processes,
    care_plans,
    complaints,
    customers,
    rule_documents,
    rules,
    segmenters,
    workflow_runs,
)
from khachhang.views import to_html, to_markdown

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


@settings(max_examples=scaled(40), suppress_health_check=SLOW_EXAMPLES)
@given(customers(max_purchases=8), hostile_text, st.sampled_from(["en", "vi"]))
def test_a_customer_card_is_well_formed_and_shows_hostile_names_as_text(
    customer: Customer, name: str, lang: str
) -> None:
    c = renamed(customer, name)
    markup = c.to_html(lang)
    assert name in text_of(markup)
    assert "<script" not in markup
    assert markup == c.to_html(lang)  # pure: same value, same view


@settings(max_examples=scaled(40), suppress_health_check=SLOW_EXAMPLES)
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


@settings(max_examples=scaled(25), suppress_health_check=SLOW_EXAMPLES)
@given(segmenters(), hostile_text)
def test_segmenter_tables_are_well_formed_and_escaped(seg: Segmenter, label: str) -> None:
    first = attrs.evolve(seg.segments[0], label_en=label, description=label)
    table = Segmenter([first, *seg.segments[1:]], mode=seg.mode)
    shown = parsed(to_html(table, "en"))
    assert label in "".join(shown.text)
    assert "<" not in table._repr_markdown_()


@settings(max_examples=scaled(15), suppress_health_check=SLOW_EXAMPLES)
@given(buying_processes(), workflow_runs(), complaints(), agendas(), rule_documents())
def test_every_other_view_is_well_formed(
    p: BuyingProcess, run: object, complaint: Complaint, agenda: Agenda, doc: RuleDocument
) -> None:
    for value in (p, run, complaint, agenda, doc):
        parsed(value._repr_html_())  # type: ignore[attr-defined]
    assert "```mermaid" in p._repr_markdown_()
    assert "<" not in doc._repr_markdown_()


@settings(max_examples=scaled(25), suppress_health_check=SLOW_EXAMPLES)
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
    text = text_of(to_html(c, "en"))
    assert "Orders0" in text.replace(" ", "")
    assert "Latest purchases" not in text
    assert "Business" in text


def test_the_card_speaks_both_languages_and_refuses_others() -> None:
    c = BOOK[0]
    assert "Customer lifecycle" in c.to_html("en")
    assert "Vòng đời khách hàng" in c.to_html("vi")
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
    assert "tất cả" in rule.to_html()


def test_a_rule_document_shows_its_version_and_rule() -> None:
    doc = RuleDocument(F.orders >= 2)
    text = text_of(to_html(doc, "en"))
    assert "schema version 1" in text
    assert "Number of orders ≥ 2" in text


def test_the_explanation_views_agree_on_every_result() -> None:
    c = max(BOOK, key=lambda x: x.orders)
    rule = (F.orders >= 3) & (F.total_spent >= Money("1000000000000"))
    why = rule.explain(c, as_of=SAMPLE_AS_OF)
    html_text = text_of(to_html(why, "en"))
    md_text = to_markdown(why, "en")
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
    text = text_of(to_html(plan, "en"))
    for rule in plan.rules:
        assert rule.name in text
    assert "after each purchase: 3 d, 1 mo" in text
    assert "21:00–08:00" in text
    assert "2 / Week" in text
    vi = text_of(plan.to_html("vi"))
    assert "sau mỗi lần mua: 3 ngày, 1 tháng" in vi
    none = CarePlan([BirthdayGreeting()], quiet_hours=None)
    assert "Quiethours—" in text_of(none.to_html("en")).replace(" ", "")


def test_the_agenda_is_what_schedule_yields() -> None:
    plan = demo_plan([2026, 2027])
    agenda = plan.agenda(BOOK, start=SAMPLE_AS_OF, end=END)
    streamed = list(plan.schedule(BOOK, start=SAMPLE_AS_OF, end=END))
    assert list(agenda.touchpoints) == [x for x in streamed if isinstance(x, Touchpoint)]
    assert list(agenda.drops) == [x for x in streamed if isinstance(x, Drop)]
    assert agenda.tz == "Asia/Ho_Chi_Minh"
    assert agenda.touchpoints, "the sample book has care to plan in 30 days"
    checker = parsed(to_html(agenda, "en"))
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
    consent = {"c-1": ConsentLedger("c-1").grant("marketing", ContactChannel.SMS, at=T0)}
    agenda = plan.agenda(
        [an], start=T0, end=T0 + timedelta(days=7), tz=timezone.utc, consent=consent
    )
    assert agenda.tz == "UTC"
    assert [t.due.day for t in agenda.touchpoints] == [5]
    assert "T5" in agenda.to_html("vi")  # 2026-03-05 is a Thursday


def test_an_agenda_groups_by_the_day_in_its_own_zone() -> None:
    """20:00 UTC on 1 September is 03:00 on 2 September in Vietnam: the agenda's day."""
    late = datetime(2026, 9, 1, 20, tzinfo=timezone.utc)
    t = Touchpoint("c-1", late, Channel.SMS, Purpose.HOLIDAY, "holidays")
    window = (late - timedelta(days=1), late + timedelta(days=1))
    assert list(Agenda(*window, "Asia/Ho_Chi_Minh", [t]).by_day()) == [date(2026, 9, 2)]
    assert list(Agenda(*window, "UTC", [t]).by_day()) == [date(2026, 9, 1)]
    assert list(Agenda(*window, "UTC-05:00", [t]).by_day()) == [date(2026, 9, 1)]
    page = Agenda(*window, "Asia/Ho_Chi_Minh", [t], [Drop(t, DropReason.NO_CONSENT)]).to_html()
    assert "02/09/2026" in page  # the day in Vietnamese: dd/mm/yyyy


@pytest.mark.parametrize("zone", ["Not/AZone", "America", "UTC+25:00", "", "UTC+7"])
def test_an_agenda_refuses_a_zone_it_cannot_read(zone: str) -> None:
    with pytest.raises(ValidationError, match=r"^tz: "):
        Agenda(T0, T0 + timedelta(days=1), zone)


def test_an_agenda_of_a_fixed_offset_plan_names_it_and_reads_it_back() -> None:
    plan = CarePlan([BirthdayGreeting()])
    ict = timezone(timedelta(hours=7))
    agenda = plan.agenda([], start=T0, end=T0 + timedelta(days=1), tz=ict)
    assert agenda.tz == "UTC+07:00"
    assert from_dict(to_dict(agenda), Agenda) == agenda


def test_an_agenda_names_a_fixed_offset_by_its_offset_not_its_own_name() -> None:
    """timezone(+7h, "EST") is named "EST": read back as a zone name that is America's UTC-5,
    which moved a 09:00 touchpoint in Vietnam to the day before."""
    plan = CarePlan([BirthdayGreeting()])
    start, end = T0, T0 + timedelta(days=1)
    assert plan.agenda([], start=start, end=end, tz=timezone(timedelta(hours=7), "EST")).tz == (
        "UTC+07:00"
    )
    assert plan.agenda([], start=start, end=end, tz=timezone(timedelta(0), "EST")).tz == "UTC"
    with pytest.raises(ValidationError, match=r"^tz: .*whole minutes"):
        plan.agenda([], start=start, end=end, tz=timezone(timedelta(hours=5, seconds=10)))
    with pytest.raises(ValidationError, match=r"^tz: "):
        Agenda(start, end, "UTC+05:99")


def test_touchpoint_drop_run_and_complaint_tables() -> None:
    t = Touchpoint("<c>", T0, Channel.SMS, Purpose.HOLIDAY, "holidays", "Quốc khánh & Tết")
    assert "Quốc khánh & Tết" in text_of(t._repr_html_())
    drop = Drop(t, DropReason.NO_CONSENT, "sms: no_consent")
    assert DropReason.NO_CONSENT.label("en") in text_of(to_html(drop, "en"))
    run = PRE_SALE.start("c-7", at=T0)
    run = run.complete_step(run.steps[0].step.key, at=T0 + timedelta(hours=1), outcome="ok")
    text = text_of(to_html(run, "en"))
    for progress in run.steps:
        assert progress.step.label("en") in text
    assert f"{run.progress.percent}%" in text
    c = Complaint("k-1", "c-7", Channel.PHONE, "Giao hàng trễ", received_at=T0)
    c = c.acknowledge(at=T0 + timedelta(minutes=5), actor="lan")
    c = c.begin_work(at=T0 + timedelta(hours=1))
    c = c.resolve(Resolution(ResolutionOutcome.REFUND), at=T0 + timedelta(hours=2))
    text = text_of(to_html(c, "en"))
    assert all(move in text for move in ("acknowledge", "begin_work", "resolve"))
    assert "Resolved" in text
    assert "lan" in text


def test_a_large_customer_history_view_stays_small() -> None:
    base = Customer("c-9", Person("Lê Văn Minh"), created_at=T0)
    orders = [Purchase(f"o{i}", T0 + timedelta(hours=i), Money(1000)) for i in range(500)]
    c = base.add_purchases(orders)
    assert len(c.to_html()) < 4000
    assert "495 earlier purchase(s) not shown" in text_of(c.to_html("en"))


def test_holidays_rule_summary_names_the_first_days() -> None:
    rule = HolidayGreeting.from_mapping(
        {date(2026, 9, 2): "Quốc khánh", date(2026, 1, 1): "Tết Dương lịch"}
    )
    text = text_of(CarePlan([rule]).to_html("en"))
    assert "2 day(s): 01-01 Tết Dương lịch, 09-02 Quốc khánh" in text


# --- review fixes: one MathJax-free root, hostile text everywhere, Markdown structure -----


class _Roots(HTMLParser):
    """The classes of each top-level element of a fragment (a bare ``<ul>`` root takes
    its single item's: the explanation's list starts with a plain ``<ul>``)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.roots: list[set[str]] = []
        self.items: list[set[str]] = []
        self.loose_text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = set((dict(attrs).get("class") or "").split())
        if self.depth == 0:
            self.roots.append(classes)
        if self.depth == 1 and tag == "li":
            self.items.append(classes)
        if tag not in VOID:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth == 0:
            self.loose_text += data


def root_classes(markup: str) -> set[str]:
    """The classes of the view's single root element (asserting there is exactly one)."""
    finder = _Roots()
    finder.feed(markup)
    finder.close()
    assert len(finder.roots) == 1, f"{len(finder.roots)} top-level elements"
    assert not finder.loose_text.strip(), finder.loose_text
    if not finder.roots[0] and len(finder.items) == 1:
        return finder.items[0]
    return finder.roots[0]


def unescaped(markdown: str, chars: str) -> list[str]:
    """The characters of ``chars`` in ``markdown`` that no backslash escapes."""
    found, i = [], 0
    while i < len(markdown):
        if markdown[i] == "\\":
            i += 2
            continue
        if markdown[i] in chars:
            found.append(markdown[i])
        i += 1
    return found


def hostile_views(x: str) -> dict[str, object]:
    """One value of every model with a view, ``x`` in each place a user writes text.

    Keys (ids, actors) are kept exactly and refuse line breaks, so they get ``x`` on
    one line; human text gets ``x`` itself.
    """
    k = " ".join(x.split())
    c = Customer(k, Person(x), created_at=T0, tags={x})
    c = c.add_purchase(Purchase(k, T0, Money(1000)))
    tp = Touchpoint(k, T0, Channel.SMS, Purpose.HOLIDAY, "holidays", x)
    complaint = Complaint(k, k, Channel.PHONE, x, received_at=T0)
    complaint = complaint.acknowledge(at=T0 + timedelta(minutes=1), actor=k, note=x)
    run = PRE_SALE.start(k, at=T0)
    run = run.complete_step(run.steps[0].step.key, at=T0 + timedelta(hours=1), outcome=x)
    rule = F.tags.contains(x) & ~F.tags.contains(x)
    seg = Segmenter([Segment("k", rule, x, x, description=x)])
    process = BuyingProcess.start(id=k, buyer=k, buy_class=BuyClass.NEW_TASK, at=T0, seller=k)
    return {
        "customer": c,
        "touchpoint": tp,
        "drop": Drop(tp, DropReason.NO_CONSENT, x),
        "agenda": Agenda(  # tz is a zone name, checked: not a place for free text
            T0, T0 + timedelta(days=1), "Asia/Ho_Chi_Minh", [tp], [Drop(tp, DropReason.CAP_REACHED)]
        ),
        "plan": CarePlan([HolidayGreeting.from_mapping({date(2026, 9, 2): x})]),
        "complaint": complaint,
        "run": run,
        "rule": rule,
        "document": RuleDocument(rule),
        "explanation": rule.explain(attrs.evolve(c, tags={x}), as_of=T0),
        "segment": seg.segments[0],
        "segmenter": seg,
        "process": process,
    }


hostile_md = st.text(alphabet="<>&\"'|`$*_#\\ab\n-", min_size=1, max_size=20).filter(
    lambda s: s.strip() and s == " ".join(s.split())
)


@settings(max_examples=scaled(30), suppress_health_check=SLOW_EXAMPLES)
@given(st.one_of(hostile_text, hostile_md), st.sampled_from(["en", "vi"]))
def test_every_view_shows_user_text_as_text_in_one_mathjax_free_root(x: str, lang: str) -> None:
    for name, value in hostile_views(x).items():
        markup = value.to_html(lang)  # type: ignore[attr-defined]
        assert x in text_of(markup), name
        assert {"tex2jax_ignore", "mathjax_ignore"} <= root_classes(markup), name
        assert value._repr_html_() == value.to_html("vi")  # type: ignore[attr-defined]
        assert value._repr_html_() == to_html(value)  # type: ignore[attr-defined]


@settings(max_examples=scaled(30), suppress_health_check=SLOW_EXAMPLES)
@given(st.one_of(hostile_text, hostile_md, st.just("a\nb | `c` $d$")))
def test_markdown_views_keep_their_shape_whatever_the_user_wrote(x: str) -> None:
    views = hostile_views(x)
    for name in ("rule", "document", "explanation", "segment", "segmenter", "process"):
        markdown = views[name]._repr_markdown_()  # type: ignore[attr-defined]
        assert "<" not in markdown, name
        assert not unescaped(markdown, "$"), name  # Jupyter would typeset $...$ as math
    table = views["segmenter"]._repr_markdown_().splitlines()  # type: ignore[attr-defined]
    assert len(table) == 3  # header, rule, one row: a newline cannot add a row
    assert {len(unescaped(line, "|")) for line in table} == {6}  # five columns, no more
    plain = BuyingProcess.start(id="b", buyer="c", buy_class=BuyClass.NEW_TASK, at=T0)
    fenced = views["process"]._repr_markdown_()  # type: ignore[attr-defined]
    assert [line for line in fenced.splitlines() if line.startswith("```")] == ["```mermaid", "```"]
    assert fenced.split("\n\n", 1)[1] == plain.to_markdown().split("\n\n", 1)[1]


def test_every_view_refuses_an_unknown_language_with_a_validation_error() -> None:
    for value in hostile_views("x").values():
        with pytest.raises(ValidationError, match="lang"):
            value.to_html("fr")  # type: ignore[attr-defined]
        if hasattr(value, "to_markdown"):
            with pytest.raises(ValidationError, match="lang"):
                value.to_markdown("de")


def test_the_vietnamese_views_use_vietnamese_words() -> None:
    from khachhang.views._html import _WORDS

    assert _WORDS["vi"].keys() == _WORDS["en"].keys()
    same = {k for k in _WORDS["en"] if _WORDS["en"][k] == _WORDS["vi"][k]}
    assert same <= {"none", "buygrid"}, same
    english = {v for k, v in _WORDS["en"].items() if k not in same} - set(_WORDS["vi"].values())
    for name, value in hostile_views("x").items():
        checker = parsed(value.to_html("vi"))  # type: ignore[attr-defined]
        assert not english & {t.strip() for t in checker.text}, name
    plan = demo_plan([2026])
    vi = text_of(plan.to_html("vi"))
    assert "Hỏi thăm sau mua" in vi
    assert "FollowUp" not in vi
    run = PRE_SALE.start("c-7", at=T0)
    assert "Quy trình" + run.workflow.label("vi") in text_of(run.to_html("vi"))


def _english_moves() -> dict[str, str]:
    """Every move of the four machines whose Vietnamese label differs from its name."""
    from khachhang.buying import BUYING
    from khachhang.care.planning.workflows import WORKFLOW_RUN
    from khachhang.care.service.complaints import COMPLAINT
    from khachhang.customers import LIFECYCLE

    machines = (LIFECYCLE, BUYING, COMPLAINT, WORKFLOW_RUN)
    return {
        t.name: m.move_label(t.name, "vi")
        for m in machines
        for t in m.transitions
        if m.move_label(t.name, "vi") != t.name
    }


def _markdown_cells(markdown: str) -> set[str]:
    return {
        cell.strip()
        for line in markdown.splitlines()
        if line.startswith("|")
        for cell in line.strip("|").split("|")
    }


@settings(max_examples=scaled(15), suppress_health_check=SLOW_EXAMPLES)
@given(customers(max_purchases=4), buying_processes(), workflow_runs(), complaints())
def test_a_vietnamese_history_names_each_move_by_its_vietnamese_label(
    customer: Customer, p: BuyingProcess, run: object, complaint: Complaint
) -> None:
    """No view in Vietnamese shows a move by its English name; English shows the name."""
    english = _english_moves()
    for value in (customer, p, run, complaint):
        cells = {t.strip() for t in parsed(to_html(value, "vi")).text}
        assert not cells & english.keys(), (type(value).__name__, cells & english.keys())
        if hasattr(value, "to_markdown"):
            shown = _markdown_cells(value.to_markdown("vi"))
            assert not shown & english.keys(), (type(value).__name__, shown & english.keys())
    vi = {t.strip() for t in parsed(to_html(complaint, "vi")).text}
    en = {t.strip() for t in parsed(to_html(complaint, "en")).text}
    for event in complaint.events:
        assert english.get(event.transition, event.transition) in vi
        assert event.transition in en


def test_view_limits_must_be_ints() -> None:
    with pytest.raises(ValidationError, match="purchases"):
        BOOK[0].to_html("en", purchases="3")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="limit"):
        Agenda(T0, T0).to_html(limit=2.5)  # type: ignore[arg-type]


def test_an_agenda_refuses_naive_times_wrong_types_and_disorder() -> None:
    t = Touchpoint("c-1", T0, Channel.SMS, Purpose.BIRTHDAY, "birthday")
    later = attrs.evolve(t, due=T0 + timedelta(hours=1))
    cases: list[tuple[str, dict[str, object]]] = [
        ("start", {"start": T0.replace(tzinfo=None), "end": T0}),
        ("end", {"start": T0, "end": "2026-03-03"}),
        ("tz", {"start": T0, "end": T0, "tz": 7}),
        ("touchpoints", {"start": T0, "end": T0, "touchpoints": 3}),
        (
            r"touchpoints\[0\]",
            {"start": T0, "end": T0, "touchpoints": [Drop(t, DropReason.CAP_REACHED)]},
        ),
        (
            r"drops\[1\]\.due",
            {
                "start": T0,
                "end": T0 + timedelta(days=1),
                "drops": [Drop(later, DropReason.CAP_REACHED), Drop(t, DropReason.CAP_REACHED)],
            },
        ),
        (
            r"touchpoints\[1\]\.due",
            {"start": T0, "end": T0 + timedelta(days=1), "touchpoints": [later, t]},
        ),
    ]
    for path, kwargs in cases:
        with pytest.raises(ValidationError, match=f"^{path}"):
            Agenda(**kwargs)  # type: ignore[arg-type]


def test_a_big_agenda_renders_a_bounded_page() -> None:
    base = Touchpoint("KH-000001", T0, Channel.SMS, Purpose.HOLIDAY, "holidays", "Quốc khánh")
    many = [
        attrs.evolve(base, customer_id=f"KH-{i:06d}", due=T0 + timedelta(minutes=i))
        for i in range(3000)
    ]
    small = Agenda(T0, T0 + timedelta(days=3), touchpoints=many[:30]).to_html()
    big = Agenda(T0, T0 + timedelta(days=3), touchpoints=many).to_html("en", limit=20)
    assert len(big) < 3 * len(small)
    assert len(big) < 10_000
    assert text_of(big).count("Quốc khánh") == 20
    assert "First 20 of 3000 touchpoints" in text_of(big)


def test_ipython_plain_text_is_short_and_shows_no_contact_value() -> None:
    pretty = pytest.importorskip("IPython.lib.pretty").pretty
    c = max(BOOK, key=lambda x: len(x.party.contacts) + x.orders)
    assert c.party.contacts
    assert c.orders > 5
    text = pretty([c])
    assert c.id in text
    assert c.name in text
    assert str(c.orders) in text
    assert not any(point.value in text for point in c.party.contacts)
    assert c.purchases[0].id not in text
    agenda = demo_plan([2026, 2027]).agenda(BOOK, start=SAMPLE_AS_OF, end=END)
    shown = pretty(agenda)
    assert f"touchpoints={len(agenda.touchpoints)}" in shown
    assert len(shown) < 300


_HASHES = """
import hashlib
from datetime import timedelta
from khachhang.cli._demo.care import demo_plan
from khachhang.sample import SAMPLE_AS_OF, sample_book
from khachhang.segmentation import Segmenter, standard_segments
book = sample_book(60)
plan = demo_plan([2026])
seg = Segmenter(standard_segments(), mode="all")
views = [*book, plan, seg, plan.agenda(book, start=SAMPLE_AS_OF, end=SAMPLE_AS_OF + timedelta(7))]
views += [seg["b2b"].rule.explain(c, as_of=SAMPLE_AS_OF) for c in book[:10]]
text = "".join(v.to_html(lang) for v in views for lang in ("vi", "en"))
print(hashlib.sha256(text.encode()).hexdigest())
"""


def test_views_are_the_same_in_every_process() -> None:
    import os
    import subprocess
    import sys

    digests = {
        subprocess.run(
            [sys.executable, "-c", _HASHES],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("0", "1")
    }
    assert len(digests) == 1, digests


@settings(max_examples=scaled(25), deadline=None, suppress_health_check=SLOW_EXAMPLES)
@given(
    care_plans(max_rules=3) | st.just(demo_plan([2025, 2026, 2027])),
    st.lists(st.sampled_from(BOOK), min_size=5, max_size=30, unique_by=lambda c: c.id),
    st.datetimes(datetime(2025, 6, 1), datetime(2027, 6, 1), timezones=st.just(timezone.utc)),
    st.integers(0, 90),
    st.sampled_from(["Asia/Ho_Chi_Minh", "UTC", "Europe/Berlin"]),
)
def test_an_agenda_is_schedule_collected_and_survives_serde(
    plan: CarePlan, book: list[Customer], start: datetime, days: int, tz: str
) -> None:
    end = start + timedelta(days=days)
    vip = {"vip": lambda c, at: c.orders > 1}
    agenda = plan.agenda(book, start=start, end=end, tz=tz, segments=vip)
    streamed = list(plan.schedule(book, start=start, end=end, tz=tz, segments=vip))
    assert [*agenda.touchpoints, *agenda.drops] == [
        *(x for x in streamed if isinstance(x, Touchpoint)),
        *(x for x in streamed if isinstance(x, Drop)),
    ]
    assert agenda.tz == tz
    assert from_dict(to_dict(agenda), Agenda) == agenda
    assert text_of(agenda.to_html("vi")).count("→") == 1


# --- one views package, one language default ----------------------------------------------


def test_every_view_speaks_vietnamese_by_default_whichever_way_it_is_called() -> None:
    """``_repr_html_``, the model's ``to_html()`` and ``khachhang.views.to_html`` agree."""
    for name, value in hostile_views("x").items():
        vi = to_html(value, "vi")
        assert to_html(value) == vi, name
        assert value.to_html() == vi, name  # type: ignore[attr-defined]
        assert value._repr_html_() == vi, name  # type: ignore[attr-defined]
        assert to_html(value, "en") != vi, name
        if hasattr(value, "_repr_markdown_"):
            md = to_markdown(value, "vi")
            assert to_markdown(value) == md, name
            assert value.to_markdown() == value._repr_markdown_() == md, name  # type: ignore[attr-defined]


def _public_callables() -> list[tuple[str, object]]:
    import importlib
    import inspect
    import pkgutil

    import khachhang

    found: list[tuple[str, object]] = []
    for info in pkgutil.walk_packages(khachhang.__path__, "khachhang."):
        if any(part.startswith("_") for part in info.name.split(".")[1:]):
            continue
        try:
            module = importlib.import_module(info.name)
        except ImportError:  # a backend whose optional extra is not installed
            continue
        for name in getattr(module, "__all__", ()):
            value = getattr(module, name)
            if inspect.isclass(value):
                found += [
                    (f"{info.name}.{name}.{attr}", member)
                    for attr, member in vars(value).items()
                    if callable(member) and (not attr.startswith("_") or attr == "__init__")
                ]
            elif callable(value):
                found.append((f"{info.name}.{name}", value))
    return found


def test_every_public_lang_parameter_defaults_to_vietnamese() -> None:
    """Vietnamese first: one default for ``lang`` in every public function and method."""
    import inspect

    with_lang = {}
    for name, value in _public_callables():
        try:
            parameters = inspect.signature(value).parameters  # type: ignore[arg-type]
        except (TypeError, ValueError):
            continue
        if "lang" in parameters and parameters["lang"].default is not inspect.Parameter.empty:
            with_lang[name] = parameters["lang"].default
    assert len(with_lang) > 30  # the walk finds the views, labels, describe, to_mermaid...
    assert "khachhang.views.to_html" in with_lang
    assert "khachhang.customers.Customer.to_html" in with_lang
    assert {k: v for k, v in with_lang.items() if v != "vi"} == {}


def test_the_views_refuse_a_value_they_cannot_show_and_an_option_they_do_not_take() -> None:
    c = Customer("c-1", Person("An"), created_at=T0)
    with pytest.raises(ValidationError, match=r"^value: no HTML view for Money"):
        to_html(Money(1))
    with pytest.raises(ValidationError, match=r"^value: no Markdown view for Customer"):
        to_markdown(c)
    with pytest.raises(ValidationError, match=r"^limit: not an option of the HTML view of Cust"):
        to_html(c, limit=3)
    with pytest.raises(ValidationError, match="purchases"):
        to_html(c, purchases="3")
    with pytest.raises(ValidationError, match="lang"):
        to_html(c, "fr")
    assert "Customer lifecycle" in to_html(c, "en", purchases=0)


@pytest.mark.parametrize("registry", [5, "fields", object()])
def test_a_registry_that_is_not_a_field_registry_is_refused_by_every_rule_view(
    registry: object,
) -> None:
    views = hostile_views("x")
    for name in ("rule", "document", "explanation", "segment", "segmenter"):
        for view in (to_html, to_markdown):
            with pytest.raises(ValidationError, match=r"^registry: expected FieldRegistry"):
                view(views[name], "en", registry=registry)


def test_the_views_keep_their_registry_option() -> None:
    from khachhang.segmentation.fields import DEFAULT_REGISTRY

    rule = F.orders > 0
    assert to_html(rule, registry=DEFAULT_REGISTRY) == to_html(rule) == rule.to_html()
