"""Reading the search box, without a database: folding, aliases, typos, prefixes and numbers."""

import pytest

from kerjasama.search.aliases import AliasTable
from kerjasama.search.query import Phrase, Prefix, Word, edit_distance, parse


class FakeVocabulary:
    """The vocabulary interface over a set of words."""

    def __init__(self, words):
        self.words = set(words)

    def known(self, candidates):
        return self.words & set(candidates)

    def has_longer(self, start):
        return any(word.startswith(start) for word in self.words)

    def variants(self, words):
        return {}

    def near(self, word, distance):
        scored = sorted((edit_distance(word, term, distance), term) for term in self.words)
        scored = [(found, term) for found, term in scored if found <= distance]
        return [term for found, term in scored if found == scored[0][0]] if scored else []


ALIASES = AliasTable()
ALIASES.add_group(["kukar", "kutai kartanegara"])
ALIASES.add_group(["samarinda", "smd"])
VOCABULARY = FakeVocabulary(
    ["samarinda", "smd", "kukar", "kutai", "kartanegara", "pemerintah", "perjanjian", "samboja"]
)


@pytest.mark.parametrize(
    ("first", "second", "limit", "expected"),
    [
        ("samarinda", "samarinda", 2, 0),
        ("samarnda", "samarinda", 2, 1),  # a letter left out
        ("balikapan", "balikpapan", 2, 1),
        ("smarainda", "samarinda", 2, 2),  # two neighbours swapped twice... or one swap and a drop
        ("kukar", "kubar", 1, 1),
        ("abc", "abcdef", 1, 2),  # beyond the limit: limit + 1
    ],
)
def test_edit_distance(first, second, limit, expected):
    assert edit_distance(first, second, limit) == expected


def test_swapped_neighbours_are_one_edit():
    assert edit_distance("smaarinda", "samarinda", 1) == 1


def test_words_are_folded_and_all_must_match():
    query = parse("Perjanjian,  SAMBOJA!", VOCABULARY, AliasTable())
    assert query.clauses == [(Word("perjanjian"),), (Prefix("samboja"),)]


def test_an_alias_becomes_every_name_of_its_group_both_ways():
    assert parse("Kukar", VOCABULARY, ALIASES).clauses == [(Word("kukar"), Phrase(("kutai", "kartanegara")))]
    assert parse("Kutai Kartanegara", VOCABULARY, ALIASES).clauses == [
        (Word("kukar"), Phrase(("kutai", "kartanegara")))
    ]
    assert parse("smd", VOCABULARY, ALIASES).clauses == [(Word("samarinda"), Word("smd"))]


def test_the_last_word_is_also_a_beginning():
    assert parse("Samb", VOCABULARY, ALIASES).clauses == [(Prefix("samb"),)]
    # Only the last word: earlier words are complete.
    assert parse("samb perjanjian", VOCABULARY, ALIASES).clauses[0] == (Word("samb"),)


def test_an_unknown_word_is_corrected_towards_indexed_words_and_their_aliases():
    clause = parse("Samarnda", VOCABULARY, ALIASES).clauses[0]
    assert Word("samarinda") in clause and Word("smd") in clause


def test_a_beginning_of_an_indexed_word_is_not_taken_for_a_typo():
    assert parse("kartane", VOCABULARY, ALIASES).clauses == [(Prefix("kartane"),)]


def test_a_protected_word_is_never_corrected_into_another():
    # "perintah" is two edits from "pemerintah", which the index knows; it must stay itself.
    assert parse("perintah", VOCABULARY, ALIASES).clauses == [(Prefix("perintah"),)]


def test_a_number_is_its_parts_in_a_row_or_its_squashed_beginning():
    assert parse("180/023/KSD", VOCABULARY, ALIASES).clauses == [(Phrase(("180", "023", "ksd")), Prefix("180023ksd"))]
    # Not the last token: the squashed number must be whole.
    assert parse("180/023/KSD/2025 kukar", VOCABULARY, ALIASES).clauses[0] == (
        Phrase(("180", "023", "ksd", "2025")),
        Word("180023ksd2025"),
    )


def test_text_without_words_is_no_query():
    assert not parse(" /// -- ", VOCABULARY, ALIASES)
