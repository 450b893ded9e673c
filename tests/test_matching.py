"""The authority filter: Azerbaijani-insensitive, in Latin and Cyrillic, a typo forgiven."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from izle.data.matching import matches, score, within_one_edit
from izle.data.text import az_lower, az_upper, fold

# The six authorities confirmed in public sources (DESIGN §4), with their ru/en names.
AUTHORITIES = {
    "DGK": ("Dövlət Gömrük Komitəsi", "Государственный таможенный комитет", "State Customs Committee"),
    "BBGI": ("Bakı Baş Gömrük İdarəsi", "Главное таможенное управление г. Баку", "Baku Main Customs Department"),
    "HNBGI": ("Hava Nəqliyyatında Baş Gömrük İdarəsi",
              "Главное таможенное управление на воздушном транспорте",
              "Main Customs Department for Air Transport"),
    "QEBGI": ("Qərb Ərazi Baş Gömrük İdarəsi", "Западное территориальное главное таможенное управление",
              "Western Territorial Main Customs Department"),
    "BGI": ("Balakən Gömrük İdarəsi", "Балакенское таможенное управление", "Balakan Customs Department"),
    "AGI": ("Astara Gömrük İdarəsi", "Астаринское таможенное управление", "Astara Customs Department"),
}
NAMES_AZ = [names[0] for names in AUTHORITIES.values()]
EVERY_NAME = [n for names in AUTHORITIES.values() for n in names]


def found(query: str) -> set[str]:
    return {code for code, names in AUTHORITIES.items() if matches(query, (*names, code))}


@pytest.mark.parametrize("query, code", [
    ("baki bas gomruk", "BBGI"),
    ("BAKI BAŞ", "BBGI"),
    ("Bakı  baş", "BBGI"),
    ("baki bash", "BBGI"),                               # English-style sh for ş
    ("Бакы Баш Гёмрюк", "BBGI"),                         # Azerbaijani typed on a Russian keyboard
    ("Бакы Баш Гёмрюк Идарэси", "BBGI"),
    ("Бакы Баш Гёмрюк Идарəси", "BBGI"),                 # mixed scripts, as people do type
    ("Бакы Баш Ҝөмрүк Идарәси", "BBGI"),                 # the 1958–1991 Azerbaijani Cyrillic
    ("Главное таможенное управление г. Баку", "BBGI"),   # Russian, against name_ru
    ("главное баку", "BBGI"),
    ("hava neqliyyati", "HNBGI"),
    ("hava nəqliyyatında", "HNBGI"),
    ("HAVA NƏQLİYYATINDA", "HNBGI"),
    ("Hava Nqliyyatında", "HNBGI"),                      # a missing letter
    ("воздушном", "HNBGI"),
    ("Хава", "HNBGI"),                                   # h typed as Russian х
    ("Balkaən", "BGI"),                                  # two letters swapped
    ("balaken", "BGI"),
    ("Балакен", "BGI"),
    ("astara", "AGI"),
    ("Астара", "AGI"),
    ("астаринское", "AGI"),
    ("qerb", "QEBGI"),
    ("QƏRB ƏRAZİ", "QEBGI"),
    ("Гярб", "QEBGI"),                                   # я after a consonant for ə, г for q
    ("western", "QEBGI"),
    ("komite", "DGK"),
    ("DGK", "DGK"),
    ("dovlet", "DGK"),
    ("комитет", "DGK"),
])
def test_each_authority_is_found_the_way_people_type_it(query, code):
    assert code in found(query)


@pytest.mark.parametrize("query, code", [
    ("astara", "BGI"),
    ("bakı", "AGI"),
    ("balakən", "AGI"),
    ("hava", "BBGI"),
    ("qerb", "BBGI"),
    ("Бакы", "AGI"),
    ("astaraa gomruk", "BGI"),
    ("zzzzzz", "DGK"),
])
def test_what_does_not_match(query, code):
    assert code not in found(query)


def test_specific_queries_find_only_their_authority():
    assert found("baki bas") == {"BBGI"}
    assert found("astara") == {"AGI"}
    assert found("Balkaən") == {"BGI"}
    assert found("hava nqliyyatında") == {"HNBGI"}
    assert found("gomruk") == set(AUTHORITIES)  # a word of every Azerbaijani name


def test_short_words_must_be_exact_prefixes():
    assert not matches("bsa", ["Baş"])      # 3 letters: no typo allowed
    assert not matches("astr", ["Astara"])  # 4 letters: no typo allowed
    assert matches("astra", ["Astara"])     # 5 letters: one missing letter forgiven


def test_a_whole_word_scores_above_a_prefix_and_a_prefix_above_a_typo():
    assert score("bakı", ["Bakı"]) > score("bak", ["Bakı"])
    assert score("balak", ["Balakən"]) > score("balka", ["Balakən"])
    assert score("balaken", ["Balakən"]) > score("balkaen", ["Balakən"])
    assert score("", ["anything"]) == 0
    assert score("x", []) is None


@pytest.mark.parametrize("a, b, close", [
    ("abc", "abc", True), ("abc", "ab", True), ("abc", "abxc", True), ("abc", "acb", True),
    ("abc", "xbc", True), ("abc", "cba", False), ("abc", "a", False), ("abcd", "badc", False),
])
def test_one_edit(a, b, close):
    assert within_one_edit(a, b) is close
    assert within_one_edit(b, a) is close


@given(st.sampled_from(EVERY_NAME))
def test_every_name_is_found_by_its_own_fold_and_in_capitals(name):
    assert matches(name, [name])
    assert matches(fold(name), [name])
    assert matches(az_upper(name), [name])
    assert matches(az_lower(name), [name])


@given(st.sampled_from(EVERY_NAME), st.data())
def test_every_name_is_found_by_each_prefix_of_each_word(name, data):
    word = data.draw(st.sampled_from(name.split()))
    prefix = word[: data.draw(st.integers(1, len(word)))]
    assert matches(prefix, [name])
    assert matches(az_upper(prefix), [name])


@given(st.text())
def test_any_text_is_found_by_itself(text):
    assert matches(text, [text]) or not fold(text)
    assert matches(az_upper(text), [text]) or not fold(text)


@given(st.text(), st.text())
def test_the_matcher_never_crashes(query, name):
    matches(query, [name, None, ""])
