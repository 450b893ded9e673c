"""Azerbaijani case, folding, numbers, phones and dates."""

from datetime import date

import pytest
from hypothesis import given, strategies as st

from data.text import (
    az_lower, az_upper, fold, format_date, normalize_fin, normalize_phone, normalize_reg_no,
    parse_date, strip_controls,
)


def test_azerbaijani_case_rules_that_python_gets_wrong():
    assert az_upper("istifadəçi") == "İSTİFADƏÇİ"
    assert az_upper("bakı") == "BAKI"
    assert az_lower("İDARƏSİ") == "idarəsi"
    assert az_lower("BAKI") == "bakı"
    assert len(az_lower("İ")) == 1  # Python's own gives "i̇", two code points


@pytest.mark.parametrize("typed", ["baki bas", "BAKI BAŞ", "Bakı  Baş", "bakı baş", "Бакы Баш",
                                   "Бакы Баш Гёмрюк", "БАКЫ БАШ ГЁМРЮК ИДАРЭСИ", "Бакы Баш Гёмрюк Идарəси",
                                   "Бакы Баш Ҝөмрүк Идарәси"])
def test_fold_matches_the_way_people_type(typed):
    assert fold(typed) in fold("Bakı Baş Gömrük İdarəsi")


@pytest.mark.parametrize("cyrillic, latin", [
    ("Гёмрюк", "gomruk"), ("Юхары", "yuxari"), ("Ёл", "yol"), ("Гяндж", "gənc"),
    ("Джейран", "Ceyran"), ("Йол", "yol"), ("Гёмрюк", "gömrük"),
])
def test_cyrillic_folds_to_the_latin_spelling(cyrillic, latin):
    assert fold(cyrillic) == fold(latin)


def test_fold_keeps_words_apart():
    assert fold("Qərb") != fold("Qarb ərazi")


@given(st.text())
def test_fold_ignores_azerbaijani_case(text):
    assert fold(az_upper(text)) == fold(text)
    assert fold(az_lower(text)) == fold(text)


@given(st.text())
def test_fold_is_idempotent(text):
    assert fold(fold(text)) == fold(text)


@pytest.mark.parametrize("printed", [
    "01-31/3073", "№ 01-31/3073", "№01–31/3073", "N01-31/3073", "n 01 - 31 / 3073",
    "01—31∕3073", " 01-31/3073 ",
])
def test_number_normalization_unifies_receipt_forms(printed):
    assert normalize_reg_no(printed) == "01-31/3073"


def test_number_normalization_uses_azerbaijani_upper_case():
    assert normalize_reg_no("ş-12/i") == "Ş-12/İ"


@given(st.text(alphabet="0123456789-/№Nnıiİ –—", max_size=20))
def test_number_normalization_is_idempotent(text):
    assert normalize_reg_no(normalize_reg_no(text)) == normalize_reg_no(text)


@pytest.mark.parametrize("typed", ["050 123 45 67", "+994 50 123-45-67", "994501234567",
                                   "(050) 123 45 67", "50 123 45 67"])
def test_phone_forms_become_e164(typed):
    assert normalize_phone(typed) == "+994501234567"


@pytest.mark.parametrize("typed", ["012 123 45 67", "+7 912 123 45 67", "05012345", "abc", ""])
def test_not_a_mobile_number(typed):
    assert normalize_phone(typed) is None


def test_dates_in_both_forms():
    assert parse_date("05.03.2026") == date(2026, 3, 5)
    assert parse_date("2026-03-05") == date(2026, 3, 5)
    assert format_date(date(2026, 3, 5)) == "05.03.2026"
    for bad in ("31.02.2026", "2026-13-01", "5 March", "", "05.03.26"):
        with pytest.raises(ValueError):
            parse_date(bad)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(9999, 12, 31)))
def test_date_round_trip(day):
    assert parse_date(format_date(day)) == day
    assert parse_date(day.isoformat()) == day


def test_control_characters_are_stripped():
    assert strip_controls("a\x1b[31mb\x9bc\x07") == "a[31mbc"


def test_fin():
    assert normalize_fin("5zk9q2m") == "5ZK9Q2M"
    assert normalize_fin("5ZK9Q2") is None
