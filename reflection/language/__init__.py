"""The bias check: deficit-language flags with strengths-based rewrites, readability, names.

Other parts of Reflection use only the names exported here.
"""

from .analysis import analyse, analyse_many, apply_suggestion
from .pipeline import COMPONENT_NAME, ModelNotInstalledError, load_nlp
from .privacy import initials, person_names, replace_names
from .readability import readability
from .results import Analysis, Flag, NameSpan
from .rules import CATEGORIES, CATEGORY_LABELS, RuleFileError, default_rules

RULES_VERSION: str = default_rules().version

__all__ = [
    "CATEGORIES",
    "CATEGORY_LABELS",
    "COMPONENT_NAME",
    "RULES_VERSION",
    "Analysis",
    "Flag",
    "ModelNotInstalledError",
    "NameSpan",
    "RuleFileError",
    "analyse",
    "analyse_many",
    "apply_suggestion",
    "initials",
    "load_nlp",
    "person_names",
    "readability",
    "replace_names",
]
