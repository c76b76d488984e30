"""The bias check: deficit-language flags with strengths-based rewrites, readability, names.

Other parts of Reflection use only the names exported here.
"""

from .analysis import TextTooLong, analyse, analyse_many, apply_suggestion
from .pipeline import COMPONENT_NAME, ModelNotInstalledError, load_nlp
from .names import initials, person_names, replace_names
from .readability import readability
from .results import Analysis, Flag, NameSpan, stored_analysis
from .rules import CATEGORIES, CATEGORY_LABELS, RuleFileError
from .version import checker_version

# Stored analyses made with another version are re-checked (code, rules and model).
RULES_VERSION: str = checker_version()

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
    "TextTooLong",
    "analyse",
    "analyse_many",
    "apply_suggestion",
    "initials",
    "load_nlp",
    "person_names",
    "readability",
    "replace_names",
    "stored_analysis",
]
