"""Person names for pseudonymising a shared copy."""

from __future__ import annotations

from reflection.language import initials, person_names, replace_names

TEXT = "Maria Lopez asked a great question. Later Maria helped David Chen with his graph, and Maria Lopez smiled."


def test_person_names_are_merged_and_ordered(nlp):
    names = person_names(TEXT)
    texts = [name.text for name in names]
    assert "Maria Lopez" in texts and "David Chen" in texts
    assert len(texts) == len(set(texts))
    for name in names:
        assert TEXT[name.start : name.end] == name.text
    assert [n.start for n in names] == sorted(n.start for n in names)


def test_person_names_of_empty_text():
    assert person_names("  ") == []


def test_replace_names_whole_words_longest_first():
    replaced = replace_names(TEXT, {"Maria Lopez": "M.L.", "Maria": "Student A", "David Chen": "D.C."})
    assert replaced == "M.L. asked a great question. Later Student A helped D.C. with his graph, and M.L. smiled."
    assert replace_names("Marianne met Maria.", {"Maria": "S"}) == "Marianne met S."
    assert replace_names("unchanged", {}) == "unchanged"


def test_initials():
    assert initials("Maria Lopez") == "M.L."
    assert initials("  ana maría de la cruz ") == "A.M.D.L.C."
    assert initials("") == ""
