"""Tests for kuanxian.dates: frequencies, borrower dates and month arithmetic."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kuanxian.dates import DateParse, Frequency, add_months, local_today, month_end, parse_date, parse_frequency

SAT = date(2026, 11, 21)  # a Saturday; November has 30 days
WED = date(2026, 1, 14)  # a Wednesday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("每月", Frequency.MONTHLY),
        ("每个月", Frequency.MONTHLY),
        ("月付", Frequency.MONTHLY),
        ("一个月一次", Frequency.MONTHLY),
        ("按月还", Frequency.MONTHLY),
        ("每月15号还", Frequency.MONTHLY),
        ("每周", Frequency.WEEKLY),
        ("每星期", Frequency.WEEKLY),
        ("每礼拜", Frequency.WEEKLY),
        ("一周一次", Frequency.WEEKLY),
        ("每个星期还两百", Frequency.WEEKLY),
        ("每周五还", Frequency.WEEKLY),
        ("每两周", Frequency.BIWEEKLY),
        ("两周一次", Frequency.BIWEEKLY),
        ("半个月一次", Frequency.BIWEEKLY),
        ("每半月", Frequency.BIWEEKLY),
        ("每半个月还一次", Frequency.BIWEEKLY),
        ("双周还款", Frequency.BIWEEKLY),
        ("monthly", Frequency.MONTHLY),
        ("weekly", Frequency.WEEKLY),
        ("biweekly", Frequency.BIWEEKLY),
        (" Monthly ", Frequency.MONTHLY),
        ("every two weeks", Frequency.BIWEEKLY),
    ],
)
def test_parse_frequency(text: str, expected: Frequency) -> None:
    assert parse_frequency(text) is expected


@pytest.mark.parametrize("text", ["", "你好", "我还500", "下个月", "一个月", "周五", None])
def test_parse_frequency_none(text: str | None) -> None:
    assert parse_frequency(text) is None  # type: ignore[arg-type]


def test_frequency_is_a_str_enum() -> None:
    assert Frequency("monthly") is Frequency.MONTHLY
    assert Frequency.WEEKLY == "weekly"
    assert str(Frequency.BIWEEKLY) == "biweekly"
    assert f"{Frequency.MONTHLY}" == "monthly"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("今天", date(2026, 11, 21)),
        ("明天还", date(2026, 11, 22)),
        ("后天", date(2026, 11, 23)),
        ("大后天", date(2026, 11, 24)),
        ("15号", date(2026, 12, 15)),
        ("15日", date(2026, 12, 15)),
        ("21号", date(2026, 11, 21)),
        ("25号", date(2026, 11, 25)),
        ("31号", date(2026, 11, 30)),
        ("十五号还一千", date(2026, 12, 15)),
        ("下个月5号", date(2026, 12, 5)),
        ("下月5号", date(2026, 12, 5)),
        ("下月初", date(2026, 12, 1)),
        ("下个月底", date(2026, 12, 31)),
        ("下月中", date(2026, 12, 15)),
        ("月底", date(2026, 11, 30)),
        ("这个月底", date(2026, 11, 30)),
        ("粮站说一月中旬结账 结了我就还", date(2027, 1, 15)),
        ("3月底还清", date(2027, 3, 31)),
        ("11月初", date(2027, 11, 1)),
        ("月中", date(2026, 12, 15)),
        ("月初", date(2026, 12, 1)),
        ("12月1日", date(2026, 12, 1)),
        ("十二月一号", date(2026, 12, 1)),
        ("3月5日", date(2027, 3, 5)),
        ("12/1", date(2026, 12, 1)),
        ("2026-12-01", date(2026, 12, 1)),
        ("2027年1月15日", date(2027, 1, 15)),
        ("2026/12/24", date(2026, 12, 24)),
        ("明年3月5号", date(2027, 3, 5)),
        ("周五", date(2026, 11, 27)),
        ("星期五", date(2026, 11, 27)),
        ("礼拜五", date(2026, 11, 27)),
        ("周六", date(2026, 11, 21)),
        ("星期天", date(2026, 11, 22)),
        ("周日", date(2026, 11, 22)),
        ("这周六", date(2026, 11, 21)),
        ("这周日", date(2026, 11, 22)),
        ("下周三", date(2026, 11, 25)),
        ("下个星期一", date(2026, 11, 23)),
        ("下下周二", date(2026, 12, 1)),
        ("三天后", date(2026, 11, 24)),
        ("3天后", date(2026, 11, 24)),
        ("十天以后", date(2026, 12, 1)),
        ("过三天", date(2026, 11, 24)),
        ("一周后", date(2026, 11, 28)),
        ("两周后", date(2026, 12, 5)),
        ("下周", date(2026, 11, 28)),
        ("下个月", date(2026, 12, 21)),
        ("两个月后", date(2027, 1, 21)),
        ("半个月后", date(2026, 12, 6)),
        ("年底", date(2026, 12, 31)),
        ("年底前还清", date(2026, 12, 31)),
        ("周末", date(2026, 11, 21)),
        ("下周末", date(2026, 11, 28)),
        ("１５号", date(2026, 12, 15)),
        ("明天或者后天", date(2026, 11, 22)),
        ("我下个月15号还3000", date(2026, 12, 15)),
        ("15号发工资，那天还", date(2026, 12, 15)),
        ("月底发工资", date(2026, 11, 30)),
    ],
)
def test_parse_date_from_saturday(text: str, expected: date) -> None:
    assert parse_date(text, today=SAT) == DateParse(expected, None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("周五", date(2026, 1, 16)),
        ("周三", date(2026, 1, 14)),
        ("周一", date(2026, 1, 19)),
        ("这周五", date(2026, 1, 16)),
        ("这周三", date(2026, 1, 14)),
        ("下周三", date(2026, 1, 21)),
        ("下周一", date(2026, 1, 19)),
        ("下周日", date(2026, 1, 25)),
        ("周末", date(2026, 1, 17)),
        ("10号", date(2026, 2, 10)),
        ("14号", date(2026, 1, 14)),
        ("31号", date(2026, 1, 31)),
        ("下个月", date(2026, 2, 14)),
        ("月中", date(2026, 1, 15)),
        ("月底", date(2026, 1, 31)),
    ],
)
def test_parse_date_from_wednesday(text: str, expected: date) -> None:
    assert parse_date(text, today=WED).date == expected


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        ("31号", date(2026, 11, 3), date(2026, 11, 30)),
        ("31号", date(2026, 2, 10), date(2026, 2, 28)),
        ("30号", date(2028, 2, 10), date(2028, 2, 29)),
        ("5号", date(2026, 12, 20), date(2027, 1, 5)),
        ("31号", date(2026, 4, 30), date(2026, 4, 30)),
        ("下个月", date(2026, 1, 31), date(2026, 2, 28)),
        ("下个月31号", date(2026, 1, 10), date(2026, 2, 28)),
        ("下个月", date(2026, 12, 15), date(2027, 1, 15)),
        ("月底", date(2026, 2, 28), date(2026, 2, 28)),
        ("月初", date(2026, 3, 1), date(2026, 3, 1)),
        ("月中", date(2026, 3, 16), date(2026, 4, 15)),
        ("12月1日", date(2026, 12, 2), date(2027, 12, 1)),
        ("年底", date(2026, 12, 31), date(2026, 12, 31)),
    ],
)
def test_parse_date_edges(text: str, today: date, expected: date) -> None:
    assert parse_date(text, today=today).date == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("发工资那天", "payday"),
        ("发工资了就还", "payday"),
        ("工资到账就还", "payday"),
        ("发薪日还", "payday"),
        ("下个月发工资再还", "payday"),
        ("过几天", "vague"),
        ("以后再说", "vague"),
        ("有钱了就还", "vague"),
        ("过两天", "vague"),
        ("过段时间吧", "vague"),
        ("2020-01-01", "past"),
        ("这周三", "past"),
        ("今年1月1日", "past"),
    ],
)
def test_needs_clarification(text: str, code: str) -> None:
    assert parse_date(text, today=SAT) == DateParse(None, code)


@pytest.mark.parametrize("text", ["", "你好", "我还500", "分12期", "每月", "我没钱", "32号", "13月5日", "2026-02-30"])
def test_no_date(text: str) -> None:
    assert parse_date(text, today=SAT) == DateParse(None, None)


_PHRASES = [
    "今天",
    "明天",
    "后天",
    "大后天",
    "1号",
    "15号",
    "28号",
    "29号",
    "30号",
    "31号",
    "下个月5号",
    "下月初",
    "下月底",
    "月底",
    "月初",
    "月中",
    "12月1日",
    "2月29日",
    "1/1",
    "周一",
    "周五",
    "周日",
    "这周五",
    "下周三",
    "三天后",
    "一周后",
    "下周",
    "下个月",
    "年底",
    "周末",
    "下周末",
    "两个月后",
    "2027-06-30",
]


@pytest.mark.parametrize("text", _PHRASES)
def test_never_before_today(text: str) -> None:
    day = date(2026, 1, 1)
    for _ in range(800):
        result = parse_date(text, today=day)
        if result.date is not None:
            assert result.date >= day, (text, day)
            assert result.needs_clarification is None
        day += timedelta(days=1)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 1, 31), 2, date(2026, 3, 31)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 5, 31), 13, date(2027, 6, 30)),
        (date(2026, 1, 1), 0, date(2026, 1, 1)),
        (date(2026, 1, 15), 24, date(2028, 1, 15)),
    ],
)
def test_add_months(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


@pytest.mark.parametrize(("year", "month", "days"), [(2026, 2, 28), (2028, 2, 29), (2026, 11, 30), (2026, 12, 31)])
def test_month_end(year: int, month: int, days: int) -> None:
    assert month_end(year, month) == days


@pytest.mark.parametrize(
    ("now", "tz", "expected"),
    [
        (datetime(2026, 11, 20, 17, 30, tzinfo=UTC), "Asia/Shanghai", date(2026, 11, 21)),
        (datetime(2026, 11, 20, 15, 59, tzinfo=UTC), "Asia/Shanghai", date(2026, 11, 20)),
        (datetime(2026, 11, 21, 1, 0, tzinfo=ZoneInfo("Asia/Shanghai")), "UTC", date(2026, 11, 20)),
        (datetime(2026, 11, 21, 1, 0, tzinfo=ZoneInfo("Asia/Shanghai")), "Asia/Shanghai", date(2026, 11, 21)),
    ],
)
def test_local_today(now: datetime, tz: str, expected: date) -> None:
    assert local_today(tz, now) == expected


def test_local_today_without_now_and_naive_now() -> None:
    assert isinstance(local_today("Asia/Shanghai"), date)
    with pytest.raises(ValueError):
        local_today("Asia/Shanghai", datetime(2026, 11, 21, 12, 0))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("不对不对 15号要交房租 1月20号 20号肯定有", date(2027, 1, 20)),
        ("我10号发工资，下个月12号还", date(2027, 1, 12)),
        ("就20号吧", date(2026, 12, 20)),
    ],
)
def test_a_bare_day_gives_way_to_a_fuller_date_in_the_same_message(text: str, expected: date) -> None:
    assert parse_date(text, today=date(2026, 12, 6)).date == expected
