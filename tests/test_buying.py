"""Example tests for the B2B buying process: the seed's and the buygrid's facts."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from conftest import MARCH_MONDAY as T0
from khachhang.buying import (
    BUYGRID,
    BUYING,
    BuyClass,
    Buygrid,
    BuyingCenter,
    BuyingProcess,
    BuyingRole,
    Candidates,
    Influence,
    InfluenceNote,
    LossReason,
    Order,
    Outcome,
    Participant,
    Proposal,
    Requirement,
    Review,
    Selection,
    Stage,
    Status,
    to_mermaid,
)
from khachhang.customers import LineItem
from khachhang.errors import ConversionError, TransitionError, ValidationError
from khachhang.fsm import Event
from khachhang.money import Money
from khachhang.serde import from_dict, from_json, to_dict, to_json
from khachhang.views import to_html

DAY = timedelta(days=1)
US, THEM = "NCC-ChungToi", "NCC-AnPhat"
ORDER = Order([LineItem("SKU-1", "Máy nén khí", 2, Money("60000000"))], "FOB Hải Phòng", "30 ngày")
Y, M, N = Requirement.REQUIRED, Requirement.OPTIONAL, Requirement.SKIPPED


def at(days: float) -> datetime:
    return T0 + days * DAY


def proposal(supplier: str, price: int = 100_000_000, valid_days: int = 60) -> Proposal:
    return Proposal(supplier, Money(price), valid_until=at(valid_days))


def new_task(**kwargs: object) -> BuyingProcess:
    return BuyingProcess.start(
        id="MH-1",
        buyer="KH-7",
        buy_class=BuyClass.NEW_TASK,
        at=T0,
        **kwargs,  # type: ignore[arg-type]
    )


def at_selection(seller: str | None = US) -> BuyingProcess:
    p = new_task(seller=seller).advance(at=at(1)).advance(at=at(2)).advance(at=at(3))
    p = p.advance(at=at(4), data=Candidates([US, THEM]))
    p = p.record(proposal(US), at=at(5)).record(proposal(THEM, 90_000_000), at=at(5))
    return p.advance(at=at(6))


def refusal(move: object) -> str:
    with pytest.raises(TransitionError) as err:
        move()  # type: ignore[operator]
    return err.value.reason


# --- stages and the buygrid ------------------------------------------------------------------


def test_the_eight_stages_carry_the_seeds_words_in_order() -> None:
    """Seed 004: "Giai đoạn 1 – Ý thức được nhu yếu ..." through "Giai đoạn 8 – Đánh giá"."""
    assert [s.number for s in Stage] == list(range(1, 9))
    assert Stage.PROBLEM_RECOGNITION.label("vi") == "Ý thức được nhu cầu"
    assert Stage.SUPPLIER_SEARCH.label("vi") == "Tìm kiếm nhà cung ứng"
    assert Stage.PROPOSAL_SOLICITATION.label("vi") == "Yêu cầu chào hàng"
    assert Stage.PERFORMANCE_REVIEW.label("en") == "Performance review"
    assert sorted(Stage) == list(Stage)
    assert Stage.ORDER_ROUTINE_SPECIFICATION.next is Stage.PERFORMANCE_REVIEW
    assert Stage.PERFORMANCE_REVIEW.next is None


def test_stages_do_not_compare_with_other_things() -> None:
    with pytest.raises(TypeError):
        assert Stage.SUPPLIER_SEARCH < 3


def test_the_published_buygrid() -> None:
    """Robinson, Faris & Wind (1967) as reproduced by Kotler."""
    assert list(BUYGRID.column(BuyClass.NEW_TASK).values()) == [Y] * 8
    assert list(BUYGRID.column(BuyClass.MODIFIED_REBUY).values()) == [M, M, Y, M, M, M, M, Y]
    assert list(BUYGRID.column(BuyClass.STRAIGHT_REBUY).values()) == [N, N, Y, N, N, N, N, Y]


@pytest.mark.parametrize("stage", [Stage.PRODUCT_SPECIFICATION, Stage.PERFORMANCE_REVIEW])
def test_a_grid_never_skips_the_specification_or_the_review(stage: Stage) -> None:
    column = [Y] * 8
    column[stage.number - 1] = N
    with pytest.raises(ValidationError) as err:
        Buygrid(new_task=column, modified_rebuy=[Y] * 8, straight_rebuy=[Y] * 8)
    assert err.value.path == f"new_task[{stage.number - 1}]"


def test_a_grid_needs_every_stage_and_every_class() -> None:
    with pytest.raises(ValidationError, match="one cell per stage"):
        Buygrid(new_task=[Y] * 7, modified_rebuy=[Y] * 8, straight_rebuy=[Y] * 8)
    cells = {c: dict.fromkeys(Stage, Y) for c in BuyClass}
    del cells[BuyClass.MODIFIED_REBUY][Stage.SUPPLIER_SEARCH]
    with pytest.raises(ValidationError, match="missing stage"):
        Buygrid.from_mapping(cells)
    with pytest.raises(ValidationError, match="every buy class"):
        Buygrid.from_mapping({BuyClass.NEW_TASK: dict.fromkeys(Stage, Y)})


def test_an_applications_grid_decides_what_may_be_skipped() -> None:
    """Sources disagree on cells, e.g. whether a straight rebuy recognises a problem."""
    mine = Buygrid.from_mapping(
        {
            **{c: BUYGRID.column(c) for c in BuyClass},
            BuyClass.STRAIGHT_REBUY: {
                **BUYGRID.column(BuyClass.STRAIGHT_REBUY),
                Stage.PROBLEM_RECOGNITION: Y,
            },
        }
    )
    p = BuyingProcess.start(
        id="MH-2", buyer="KH-7", buy_class=BuyClass.STRAIGHT_REBUY, at=T0, grid=mine
    )
    assert "required" in refusal(lambda: p.skip(at=at(1)))
    assert p.advance(at=at(1)).stage is Stage.GENERAL_NEED_DESCRIPTION
    assert BuyingProcess.replay(p.events) == p


# --- the seed's buying situations --------------------------------------------------------------


@pytest.mark.parametrize("stage", list(Stage)[:-1])
def test_a_new_task_must_pass_all_eight_stages(stage: Stage) -> None:
    """Seed 004: for a new task "người mua bao giờ cũng đòi hỏi ... nhiều thông tin hơn"."""
    p = at_selection().advance(at=at(7), data=Selection(US)).advance(at=at(8), data=ORDER)
    p = p.revisit(stage, reason="kiểm tra lại", at=at(9))
    assert f"{stage.label_en.lower()} is required in a new task" in refusal(
        lambda: p.skip(at=at(10))
    )


def test_a_straight_rebuy_may_not_stop_at_supplier_search() -> None:
    """Seed 004: a straight rebuy keeps its supplier ("chung thủy" with its decision)."""
    p = BuyingProcess.start(
        id="MH-3", buyer="KH-7", buy_class=BuyClass.STRAIGHT_REBUY, at=T0, incumbent=THEM
    )
    p = p.skip(at=at(1)).skip(at=at(2)).advance(at=at(3))
    assert p.stage is Stage.SUPPLIER_SEARCH
    why = "supplier search is not part of a straight rebuy (buygrid: skipped); skip it"
    assert refusal(lambda: p.advance(at=at(4), data=Candidates([US]))) == why
    assert refusal(lambda: p.record(Candidates([US]), at=at(4))) == why
    assert p.skip(at=at(4)).stage is Stage.PROPOSAL_SOLICITATION


def test_a_straight_rebuy_specifies_and_reviews_its_incumbent() -> None:
    p = BuyingProcess.start(
        id="MH-3", buyer="KH-7", buy_class=BuyClass.STRAIGHT_REBUY, at=T0, incumbent=THEM
    )
    p = p.skip(at=at(0)).skip(at=at(0)).advance(at=at(2))
    for _ in range(4):
        p = p.skip(at=at(2))
    p = p.complete(at=at(30), review=Review(kept_commitments=True, rating=4))
    assert p.status is Status.COMPLETED
    assert p.supplier == THEM
    moved = [e.transition for e in p.events[1:]]
    assert moved == ["skip", "skip", "advance", "skip", "skip", "skip", "skip", "complete"]
    spent = p.time_in_stage()
    assert spent[Stage.PRODUCT_SPECIFICATION].days == 2
    assert spent[Stage.PERFORMANCE_REVIEW].days == 28


def test_a_modified_rebuy_may_skip_the_maybe_stages_but_not_the_specification() -> None:
    p = BuyingProcess.start(
        id="MH-4", buyer="KH-7", buy_class=BuyClass.MODIFIED_REBUY, at=T0, incumbent=THEM
    )
    p = p.skip(at=at(1)).advance(at=at(2))
    assert "required in a modified rebuy" in refusal(lambda: p.skip(at=at(3)))
    p = p.advance(at=at(3)).advance(at=at(4), data=Candidates([US, THEM]))
    assert p.stage is Stage.PROPOSAL_SOLICITATION


# --- stage data and guards ----------------------------------------------------------------------


def test_advancing_needs_the_stages_data_and_says_which() -> None:
    p = new_task().advance(at=at(1)).advance(at=at(2)).advance(at=at(3))
    assert refusal(lambda: p.advance(at=at(4))) == "no candidate suppliers recorded"
    p = p.advance(at=at(4), data=Candidates([US]))
    assert refusal(lambda: p.advance(at=at(5))) == "no proposal received"
    p = p.advance(at=at(5), data=proposal(US))
    assert "no supplier selected" in refusal(lambda: p.advance(at=at(6)))
    p = p.advance(at=at(6), data=Selection(US))
    assert "no order recorded" in refusal(lambda: p.advance(at=at(7)))
    p = p.advance(at=at(7), data=ORDER)
    assert "no performance review" in refusal(lambda: p.complete(at=at(8)))
    p = p.record(Review(kept_commitments=False, rating=2, comment="Giao trễ"), at=at(9))
    assert p.complete(at=at(9)).review == Review(False, 2, "Giao trễ")


def test_selection_must_pick_a_supplier_that_sent_a_proposal() -> None:
    p = at_selection(seller=None)
    why = refusal(lambda: p.record(Selection("NCC-MinhLong"), at=at(7)))
    assert why == f"no proposal from 'NCC-MinhLong' (proposals from: {US}, {THEM})"
    late = refusal(lambda: p.record(Selection(THEM), at=at(61)))
    assert "expired" in late


def test_no_selection_without_any_proposal() -> None:
    p = BuyingProcess.start(
        id="MH-4", buyer="KH-7", buy_class=BuyClass.MODIFIED_REBUY, at=T0, incumbent=THEM
    )
    for _ in range(5):
        p = p.skip(at=at(1)) if p.requirement() is not Y else p.advance(at=at(1))
    assert p.stage is Stage.SUPPLIER_SELECTION
    assert refusal(lambda: p.record(Selection(US), at=at(2))) == (
        f"no proposal received; cannot select {US!r}"
    )


def test_data_of_another_stage_is_refused() -> None:
    p = new_task()
    assert refusal(lambda: p.record(Review(True, 5), at=at(1))) == (
        "Review belongs to performance review; the process is at problem recognition"
    )
    assert "nothing to record" in refusal(lambda: BUYING.fire(p, "record", at=at(1)))


def test_an_expired_proposal_is_refused_when_received() -> None:
    p = at_selection().revisit(Stage.PROPOSAL_SOLICITATION, reason="báo giá lại", at=at(7))
    assert "expired before it was received" in refusal(
        lambda: p.record(proposal(US, valid_days=1), at=at(8))
    )


def test_a_later_proposal_from_the_same_supplier_replaces_the_earlier() -> None:
    p = at_selection().revisit(Stage.PROPOSAL_SOLICITATION, reason="đàm phán giá", at=at(7))
    assert p.proposals == ()  # the revisit starts the solicitation again
    p = p.record(proposal(US, 95_000_000), at=at(8)).record(proposal(US, 85_000_000), at=at(9))
    assert [x.price for x in p.proposals] == [Money(85_000_000)]


def test_the_buying_centre_and_influences_are_recorded_at_any_stage() -> None:
    p = new_task(
        center=BuyingCenter([Participant("Lê Thị Hoa", "Phòng mua hàng", {BuyingRole.BUYER})])
    )
    p = p.record(Participant("Trần Văn Nam", "Ban giám đốc", {BuyingRole.DECIDER}), at=at(1))
    p = p.record(InfluenceNote(Influence.ORGANIZATIONAL, "Phê duyệt ba cấp"), at=at(1))
    assert [x.person for x in p.center.holding(BuyingRole.DECIDER)] == ["Trần Văn Nam"]
    assert BuyingRole.DECIDER not in p.center.missing_roles()
    assert p.influences[0].influence is Influence.ORGANIZATIONAL
    assert p.stage is Stage.PROBLEM_RECOGNITION


def test_a_participant_is_listed_once() -> None:
    who = Participant("An", "", {BuyingRole.USER})
    with pytest.raises(ValidationError, match="twice"):
        BuyingCenter([who, who])
    with pytest.raises(ValidationError, match="at least one role"):
        Participant("An")


# --- loops, time, closing ----------------------------------------------------------------------


def test_a_process_is_filtered_again_and_again() -> None:
    """Seed 004: not a simple funnel but "một quy trình “lọc đi lọc lại”"."""
    p = at_selection()
    p = p.revisit(Stage.PRODUCT_SPECIFICATION, reason="đổi thông số kỹ thuật", at=at(7))
    assert p.loops == 1
    assert p.candidates == ()
    assert p.proposals == ()
    assert p.stage_entered_at(Stage.PRODUCT_SPECIFICATION) == at(7)
    assert p.stage_entered_at(Stage.SUPPLIER_SEARCH) == at(3)
    assert [v.stage.number for v in p.history] == [1, 2, 3, 4, 5, 6, 3]
    assert "say why" in refusal(lambda: p.revisit(Stage.PROBLEM_RECOGNITION, reason=" ", at=at(8)))
    assert "no 'revisit' move" in refusal(
        lambda: p.revisit(Stage.SUPPLIER_SEARCH, reason="tiến lên", at=at(8))
    )


def test_a_process_may_stay_long_at_the_first_stage() -> None:
    """Seed 004: or it stays "mãi nằm ở quy trình tiến độ đầu tiên"."""
    p = new_task()
    spent = p.time_in_stage(as_of=at(400))
    assert list(spent) == [Stage.PROBLEM_RECOGNITION]
    assert spent[Stage.PROBLEM_RECOGNITION].days == 400
    assert p.stage_entered_at(Stage.SUPPLIER_SEARCH) is None
    with pytest.raises(ValidationError, match="as_of"):
        p.time_in_stage(as_of=datetime(2027, 1, 1))


def test_time_must_not_go_back_and_must_be_aware() -> None:
    p = new_task().advance(at=at(2))
    assert "earlier than the last event" in refusal(lambda: p.advance(at=at(1)))
    with pytest.raises(ValidationError):
        p.advance(at=datetime(2026, 5, 1))


def test_a_closed_process_refuses_every_move_and_says_why() -> None:
    p = new_task().abandon(reason="cắt ngân sách", at=at(1))
    assert p.status is Status.ABANDONED
    assert p.closed_at == at(1)
    assert refusal(lambda: p.advance(at=at(2))) == "the process is abandoned"
    moves = p.allowed_moves()
    assert moves
    assert all(not m.open and m.reason == "the process is abandoned" for m in moves)


def test_allowed_moves_give_the_reason_of_each_closed_move() -> None:
    p = new_task().advance(at=at(1)).advance(at=at(2))
    moves = {(m.transition, m.target): m for m in p.allowed_moves()}
    assert moves[("advance", Stage.SUPPLIER_SEARCH)].open
    assert "cannot be skipped" in (moves[("skip", Stage.SUPPLIER_SEARCH)].reason or "")
    assert not moves[("revisit", Stage.PROBLEM_RECOGNITION)].open  # needs a reason


def test_a_rebuy_follows_a_completed_purchase() -> None:
    done = at_selection().advance(at=at(7), data=Selection(US)).advance(at=at(8), data=ORDER)
    done = done.complete(at=at(40), review=Review(True, 5))
    nxt = done.rebuy(BuyClass.STRAIGHT_REBUY, id="MH-9", at=at(200))
    assert (nxt.previous, nxt.incumbent, nxt.seller, nxt.buyer) == ("MH-1", US, US, "KH-7")
    assert nxt.stage is Stage.PROBLEM_RECOGNITION
    assert nxt.outcome is None
    assert "a new task is not a rebuy" in refusal(
        lambda: done.rebuy(BuyClass.NEW_TASK, id="MH-9", at=at(200))
    )
    assert "only a completed purchase" in refusal(
        lambda: nxt.rebuy(BuyClass.STRAIGHT_REBUY, id="MH-10", at=at(200))
    )


# --- the seller's view ----------------------------------------------------------------------


def test_the_seller_wins_when_the_buyer_selects_its_proposal() -> None:
    p = at_selection().record(Selection(US), at=at(7))
    assert (p.outcome, p.loss_reason) == (Outcome.WON, None)


def test_the_seller_loses_with_a_reason_when_another_supplier_is_selected() -> None:
    p = at_selection()
    assert "give a loss_reason" in refusal(lambda: p.record(Selection(THEM), at=at(7)))
    p = p.record(Selection(THEM, LossReason.PRICE), at=at(7))
    assert (p.outcome, p.loss_reason) == (Outcome.LOST, LossReason.PRICE)
    assert LossReason.PRICE.label("vi") == "Giá"


def test_an_abandoned_deal_is_lost_for_no_decision_unless_told() -> None:
    won = at_selection().record(Selection(US), at=at(7))
    lost = won.abandon(reason="dự án bị hoãn", at=at(8))
    assert (lost.outcome, lost.loss_reason) == (Outcome.LOST, LossReason.NO_DECISION)
    timing = won.abandon(reason="lỡ mùa vụ", at=at(8), loss_reason=LossReason.TIMING)
    assert timing.loss_reason is LossReason.TIMING


def test_a_revisit_before_the_selection_reopens_the_deal() -> None:
    p = at_selection().record(Selection(US), at=at(7))
    p = p.revisit(Stage.PROPOSAL_SOLICITATION, reason="khách muốn chào giá lại", at=at(8))
    assert p.outcome is None
    assert p.selection is None


def test_a_buyers_process_has_no_outcome_and_takes_no_loss_reason() -> None:
    p = at_selection(seller=None)
    assert "needs a seller's process" in refusal(
        lambda: p.record(Selection(THEM, LossReason.PRICE), at=at(7))
    )
    assert p.record(Selection(THEM), at=at(7)).outcome is None
    assert "needs a seller's process" in refusal(
        lambda: p.abandon(reason="x", at=at(7), loss_reason=LossReason.PRICE)
    )


# --- events, storage, drawing ---------------------------------------------------------------


def test_events_are_rows_an_application_can_store_and_replay() -> None:
    p = at_selection().record(Selection(THEM, LossReason.RELATIONSHIP), at=at(7))
    rows = [to_json(e) for e in p.events]
    assert '"type":"buying_selection"' in rows[-1]
    events = [from_json(row, Event[Stage]) for row in rows]
    assert BuyingProcess.replay(events) == p


def test_a_tampered_process_is_refused_when_loaded() -> None:
    p = at_selection()
    data: Any = to_dict(p)
    assert from_dict(data, BuyingProcess) == p
    with pytest.raises(ConversionError, match="the events say"):
        from_dict({**data, "stage": "performance_review"}, BuyingProcess)
    bad_rows = [*data["events"][:3], data["events"][5]]
    with pytest.raises(ConversionError) as err:
        from_dict({**data, "events": bad_rows}, BuyingProcess)
    assert [path for path, _ in err.value.errors] == ["$.events[3].source"]


def test_a_replayed_log_with_a_forged_move_is_refused() -> None:
    p = new_task().advance(at=at(1))
    forged = Event("skip", Stage.GENERAL_NEED_DESCRIPTION, Stage.PRODUCT_SPECIFICATION, at(2))
    with pytest.raises(TransitionError, match="cannot be skipped"):
        BuyingProcess.replay([*p.events, forged])
    with pytest.raises(TransitionError, match="Opening"):
        BuyingProcess.replay([Event("start", None, Stage.PROBLEM_RECOGNITION, T0)])


def test_mermaid_marks_the_current_stage_and_the_grid() -> None:
    p = BuyingProcess.start(id="MH-5", buyer="KH-7", buy_class=BuyClass.STRAIGHT_REBUY, at=T0)
    text = p.to_mermaid(lang="en")
    assert "class problem_recognition current" in text
    assert "product_specification --> supplier_search: advance" in text
    assert "supplier_search --> proposal_solicitation: skip" in text
    assert "general_need_description --> product_specification: skip" in text
    assert "performance_review --> [*]: complete" in text
    assert 'state "Tìm kiếm nhà cung ứng" as supplier_search' in to_mermaid()


def test_the_notebook_view_marks_the_current_stage() -> None:
    html = to_html(at_selection(), "en")
    assert "▶</td><td>6</td><td>Supplier selection" in html
    assert at_selection()._repr_html_() == to_html(at_selection(), "vi")
    assert "New task" in html


def test_the_demo_walks_a_new_task_with_one_loop() -> None:
    from khachhang.cli._demo import buying as _demo
    from khachhang.sample import SAMPLE_AS_OF, sample_book

    book = sample_book(60)
    text_en = _demo.render(book, as_of=SAMPLE_AS_OF, lang="en")
    text_vi = _demo.render(book, as_of=SAMPLE_AS_OF, lang="vi")
    for stage in Stage:
        assert stage.label("en") in text_en
        assert stage.label("vi") in text_vi
    assert "1 loop" in text_en
    assert _demo.render(book, as_of=SAMPLE_AS_OF, lang="en") == text_en


def test_a_straight_rebuy_is_won_by_the_incumbent_when_it_completes() -> None:
    def rebuy(incumbent: str) -> BuyingProcess:
        p = BuyingProcess.start(
            id="MH-6",
            buyer="KH-7",
            buy_class=BuyClass.STRAIGHT_REBUY,
            at=T0,
            seller=US,
            incumbent=incumbent,
        )
        p = p.skip(at=at(1)).skip(at=at(1)).advance(at=at(2))
        for _ in range(4):
            p = p.skip(at=at(2))
        assert p.outcome is None
        return p.complete(at=at(20), review=Review(True, 4))

    assert rebuy(US).outcome is Outcome.WON
    kept = rebuy(THEM)
    assert (kept.outcome, kept.loss_reason) == (Outcome.LOST, LossReason.INCUMBENT)


# --- review fixes ------------------------------------------------------------------------


def completed(seller: str | None = US) -> BuyingProcess:
    p = at_selection(seller).advance(at=at(7), data=Selection(US))
    return p.advance(at=at(8), data=ORDER).complete(at=at(9), review=Review(True, 5))


def test_time_in_stage_checks_as_of_even_when_closed() -> None:
    p = completed()
    assert p.time_in_stage(as_of=at(100)) == p.time_in_stage()
    with pytest.raises(ValidationError, match="as_of"):
        p.time_in_stage(as_of=datetime(2027, 1, 1))


@pytest.mark.parametrize("when", [datetime(2026, 5, 1), "2026-05-01", None])
def test_a_rebuy_needs_an_aware_time(when: object) -> None:
    p = completed()
    with pytest.raises(ValidationError) as err:
        p.rebuy(BuyClass.STRAIGHT_REBUY, id="MH-2", at=when)  # type: ignore[arg-type]
    assert err.value.path == "at"
    assert p == completed()


def test_an_abandon_event_without_its_reason_still_makes_the_deal_lost() -> None:
    # BUYING.fire (or a stored log) may carry no Abandonment: lost for no decision.
    p = BUYING.fire(at_selection(), "abandon", at=at(7), note="hết ngân sách")
    assert (p.status, p.outcome, p.loss_reason) == (
        Status.ABANDONED,
        Outcome.LOST,
        LossReason.NO_DECISION,
    )
    assert BuyingProcess.replay(p.events) == p
    assert from_json(to_json(p), BuyingProcess) == p
    rows: Any = to_dict(at_selection())["events"]
    row = {**rows[-1], "transition": "abandon", "source": "supplier_selection"}
    row |= {"target": "supplier_selection", "at": "2026-03-20T00:00:00+00:00", "note": "x"}
    loaded = from_dict({**to_dict(p), "events": [*rows, row]}, BuyingProcess)
    assert loaded.loss_reason is LossReason.NO_DECISION


@pytest.mark.parametrize("events", [5, "start", [{"transition": "start"}], [None]])
def test_replay_refuses_what_is_not_a_list_of_events(events: object) -> None:
    with pytest.raises(ValidationError) as err:
        BuyingProcess.replay(events)  # type: ignore[arg-type]
    assert err.value.path.startswith("events")


@pytest.mark.parametrize("move", [["advance"], {"advance": 1}, 7, None])
def test_a_move_name_of_the_wrong_type_is_refused(move: object) -> None:
    p = new_task()
    with pytest.raises(TransitionError):
        BUYING.fire(p, move, at=at(1))  # type: ignore[arg-type]
    assert p == new_task()


def test_the_notebook_view_escapes_every_text() -> None:
    p = BuyingProcess.start(id="<b>x</b>", buyer="A&B <script>", buy_class=BuyClass.NEW_TASK, at=T0)
    shown = p._repr_html_()
    assert "<script>" not in shown
    assert "<b>x</b>" not in shown
    assert "&lt;b&gt;x&lt;/b&gt;" in shown
    assert "A&amp;B &lt;script&gt;" in shown


def test_mermaid_labels_are_quoted_and_statements_one_per_line() -> None:
    for lang in ("vi", "en"):
        text = to_mermaid(Stage.SUPPLIER_SEARCH, buy_class=BuyClass.MODIFIED_REBUY, lang=lang)
        assert ";" not in text
        for stage in Stage:
            label = stage.label(lang)
            assert '"' not in label
            assert f'    state "{label}" as {stage.value}' in text.splitlines()
        assert text.splitlines()[-1] == "    class supplier_search current"


def test_asking_the_buygrid_about_something_that_is_not_a_class_or_stage_names_it() -> None:
    from khachhang.buying import BUYGRID, BuyClass, Stage

    with pytest.raises(ValidationError) as info:
        BUYGRID.requirement("new_task", Stage.SUPPLIER_SEARCH)  # type: ignore[arg-type]
    assert info.value.path == "buy_class"
    with pytest.raises(ValidationError) as info:
        BUYGRID.requirement(BuyClass.NEW_TASK, 4)  # type: ignore[arg-type]
    assert info.value.path == "stage"
