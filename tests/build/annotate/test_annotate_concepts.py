"""concepts: an indicator name resolved to the corpus's concept, or left new when it counts something else."""

from policykg import config
from policykg.build.annotate import learn_from_corpus
from policykg.build.annotate.concepts import resolve_concept


def test_a_list_of_another_length_is_another_scope(lexicon):
    # two certificate kinds are new-certificates in other wording; a third kind widens what is counted
    assert resolve_concept(lexicon, "新增获得职业资格证书或职业技能等级证书")[0] == "new-certificates"
    assert resolve_concept(lexicon, "新增获得职业资格证书、职业技能等级证书或培训合格证书")[0] != "new-certificates"


def test_a_value_named_by_its_action_teaches_the_clause_before_it():
    # only the Liaoning plan (001) names these funds: 从失业保险基金结余中筹集62亿元，建立…专账资金
    others = {p.stem for p in config.CORPUS_DIR.glob("*.txt") if not p.stem.startswith("001_")}
    lex = learn_from_corpus(config.CORPUS_DIR, exclude=others)
    assert resolve_concept(lex, "从失业保险基金结余中提取")[0] == "skills-upgrading-special-account-funds"
    assert resolve_concept(lex, "从就业补助资金中安排")[0] is None
