"""Malformed rule files fail loudly, naming the file and the field; the catalogue follows the data."""

from __future__ import annotations

import shutil

import pytest

from reflection.language.catalogue import README_FILE, main, readme_text
from reflection.language.pipeline import DeficitLanguageChecker
from reflection.language.rules import CATEGORIES, RULES_DIR, RuleFileError, load_rules


@pytest.fixture
def rules_dir(tmp_path):
    target = tmp_path / "rules"
    shutil.copytree(RULES_DIR, target)
    return target


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_shipped_rules_load(rules_dir):
    assert load_rules(rules_dir) == load_rules()


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        ("label.toml", 'explanation = "Naming students', 'colour = 1\nexplanation = "Naming students', "label.toml: rule 'label.low_students': unknown field(s) colour"),
        ("label.toml", 'explanation = "Naming students', 'explanation_typo = "Naming students', "label.toml: rule 'label.low_students', field 'explanation': must be a non-empty string"),
        ("poverty.toml", 'source = "Gorski, P. (2008) The Myth of the Culture of Poverty"', "source = 5", "poverty.toml: rule 'poverty.culture_of_poverty', field 'source'"),
        ("othering.toml", 'alternatives = ["our students", "our families", "the students in my class"]', "alternatives = []", "othering.toml: rule 'othering.those_kids', field 'alternatives'"),
        ("othering.toml", 'id = "othering.those_kids"', 'id = "label.those_kids"', "field 'id'"),
        ("label.toml", '{LOWER = {IN = ["@learners"]}}]', '{LOWER = {IN = ["@pupils"]}}]', "unknown word list '@pupils'"),
        ("label.toml", 'suggestion = "{noun} who {are|is} still building these skills"', 'suggestion = "{nun} who"', "unknown placeholder {nun}"),
        ("fixed_mindset.toml", "negatable = true", 'negatable = "yes"', "field 'negatable'"),
        ("generalization.toml", "[[rule]]", "[[rule]\n", "generalization.toml: not valid TOML"),
        ("label.toml", 'examples = {flags = "I pulled my low kids for a reteach.", ', 'samples = {flags = "I pulled my low kids for a reteach.", ',
         "label.toml: rule 'label.low_students', field 'examples': must be a table with flags, flagged and quiet"),
        ("label.toml", 'quiet = "We are low on chart paper."}', 'quiet = ""}', "rule 'label.low_students', field 'examples.quiet': must be a non-empty string"),
        ("_vocabulary.toml", 'asides = ["lol"', 'asides = [1, "lol"', "_vocabulary.toml: vocabulary, field 'context.asides.0': must be a list of words"),
        ("_vocabulary.toml", "habitual = [", "habitually = [", "_vocabulary.toml: vocabulary, field 'context': unknown field(s) habitually"),
    ],
)
def test_malformed_rule_file(rules_dir, file, old, new, message):
    _edit(rules_dir / file, old, new)
    with pytest.raises(RuleFileError) as error:
        load_rules(rules_dir)
    assert message in str(error.value)


def test_missing_category_file(rules_dir):
    (rules_dir / "othering.toml").unlink()
    with pytest.raises(RuleFileError, match="othering.toml: missing"):
        load_rules(rules_dir)


def test_invalid_token_pattern_names_the_rule(nlp, rules_dir):
    _edit(rules_dir / "poverty.toml", '[{LOWER = "word"}, {ORTH = "-", OP = "?"}, {LOWER = "gap"}],', '[{LOWERCASE = "word"}],')
    with pytest.raises(RuleFileError, match="poverty.toml: rule 'poverty.word_gap', field 'patterns'"):
        DeficitLanguageChecker(nlp, load_rules(rules_dir))


def test_every_category_has_guidance_for_model_flags(rules_dir):
    guides = load_rules(rules_dir).guides
    assert set(guides) == set(CATEGORIES)
    assert all(g.explanation and g.source and g.question and 1 <= len(g.alternatives) <= 3 for g in guides.values())


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("[poverty]", "[povrety]", "[poverty]: missing table"),
        ('question = "How many students, exactly, and which ones do not fit the claim?"', 'question = ""',
         "[generalization], field 'question'"),
    ],
)
def test_malformed_category_guides(rules_dir, old, new, message):
    _edit(rules_dir / "_categories.toml", old, new)
    with pytest.raises(RuleFileError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_rules(rules_dir)


def test_committed_rule_catalogue_is_current():
    """Run `python -m reflection.language.catalogue` after editing the rule data."""
    assert (RULES_DIR / README_FILE).read_text(encoding="utf-8") == readme_text()


def test_catalogue_command_rewrites_a_stale_readme(rules_dir, capsys):
    _edit(rules_dir / "poverty.toml", 'quiet = "We studied the culture of Peru."', 'quiet = "We studied the culture of Chile."')
    assert main(["--check", "--rules-dir", str(rules_dir)]) == 1
    assert "README.md is stale" in capsys.readouterr().err
    assert main(["--rules-dir", str(rules_dir)]) == 0
    assert "We studied the culture of Chile." in (rules_dir / README_FILE).read_text(encoding="utf-8")
    assert main(["--check", "--rules-dir", str(rules_dir)]) == 0


def test_catalogue_command_reports_bad_rule_data(rules_dir, capsys):
    _edit(rules_dir / "fixed_mindset.toml", "negatable = true", 'negatable = "yes"')
    assert main(["--check", "--rules-dir", str(rules_dir)]) == 2
    assert "fixed_mindset.toml: rule " in capsys.readouterr().err
