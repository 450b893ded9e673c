"""Azerbaijani case, folding, numbers, phones and dates."""

from datetime import date

import pytest
from hypothesis import given, strategies as st

from izle.data.text import (
    az_lower, az_upper, fold, format_date, normalize_fin, normalize_phone, normalize_reg_no,
    parse_date, strip_controls, compact_reg_no, has_separators, parse_typed_date,
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


# Inputs on which one pass of the old key function was not idempotent (found by hypothesis):
# a spacing accent whose NFKC is a space and a combining mark (the space is then dropped and
# the mark lands on the letter before it), a mark cut off its letter by a space or a control
# character, and a Greek letter that upper-cases to three code points.
@pytest.mark.parametrize("typed, key", [
    ("R¸", "\u0156"), ("C´", "\u0106"), ("c¸", "\u00c7"), ("S¸", "\u015e"), ("O¨", "\u00d6"),
    ("u¨", "\u00dc"), ("01-31/S \u0327 3073", "01-31/\u015e3073"), ("G \u0306", "\u011e"),
    ("O\x01\u0308", "\u00d6"), ("\u1fe2", "\u03ab\u0300"),
])
def test_a_mark_that_reaches_its_letter_only_after_a_pass_is_composed_at_once(typed, key):
    from izle.data.text import _reg_no_pass

    once = _reg_no_pass(typed)
    assert _reg_no_pass(once) != once  # one pass, all the key function used to do, was not enough
    assert normalize_reg_no(typed) == key
    assert normalize_reg_no(key) == key


_MARKED = st.text(st.one_of(
    st.sampled_from(list("01-/SsCcOoUuGgİIıi ¸´¨¯˘˜\x01\t\u0301\u0306\u0308\u0327ΐΰῢ№N.")),
    st.characters(codec=None, categories=None)), max_size=24)


@given(_MARKED)
def test_number_normalization_is_idempotent_with_marks_spaces_and_controls(text):
    key = normalize_reg_no(text)
    assert normalize_reg_no(key) == key


@given(_MARKED)
def test_a_key_that_one_pass_already_settled_is_what_it_always_was(text):
    """Keys the register stored before the fix stay valid: wherever one pass of the key
    function (all it used to do) was idempotent, the key is unchanged."""
    from izle.data.text import _reg_no_pass

    once = _reg_no_pass(text)
    if _reg_no_pass(once) == once:
        assert normalize_reg_no(text) == once


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


@pytest.mark.parametrize("typed", ["05032026", " 05032026 ", "05.03.2026", "5.3.2026", "2026-03-05"])
def test_a_date_may_be_typed_as_eight_digits(typed):
    assert parse_typed_date(typed) == date(2026, 3, 5)


@pytest.mark.parametrize("typed", ["050326", "5032026", "31022026", "0503202", "050320261"])
def test_digits_that_are_not_one_date_are_refused_not_guessed(typed):
    """Six digits could be 1926 or 2026, seven a one-digit day or month: the person is asked."""
    with pytest.raises(ValueError):
        parse_typed_date(typed)


@pytest.mark.parametrize("typed", ["01313073", "01-31/3073", "№ 01–31 / 3073", "01 31 3073"])
def test_a_number_without_its_dashes_and_slashes_has_the_same_compact_key(typed):
    assert compact_reg_no(typed) == compact_reg_no("01-31/3073") == "01313073"


def test_only_a_number_with_no_separator_is_matched_by_the_compact_key():
    assert not has_separators("01313073") and not has_separators("01 31 3073")
    assert has_separators("01-31/3073") and has_separators("01–31")


@given(st.text(alphabet="0123456789-/ ", max_size=20))
def test_the_compact_key_is_the_key_without_separators(text):
    assert compact_reg_no(text) == normalize_reg_no(text).replace("-", "").replace("/", "")
    assert compact_reg_no(compact_reg_no(text)) == compact_reg_no(text)
