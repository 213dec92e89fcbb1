"""The six weekly visit-quality points against weeks counted by hand (plain dicts, no database)."""
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from server.office import points

HKI = ZoneInfo("Europe/Helsinki")
MONDAY = date(2026, 11, 23)  # ISO week 48
FRAME = points.week_frame(MONDAY, HKI)


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    """A Helsinki wall-clock instant in late 2026 (UTC+2)."""
    return datetime(2026, month, day, hour, minute, tzinfo=HKI)


def visit(**over) -> dict:
    base = {"customer": "Acme Oy", "type": "visit", "status": "done", "title": "Acme Oy – Tampere – huolto",
            "starts_at": at(24, 9), "notes": "Talked about the spring order.", "outcome": None,
            "next_step": None, "status_at": at(24, 11), "starts_at_set": at(20, 8)}
    return {**base, **over}


def test_the_week_frame_is_local_monday_to_monday_with_the_noon_deadline():
    assert FRAME["start"] == datetime(2026, 11, 22, 22, 0, tzinfo=timezone.utc)
    assert FRAME["end"] == datetime(2026, 11, 29, 22, 0, tzinfo=timezone.utc)
    assert FRAME["deadline"] == datetime(2026, 11, 30, 10, 0, tzinfo=timezone.utc)


def test_closed_by_noon_reads_when_the_status_was_set():
    deadline = FRAME["deadline"]
    assert points.closed_by_noon([visit(status_at=at(30, 11, 59))], deadline)
    assert points.closed_by_noon([visit(status_at=at(30, 12, 0))], deadline)  # noon itself is in time
    assert not points.closed_by_noon([visit(status_at=at(30, 12, 1))], deadline)
    assert not points.closed_by_noon([visit(status="planned", status_at=at(20, 8))], deadline)
    assert points.closed_by_noon([visit(status="cancelled", status_at=at(25, 8))], deadline)
    assert not points.closed_by_noon([], deadline)


def test_notes_need_a_done_visit_and_text_on_each():
    assert points.notes_written([visit(), visit(status="cancelled", notes="")])
    assert not points.notes_written([visit(), visit(notes="   ")])
    assert not points.notes_written([visit(status="cancelled")])


def test_a_title_names_the_customer_and_two_more_words():
    assert points.title_names_customer("Acme Oy – Tampere – huolto", "Acme Oy")
    assert points.title_names_customer("ACME OY Tampere annual service", "acme oy")
    assert points.title_names_customer("Huolto: Kone-Tekniikka Ab, Pori", "Kone-Tekniikka Ab")
    assert not points.title_names_customer("Acme Oy – meeting", "Acme Oy")  # no site
    assert not points.title_names_customer("Meeting in Tampere about service", "Acme Oy")
    assert not points.title_names_customer("meeting", "")


def test_types_must_be_set_and_not_other():
    assert points.types_set([visit(type="call"), visit(type="training")])
    assert not points.types_set([visit(), visit(type="other")])


def test_planned_ahead_counts_what_stood_on_the_calendar_at_the_cutoff():
    cutoff = FRAME["end"]
    early = visit(status="planned", starts_at_set=at(27, 9), status_at=at(27, 9))
    late = visit(status="planned", starts_at_set=at(30, 9), status_at=at(30, 9))  # planned on the Monday after
    cancelled_before = visit(status="cancelled", starts_at_set=at(27, 9), status_at=at(28, 9))
    cancelled_after = visit(status="cancelled", starts_at_set=at(27, 9), status_at=at(3, 9, month=12))
    assert points.planned_ahead([[early], [early], [cancelled_after]], cutoff)
    assert not points.planned_ahead([[early], [late], [early]], cutoff)
    assert not points.planned_ahead([[early], [early], [cancelled_before]], cutoff)
    assert not points.planned_ahead([[early], [early], []], cutoff)


def test_good_notes_are_long_or_carry_an_outcome_or_next_step():
    long = "x" * 40
    assert points.good_notes([visit(notes=long), visit(notes="short", next_step="Send the offer")])
    assert not points.good_notes([visit(notes="x" * 39)])
    assert points.good_notes([visit(notes="", outcome="Ordered 2 pallets")])
    assert not points.good_notes([visit(status="planned", notes=long)])


def test_a_hand_counted_rep_over_two_weeks():
    """Week 48: 3 visits; week 49 none; planning reaches weeks 49-51 but not 52."""
    week48 = [
        visit(),  # done in time, notes 30 chars, good title
        visit(title="Acme Oy – palaveri", type="meeting", status_at=at(27, 15)),  # title too short
        visit(status="cancelled", notes="", type="call", status_at=at(30, 9)),  # closed before noon
    ]
    plan = [visit(status="planned", starts_at=at(2, 10, month=12) + timedelta(weeks=k), starts_at_set=at(25, 9),
                  status_at=at(25, 9), notes="") for k in range(3)]  # weeks 49, 50, 51
    weeks = points.rep_weeks(week48 + plan, [MONDAY, MONDAY + timedelta(weeks=1)], HKI, now=at(1, 12, month=12))
    w48, w49 = weeks[MONDAY], weeks[MONDAY + timedelta(weeks=1)]
    # 1 closed yes, 2 notes yes (both done have notes), 3 titles no, 4 types yes, 5 ahead yes, 6 good notes no
    assert (w48["closed"], w48["notes"], w48["titles"], w48["types"], w48["ahead"], w48["good_notes"]) == \
        (True, True, False, True, True, False)
    assert w48["total"] == 4 and w48["visits"] == 3
    # Week 49 runs (now is its Tuesday): its one planned visit is not closed, has no notes; weeks 50, 51
    # are planned but 52 is not, so nothing but the title and type points.
    assert (w49["closed"], w49["notes"], w49["titles"], w49["types"], w49["ahead"], w49["good_notes"]) == \
        (False, False, True, True, False, False)
    assert w49["total"] == 2


def test_a_week_without_visits_earns_only_the_planning_point():
    plan = [visit(status="planned", starts_at=at(30, 10) + timedelta(weeks=k)) for k in range(3)]
    week = points.rep_weeks(plan, [MONDAY], HKI, now=at(6, 12, month=12))[MONDAY]
    assert week["visits"] == 0 and week["total"] == 1 and week["ahead"]


def test_trend_and_places():
    assert points.trend(4, 2) == 2 and points.trend(1, 3) == -2 and points.trend(3, None) is None
    assert points.places([6, 5, 5, 2]) == [1, 2, 2, 4]
    assert points.places([]) == []
