"""Each rule fires on its example and stays quiet on its near miss; every rule has both."""

from __future__ import annotations

import pytest

from reflection.language import analyse
from reflection.language.rules import CATEGORIES, default_rules

# rule id: (sentence that fires, the words it flags, near miss that must not fire)
RULE_EXAMPLES = {
    "label.low_students": ("I pulled my low kids for a reteach.", "low kids", "We are low on chart paper."),
    "label.bottom_tier": ("The bottom third failed the quiz.", "bottom third", "The answers are at the bottom of the page."),
    "label.struggling": ("My struggling readers need audio support.", "struggling readers", "I am struggling with the pacing guide."),
    "label.behavior_problem": ("Honestly he is a behavior problem.", "a behavior problem", "Nobody here is a behavior problem."),
    "label.low_predicate": ("The kids in my intervention block are just low.", "low", "We are low on glue sticks."),
    "label.the_bad_ones": ("They're the disruptive ones, as usual.", "the disruptive ones", "The markers were the bad ones."),
    "label.at_risk": ("The at-risk kids get a mentor.", "at-risk kids", "We were at risk of running out of time."),
    "blame_character.disengaged": ("Students are lazy about revising.", "lazy", "We floated down the lazy river."),
    "blame_character.defiant": ("Tyler was defiant all morning.", "defiant", "He is not defiant, he was confused."),
    "blame_character.does_not_care": ("He doesn't care about grades.", "He doesn't care", "I don't care which color they use."),
    "blame_character.cannot_settle": ("These kids can't focus.", "These kids can't focus", "He can't focus when the hallway is noisy."),
    "blame_character.lacks_drive": ("She has no motivation at all.", "has no motivation", "We had no motivation problems this week."),
    "fixed_mindset.not_a_type": ("She's just not a math person.", "not a math person", "She is a math person now."),
    "fixed_mindset.never_will": ("They'll never get it.", "They'll never get it", "They'll never guess the password."),
    "fixed_mindset.cannot_learn": ("Kevin can't learn fractions.", "Kevin can't learn", "I can't learn the new software fast enough."),
    "fixed_mindset.ability_as_trait": ("That boy is stupid.", "stupid", "That was a stupid mistake on my part."),
    "fixed_mindset.not_smart": ("Ella is simply not bright.", "not bright", "It was not smart of me to skip the demo."),
    "fixed_mindset.not_in_them": ("Some of them just don't have it in them.", "don't have it in them", "I don't have it in me to grade tonight."),
    "fixed_mindset.lost_cause": ("She is a lost cause.", "a lost cause", "No student is a lost cause."),
    "othering.those_kids": ("Those kids worry me.", "Those kids", "Those kids in the 1960s photo look serious."),
    "othering.kids_like_that": ("Kids like that need a firm hand.", "Kids like that", "Kids like to move during math."),
    "othering.those_people": ("You know how those people are.", "those people", "Those posters are new."),
    "othering.illegal": ("His parents are illegal.", "illegal", "Parking in the bus lane is illegal."),
    "othering.illegal_people": ("There are illegal immigrants in the zone.", "illegal immigrants", "Illegal parking is a problem."),
    "othering.dehumanising": ("Some of them are thugs.", "thugs", "We read a critique of thug life imagery."),
    "othering.animals": ("The kids were animals after recess.", "animals", "We fed the animals in the science room."),
    "family_community.do_not_care": ("Parents don't care about homework.", "Parents don't care", "Parents can't attend during the day."),
    "family_community.do_not_value_education": ("They don't value education.", "don't value education", "They value education deeply."),
    "family_community.parents_do_not_value_education": ("Her parents don't value education.", "parents don't value education", "Her parents value education."),
    "family_community.no_support_at_home": ("There is no support at home.", "no support at home", "There is no support for new teachers."),
    "family_community.broken_home": ("He comes from a broken home.", "a broken home", "The broken chair is in the hall."),
    "family_community.uninvolved_parents": ("Absent parents make this hard.", "Absent parents", "Absent students get the notes by email."),
    "family_community.parents_are_absent": ("Her parents are uninvolved.", "parents are uninvolved", "Her parents are involved."),
    "language_deficit.esl_label": ("The ESL kids sat together.", "ESL kids", "The ESL teacher co-planned with me."),
    "language_deficit.cannot_in_english": ("The ELLs can't write.", "The ELLs can't write", "The ELL program grew."),
    "language_deficit.non_english_speakers_cannot": ("Non-English speakers can't keep up.", "Non-English speakers can't keep up", "English speakers of every level joined."),
    "language_deficit.non_english_speakers": ("We have many non-English speakers.", "non-English speakers", "We have many Spanish speakers."),
    "language_deficit.broken_english": ("He speaks broken English.", "broken English", "He speaks English and Tagalog."),
    "language_deficit.no_language": ("Many of them have no vocabulary.", "have no vocabulary", "The unit has no vocabulary list yet."),
    "language_deficit.language_barrier": ("The language barrier is the problem.", "language barrier", "The language arts block is long."),
    "identity_first.special_ed": ("He is a special ed kid.", "a special ed kid", "The special education teacher co-taught."),
    "identity_first.plan_or_placement": ("The IEP kids left early.", "IEP kids", "We had an IEP meeting."),
    "identity_first.autistic": ("The autistic kid had a meltdown.", "autistic kid", "The autism specialist visited."),
    "identity_first.diagnosis": ("The ADHD kid talks all day.", "ADHD kid", "Our ADHD training was useful."),
    "identity_first.wheelchair": ("She is wheelchair-bound.", "wheelchair-bound", "She uses a wheelchair."),
    "identity_first.suffers_from": ("He suffers from autism.", "suffers from autism", "My lesson suffered from poor pacing."),
    "poverty.culture_of_poverty": ("It's the culture of poverty.", "culture of poverty", "We studied the culture of Peru."),
    "poverty.poor_kids": ("Those poor kids have nothing.", "poor kids", "That was a poor choice of example."),
    "poverty.ghetto": ("It's so ghetto over there.", "ghetto", "We walked over there after school."),
    "poverty.from_nothing": ("They come from nothing.", "come from nothing", "They come from five countries."),
    "poverty.word_gap": ("That's the word gap showing.", "word gap", "The word wall needs updating."),
    "poverty.word_gap_kids": ("The word gap kids need talk.", "word gap kids", "The word wall kids built it."),
    "poverty.no_experiences": ("They have no background knowledge.", "no background knowledge", "They have background knowledge about farming."),
    "generalization.never_does": ("They never do homework.", "never do", "They never give up."),
    "generalization.always_does": ("These kids always forget their folders.", "always forget", "These kids always ask great questions."),
    "generalization.group_always": ("These students always…", "These students always…", "These students always share."),
    "generalization.all_act_the_same": ("They all act the same way in the hallway.", "all act the same way", "The worksheets all look the same."),
    "generalization.all_the_same": ("They're all the same.", "'re all the same", "The worksheets are all the same."),
    "generalization.sweeping_group": ("Kids these days can't wait.", "Kids these days", "Kids in this class can wait."),
    "label.sorting_noun": ("I gave my lowbies the audio version.", "lowbies", "The repeat button on the player is broken."),
    "label.low_group": ("Honestly the low table is where I lose time.", "low table", "The low table by the window is for painting."),
    "label.bad_group": ("My bad class came in loud.", "bad class", "I taught a bad lesson to a great class."),
    "blame_character.lacks_virtue": ("These students lack grit.", "lack grit", "He doesn't lack grit, he lacks sleep."),
    "fixed_mindset.denied_ability": ("I don't think he has it in him.", "has it in him", "I think he has it in him."),
    "fixed_mindset.ceiling": ("That group has hit their ceiling.", "hit their ceiling", "The balloon hit the ceiling."),
    "fixed_mindset.never_going_to": ("He was never going to be a reader.", "never going to", "I was never going to skip the field trip."),
    "fixed_mindset.will_never": ("Deshawn will never read on grade level.", "will never read", "I will never read that memo again."),
    "fixed_mindset.no_amount": ("No amount of tutoring will help her.", "No amount of tutoring", "No amount of coffee will fix my Monday."),
    "fixed_mindset.no_point": ("There's no point calling home.", "no point calling", "There's no point in the middle of the line."),
    "fixed_mindset.pointless": ("It's pointless to push her.", "pointless to push", "The meeting felt pointless."),
    "fixed_mindset.low_expectations": ("You can't expect much from him.", "can't expect much", "You can expect much more from this unit."),
    "othering.origin_group": ("The Hispanic kids sat together.", "The Hispanic kids", "Our Somali families organized the potluck."),
    "family_community.nobody_at_home": ("Nobody at home pushes him.", "Nobody at home pushes him", "Nobody at school knew the answer."),
    "family_community.home_training": ("Half of them have no home training.", "no home training", "We have no training day this month."),
    "language_deficit.no_english": ("They don't know any English.", "don't know any English", "They don't know any of the answers yet."),
    "language_deficit.english_is_bad": ("Their English is terrible.", "Their English is terrible", "Their English teacher is terrific."),
    "language_deficit.home_language_blamed": ("Their home language is holding them back.", "home language is holding them back", "Their home language is Somali."),
    "identity_first.is_diagnosis": ("He's ADHD.", "He's ADHD", "He has ADHD and uses a standing desk."),
    "identity_first.condition_noun": ("He's a diabetic.", "a diabetic", "He manages his diabetic supplies himself."),
    "identity_first.wheelchair_label": ("The wheelchair girl needs a ramp.", "wheelchair girl", "The girl who uses a wheelchair needs a ramp."),
    "poverty.bad_neighbourhood": ("She is from the bad part of town.", "the bad part of town", "She is from the north part of town."),
    "poverty.rough_background": ("She comes from a rough background.", "a rough background", "She comes from a farming background."),
    "generalization.always_or_all": ("Girls are always so dramatic.", "are always so dramatic", "Girls are always welcome in robotics."),
    "generalization.whole_group": ("The whole class is lazy.", "The whole class is lazy", "The whole class is here."),
    "generalization.bare_group": ("Boys just don't like to read.", "Boys just don't like", "Some boys just don't like horror stories."),
    "generalization.nobody_can": ("Nobody in this class can write a sentence.", "Nobody in this class can write", "Nobody in this class was absent."),
    "generalization.none_ever": ("None of my students ever do the reading.", "None of my students ever do", "None of my students were late."),
}


def test_every_rule_has_examples():
    assert set(RULE_EXAMPLES) == {rule.id for rule in default_rules().rules}


def test_every_category_has_rules():
    assert {rule.category for rule in default_rules().rules} == set(CATEGORIES)


@pytest.mark.parametrize("rule_id", sorted(RULE_EXAMPLES))
def test_rule_fires(nlp, rule_id):
    sentence, flagged, _ = RULE_EXAMPLES[rule_id]
    flags = analyse(sentence, use_model=False).flags
    assert [(f.rule_id, f.text) for f in flags] == [(rule_id, flagged)]


@pytest.mark.parametrize("rule_id", sorted(RULE_EXAMPLES))
def test_rule_near_miss_is_quiet(nlp, rule_id):
    near_miss = RULE_EXAMPLES[rule_id][2]
    assert analyse(near_miss, use_model=False).flags == []


@pytest.mark.parametrize("rule", default_rules().rules, ids=lambda rule: rule.id)
def test_rule_metadata_is_complete(rule):
    assert rule.explanation and rule.source and rule.question
    assert 1 <= len(rule.alternatives) <= 3
