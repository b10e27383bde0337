"""The statutory deadline table, with exact dates around weekends and Danish holidays."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from backend.casework.rules import DK, RULES, Facts, Trigger, basis_confirmed, rule, rules_for
from backend.core.workdays import (
    add_months,
    add_working_days,
    is_working_day,
    previous_working_day,
)


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=DK)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2027, 3, 24), True),  # Wednesday before Easter
        (date(2027, 3, 25), False),  # Skærtorsdag
        (date(2027, 3, 26), False),  # Langfredag
        (date(2027, 3, 29), False),  # 2. påskedag
        (date(2027, 3, 27), False),  # Saturday
        (date(2027, 5, 6), False),  # Kristi himmelfartsdag
        (date(2027, 5, 17), False),  # 2. pinsedag
        (date(2026, 12, 24), False),  # Juleaften: not a public holiday, but kommuner are closed
        (date(2026, 12, 31), False),  # Nytårsaftensdag: closed
        (date(2027, 6, 4), True),  # Friday before Grundlovsdag
        (date(2026, 6, 5), False),  # Grundlovsdag (a Friday): closed
        (date(2026, 12, 25), False),
        (date(2027, 1, 1), False),
    ],
)
def test_working_days(day, working):
    assert is_working_day(day) is working


def test_receipt_six_working_days_over_easter():
    """Received the Wednesday before Easter 2027: Thu, Fri, Mon are holidays."""
    due = rule("kvittering-fagperson").due(Facts(at=at(2027, 3, 24)))
    assert due is not None and due.date() == date(2027, 4, 6)


def test_receipt_six_working_days_over_a_weekend():
    due = rule("kvittering-fagperson").due(Facts(at=at(2026, 11, 27)))  # a Friday
    assert due is not None and due.date() == date(2026, 12, 7)  # Mon 30 + 5 more
    assert add_working_days(date(2026, 11, 27), 1) == date(2026, 11, 30)


def test_24_hour_assessment_is_24_hours_even_on_holidays():
    due = rule("vurdering-24-timer").due(Facts(at=at(2027, 3, 24, 14, 30)))
    assert due == at(2027, 3, 25, 14, 30)


def test_four_months_from_awareness_moves_off_a_holiday():
    # 25 Nov 2026 + 4 months = 25 Mar 2027, Skærtorsdag -> next working day 30 Mar.
    facts = Facts(at=at(2026, 12, 1), aware_since=date(2026, 11, 25))
    due = rule("undersoegelse-4-maaneder").due(facts)
    assert due is not None and due.date() == date(2027, 3, 30)


def test_month_arithmetic_clamps_to_month_end():
    assert add_months(date(2026, 10, 31), 4) == date(2027, 2, 28)
    assert add_months(date(2027, 10, 31), 4) == date(2028, 2, 29)
    assert add_months(date(2026, 11, 25), -6) == date(2026, 5, 25)


def test_first_follow_up_is_the_earlier_of_three_months_and_the_investigation():
    r = rule("foerste-opfoelgning")
    plain = r.due(Facts(at=at(2026, 11, 25)))
    assert plain is not None and plain.date() == date(2027, 2, 25)
    earlier = r.due(Facts(at=at(2026, 11, 25), investigation_ends=date(2027, 1, 2)))
    assert earlier is not None and earlier.date() == date(2027, 1, 4)  # 2 Jan is a Saturday


def test_plans_three_months_and_before_decisions():
    due46 = rule("barnets-plan-46").due(Facts(at=at(2026, 11, 25), decided_on=date(2026, 11, 25)))
    assert due46 is not None and due46.date() == date(2027, 2, 25)
    assert rule("barnets-plan-47").due(Facts(at=at(2026, 11, 25))) is None
    assert rule("boernesamtale").due(Facts(at=at(2026, 11, 25))) is None


def test_transition_planning_six_months_before_18():
    due = rule("overgang-18").due(Facts(at=at(2026, 1, 5), birth_date=date(2009, 3, 29)))
    # 18 on 29 Mar 2027; six months before: 29 Sep 2026 (a Tuesday)
    assert due is not None and due.date() == date(2026, 9, 29)


def test_youth_plan_three_months_after_the_later_of_decision_and_16():
    r = rule("ungeplan")
    # Already 16: three months after the decision (25 Feb 2027 is a Thursday).
    older = r.due(Facts(at=at(2026, 11, 25), birth_date=date(2010, 1, 1)))
    assert older is not None and older.date() == date(2027, 2, 25)
    # Turns 16 on 17 Jan 2027: three months later is 17 Apr 2027, a Saturday -> Monday.
    younger = r.due(Facts(at=at(2026, 11, 25), birth_date=date(2011, 1, 17)))
    assert younger is not None and younger.date() == date(2027, 4, 19)


def test_a_planned_follow_up_moves_off_a_holiday():
    r = rule("naeste-opfoelgning")
    # 25 Dec 2026 is a Friday and a holiday; 26-27 Dec the weekend: Monday 28 Dec.
    due = r.due(Facts(at=at(2026, 11, 25), planned=date(2026, 12, 25)))
    assert due is not None and due.date() == date(2026, 12, 28)


def test_every_rule_cites_its_basis_and_is_unique():
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))
    for r in RULES:
        assert "§" in r.basis or "lov" in r.basis.lower(), r.id
        assert r.title and r.completed_by
    assert {r.id for r in rules_for(Trigger.AFGOERELSE_FORBEREDES)} == {
        "boernesamtale",
        "partshoering",
    }


def test_closed_days_are_a_setting():
    assert is_working_day(date(2026, 12, 24), closed_days=False) is True
    assert is_working_day(date(2026, 6, 5), closed_days=False) is True
    assert is_working_day(date(2026, 12, 24)) is False


def test_receipt_skips_the_days_kommuner_are_closed():
    """Issue 12 item 5: received Friday 18.12.2026 15:00; 24/12 is closed, 25/12 a holiday:
    Mon 21, Tue 22, Wed 23, Mon 28, Tue 29, Wed 30."""
    r = rule("kvittering-fagperson")
    due = r.due(Facts(at=at(2026, 12, 18, 15, 0)))
    assert due is not None and due.date() == date(2026, 12, 30)
    open_on_24th = r.due(Facts(at=at(2026, 12, 18, 15, 0), closed_days=False))
    assert open_on_24th is not None and open_on_24th.date() == date(2026, 12, 29)


@pytest.mark.parametrize("rule_id", ["barnets-plan-32", "barnets-plan-46"])
def test_barnets_plan_counts_from_the_decision_not_the_start(rule_id):
    """Issue 12 item 4: decided 11.01.2027, measure starts 01.06.2027. § 91: three months
    after the decision, 11.04.2027, a Sunday -> Monday 12.04.2027 (not 01.09.2027)."""
    due = rule(rule_id).due(Facts(at=at(2027, 6, 1, 0, 0), decided_on=date(2027, 1, 11)))
    assert due is not None and due.date() == date(2027, 4, 12)


def test_youth_plan_counts_from_the_decision_not_the_start():
    """§ 108: decided 11.01.2027 for a 17-year-old, placement starting 01.06.2027."""
    due = rule("ungeplan").due(
        Facts(at=at(2027, 6, 1, 0, 0), decided_on=date(2027, 1, 11), birth_date=date(2009, 5, 1))
    )
    assert due is not None and due.date() == date(2027, 4, 12)


def test_before_18_moves_back_never_forward():
    """Issue 12 item 6: born 25.12.2010, 18 on 25.12.2028; six months before is Sunday
    25.06.2028: due Friday 23.06.2028, not Monday 26.06.2028."""
    due, asap = rule("overgang-18").deadline(
        Facts(at=at(2027, 1, 4), birth_date=date(2010, 12, 25))
    )
    assert due is not None and due.date() == date(2028, 6, 23)
    assert asap is None


def test_before_18_skips_a_closed_day_backwards():
    # 18 on 31.12.2027 -> six months before: 30.06.2027 (Wed), a working day.
    due = rule("overgang-18").due(Facts(at=at(2026, 12, 1), birth_date=date(2009, 12, 31)))
    assert due is not None and due.date() == date(2027, 6, 30)
    # 18 on 05.12.2028 -> 05.06.2028, Grundlovsdag (Monday) -> Friday 02.06.2028.
    due = rule("overgang-18").due(Facts(at=at(2026, 12, 1), birth_date=date(2010, 12, 5)))
    assert due is not None and due.date() == date(2028, 6, 2)
    assert previous_working_day(date(2026, 12, 27)) == date(2026, 12, 23)


def test_placement_after_17_and_a_half_is_due_as_soon_as_possible():
    """Issue 12 item 7: born 25.12.2010; the last day is 23.06.2028. A placement starting
    03.07.2028 cannot meet it: due on its start, flagged with the reason."""
    due, asap = rule("overgang-18").deadline(
        Facts(at=at(2028, 7, 3, 0, 0), birth_date=date(2010, 12, 25))
    )
    assert asap == "anbringelsen begyndte efter 17½ år"
    assert due is not None and due.date() == date(2028, 7, 3)
    # Started in time: a normal deadline, no reason.
    _, none = rule("overgang-18").deadline(
        Facts(at=at(2028, 6, 1, 0, 0), birth_date=date(2010, 12, 25))
    )
    assert none is None


def test_receipt_citation_is_marked_unconfirmed():
    """Issue 12 item 9: the receipt rule names a Barnets Lov section, and says it is not
    confirmed; the confirmed ones carry the LBK section numbers."""
    receipt = rule("kvittering-fagperson")
    assert "Barnets Lov §" in receipt.basis
    assert receipt.confirmed is False
    assert rule("barnets-plan-32").confirmed is True
    assert "§ 91, stk. 1" in rule("barnets-plan-32").basis
    assert "§ 20, stk. 3" in rule("undersoegelse-4-maaneder").basis
    assert basis_confirmed("kvittering-fagperson") is False
    assert basis_confirmed(None) is True
