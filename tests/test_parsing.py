"""The one parser of Vietnamese input: what reporters really type."""

from __future__ import annotations

from datetime import date

import pytest

from handlers.parsing import (
    ParseError,
    fold,
    match_choice,
    match_many,
    normalize_code,
    normalize_phone,
    parse_date,
    parse_int,
)

TODAY = date(2026, 11, 20)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hôm nay", date(2026, 11, 20)),
        ("Hom Nay", date(2026, 11, 20)),
        ("hôm qua", date(2026, 11, 19)),
        ("hom kia", date(2026, 11, 18)),
        ("12/11", date(2026, 11, 12)),
        ("12-11", date(2026, 11, 12)),
        ("12.11.26", date(2026, 11, 12)),
        ("12/11/2026", date(2026, 11, 12)),
        (" ngày 3/9 ", date(2026, 9, 3)),
        ("5 tháng 11", date(2026, 11, 5)),
        ("1/1", date(2026, 1, 1)),
    ],
)
def test_dates_as_people_type_them(text: str, expected: date) -> None:
    assert parse_date(text, TODAY) == expected


def test_a_day_and_month_far_ahead_means_last_year() -> None:
    assert parse_date("28/12", date(2027, 1, 3)) == date(2026, 12, 28)


@pytest.mark.parametrize("text", ["25/11", "21/11/2026", "1/1/2027"])
def test_future_dates_are_refused(text: str) -> None:
    with pytest.raises(ParseError, match="chưa tới"):
        parse_date(text, TODAY)


@pytest.mark.parametrize("text", ["31/02", "00/11", "12/13", "hôm sau", "", "1999"])
def test_nonsense_dates_are_refused(text: str) -> None:
    with pytest.raises(ParseError):
        parse_date(text, TODAY)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3", 3),
        (" 3 buổi ", 3),
        ("khoảng 45 phút", 45),
        ("1.200", 1200),
        ("1,200", 1200),
        ("ba", 3),
        ("Mười", 10),
    ],
)
def test_numbers_with_words_around(text: str, expected: int) -> None:
    assert parse_int(text, 0, 5000) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("-3", "âm"),
        ("− 2", "âm"),
        ("2,5", "nguyên"),
        ("3 hay 4", "một số"),
        ("", "Chưa hiểu"),
        ("100000", "quá lớn"),
        ("0", "nhỏ nhất"),
    ],
)
def test_bad_numbers(text: str, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_int(text, 1, 5000)


LABELS = ["Khẩu hiệu", "Băng rôn", "Panô", "Áp phích"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", 0),
        ("4", 3),
        ("bang ron", 1),
        ("BĂNG RÔN", 1),
        ("pano", 2),
        ("ap phich", 3),
        ("khau", 0),
        ("treo băng rôn", 1),
        ("5", None),
        ("cờ", None),
        ("", None),
    ],
)
def test_choice_by_number_label_or_without_diacritics(text: str, expected: int | None) -> None:
    assert match_choice(text, LABELS) == expected


def test_numbers_reach_only_the_numbered_choices() -> None:
    assert match_choice("3", ["Hôm nay", "Hôm qua", "Quay lại"], numbered=2) is None
    assert match_choice("quay lai", ["Hôm nay", "Hôm qua", "Quay lại"], numbered=2) == 2


def test_several_choices_at_once() -> None:
    assert match_many("1, 3 4", LABELS) == [0, 2, 3]
    assert match_many("1-3", LABELS) == [0, 1, 2]
    assert match_many("pano; bang ron", LABELS) == [2, 1]
    with pytest.raises(ParseError, match="từ 1 đến 4"):
        match_many("2, 9", LABELS)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0912 345 678", "0912345678"),
        ("+84912345678", "0912345678"),
        ("84-912-345-678", "0912345678"),
        ("912345678", "0912345678"),
        ("12345", None),
        ("", None),
    ],
)
def test_phones(text: str, expected: str | None) -> None:
    assert normalize_phone(text) == expected


def test_invite_codes_forgive_case_and_separators() -> None:
    assert normalize_code(" abcd-efgh ") == "ABCDEFGH"
    assert fold("  Đảng   ủy ") == "dang uy"
