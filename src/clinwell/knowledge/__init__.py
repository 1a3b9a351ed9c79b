"""Knowledge base: NAM National Plan, NASEM model, the four levels, interventions, resources,
recognition readiness and national benchmarks, as validated data files with typed loaders.

Pure (no Django, no Ibis). Every loader parses a YAML file under ``knowledge/data`` once, checks
types and cross-references, and raises :class:`KnowledgeDataError` naming the file, entry and field
when something is wrong. Facts the sources could not confirm carry ``confirmed=False`` and a note.
See ``docs/knowledge.md``.
"""

from __future__ import annotations

from clinwell.knowledge._data import (
    KnowledgeDataError,
    KnowledgeError,
    Source,
    UnknownKeyError,
    data_files,
)
from clinwell.knowledge.benchmarks import (
    BenchmarkPoint,
    BenchmarkSeries,
    CostInputs,
    cost_of_burnout_inputs,
    national_benchmarks,
)
from clinwell.knowledge.ehr_benchmarks import EhrBenchmark, ehr_benchmarks
from clinwell.knowledge.interventions import (
    DESIGN_STRENGTH,
    Evidence,
    Intervention,
    evidence_library,
    find_interventions,
    intervention,
    interventions,
)
from clinwell.knowledge.levels import Level, Levels, burnout_levels
from clinwell.knowledge.nam import Action, ActorGroup, Goal, NamPlan, PriorityArea, nam_plan
from clinwell.knowledge.nasem import (
    NasemGoal,
    NasemModel,
    Outcome,
    SystemLevel,
    WorkFactor,
    nasem_model,
)
from clinwell.knowledge.recognition import (
    Criterion,
    Pillar,
    PillarProgress,
    Readiness,
    RecognitionLevel,
    RecognitionProgram,
    assess_readiness,
    recognition_program,
)
from clinwell.knowledge.resources import (
    Resource,
    ResourceDirectory,
    State,
    find_resources,
    resource_directory,
)
from clinwell.knowledge.suggest import DriverMatch, Suggestion, suggest_interventions
from clinwell.knowledge.vocabulary import Term, Vocabulary, vocabulary

__all__ = [
    "DESIGN_STRENGTH",
    "Action",
    "ActorGroup",
    "BenchmarkPoint",
    "BenchmarkSeries",
    "CostInputs",
    "Criterion",
    "DriverMatch",
    "EhrBenchmark",
    "Evidence",
    "Goal",
    "Intervention",
    "KnowledgeDataError",
    "KnowledgeError",
    "Level",
    "Levels",
    "NamPlan",
    "NasemGoal",
    "NasemModel",
    "Outcome",
    "Pillar",
    "PillarProgress",
    "PriorityArea",
    "Readiness",
    "RecognitionLevel",
    "RecognitionProgram",
    "Resource",
    "ResourceDirectory",
    "Source",
    "State",
    "Suggestion",
    "SystemLevel",
    "Term",
    "UnknownKeyError",
    "Vocabulary",
    "WorkFactor",
    "assess_readiness",
    "burnout_levels",
    "cost_of_burnout_inputs",
    "data_files",
    "ehr_benchmarks",
    "evidence_library",
    "find_interventions",
    "find_resources",
    "intervention",
    "interventions",
    "nam_plan",
    "nasem_model",
    "national_benchmarks",
    "recognition_program",
    "resource_directory",
    "suggest_interventions",
    "vocabulary",
]
