"""The public API is pinned: changing it must be deliberate and changelogged."""

import importlib
import inspect
from pathlib import Path

import pytest

from okrkit import Aggregation, Direction, Kind, Status

PUBLIC_API = {
    "okrkit": [
        "KPI",
        "Aggregation",
        "Band",
        "Cadence",
        "Calibration",
        "CalibrationBin",
        "Checkins",
        "Contribution",
        "Direction",
        "History",
        "HistoryRow",
        "KPIResult",
        "KeyResult",
        "KeyResultResult",
        "Kind",
        "Measurement",
        "Milestone",
        "Objective",
        "ObjectiveResult",
        "Organisation",
        "OwnerCalibration",
        "Period",
        "Scorecard",
        "Series",
        "Status",
        "Thresholds",
        "calibration",
        "evaluate",
        "evaluate_key_result",
        "evaluate_kpi",
        "from_dict",
        "history",
        "json_schema",
        "render",
        "to_dict",
    ],
    "okrkit.alignment": ["Cascade", "Finding", "Severity", "check"],
    "okrkit.exceptions": [
        "AlignmentError",
        "IncompatibleUnitsError",
        "InvalidTypeError",
        "InvalidValueError",
        "MissingExtraError",
        "OkrkitError",
        "PeriodError",
        "SerializationError",
        "UnknownIdError",
        "UnknownUnitError",
    ],
    "okrkit.plot": ["BANDS", "burn_up", "kpi", "scores"],
    "okrkit.scoring": [
        "Combine",
        "GoogleGrading",
        "Grading",
        "Linear",
        "Pace",
        "RedFlagGoal",
        "RollUp",
        "ScoreContext",
        "ScoringStrategy",
        "Stepped",
        "minimum",
        "weighted_mean",
    ],
    "okrkit.testing": [
        "STRATEGIES",
        "bands",
        "cadences",
        "cascades",
        "evaluations",
        "findings",
        "ids",
        "key_result_results",
        "key_results",
        "kpi_results",
        "kpis",
        "measurements",
        "milestones",
        "objective_results",
        "objectives",
        "organisations",
        "periods",
        "scorecards",
        "series",
        "thresholds",
    ],
    "okrkit.thresholds": ["Band", "Thresholds"],
    "okrkit.units": [
        "CURRENCIES",
        "Conversion",
        "UnitLike",
        "conversion",
        "convert",
        "is_currency",
        "normalize_unit",
        "parse_unit",
        "quantity",
        "symbol",
    ],
}

DESIGN_CONTRACT = [
    "Period",
    "Cadence",
    "Measurement",
    "KPI",
    "KeyResult",
    "Milestone",
    "Objective",
    "Direction",
    "Aggregation",
    "Status",
    "Thresholds",
    "Scorecard",
    "evaluate",
    "to_dict",
    "from_dict",
]


@pytest.mark.parametrize("module", sorted(PUBLIC_API))
def test_all_is_pinned(module):
    """Each public module exports exactly the pinned names."""
    assert importlib.import_module(module).__all__ == PUBLIC_API[module]


@pytest.mark.parametrize("module", sorted(PUBLIC_API))
def test_every_name_exists(module):
    """Everything in __all__ can be imported."""
    loaded = importlib.import_module(module)
    for name in PUBLIC_API[module]:
        assert hasattr(loaded, name), f"{module}.{name}"


def test_the_design_contract_is_importable_from_the_top():
    """The names the design promises come from the top-level package."""
    import okrkit
    from okrkit.exceptions import OkrkitError

    for name in DESIGN_CONTRACT:
        assert name in okrkit.__all__
    assert issubclass(OkrkitError, Exception)


@pytest.mark.parametrize("module", sorted(PUBLIC_API))
def test_every_public_class_and_function_has_an_example(module):
    """Public classes and functions carry a docstring with a runnable example."""
    loaded = importlib.import_module(module)
    for name in PUBLIC_API[module]:
        value = getattr(loaded, name)
        if inspect.isclass(value) or inspect.isfunction(value):
            assert ">>>" in (value.__doc__ or ""), f"{module}.{name} has no example"


def test_exceptions_derive_from_the_root_and_a_builtin():
    """Every okrkit error is an OkrkitError and also a builtin error."""
    import okrkit.exceptions as exceptions

    for name in PUBLIC_API["okrkit.exceptions"]:
        error = getattr(exceptions, name)
        assert issubclass(error, exceptions.OkrkitError)
        if error is not exceptions.OkrkitError:
            assert issubclass(error, (ValueError, TypeError, KeyError, ImportError))


def test_py_typed_ships():
    """The package is marked as typed."""
    import okrkit

    assert (importlib.resources.files(okrkit) / "py.typed").is_file()


def test_the_reference_names_every_public_name():
    """docs/reference.md mentions everything the public modules export."""
    from pathlib import Path

    reference = (Path(__file__).parent.parent / "docs" / "reference.md").read_text(
        encoding="utf-8"
    )
    for module, names in PUBLIC_API.items():
        assert f"## `{module}`" in reference
        for name in names:
            assert f"`{name}" in reference, f"{module}.{name} missing from reference"


@pytest.mark.parametrize("kind", [Status, Kind, Aggregation, Direction])
def test_enums_keep_their_members_and_work_as_keys(kind):
    """The identity hash added for speed is not a member and keeps lookups."""
    names = [member.name for member in kind]
    assert "__hash__" not in names
    assert len(set(names)) == len(kind)
    table = {member: member.name for member in kind}
    assert all(table[kind[name]] == name for name in names)
    assert all(hash(member) == hash(kind(member.value)) for member in kind)


def test_the_version_is_the_packages():
    """okrkit.__version__ is the version pyproject.toml builds (one source)."""
    import okrkit

    pyproject = (Path(__file__).parent.parent / "pyproject.toml").read_text()
    assert 'path = "src/okrkit/__init__.py"' in pyproject
    assert okrkit.__version__ == "0.1.0.dev0"


def test_the_reference_is_made_from_the_code(tmp_path):
    """docs/reference.md is what docs/make_reference.py makes from the code now."""
    import runpy
    import sys

    root = Path(__file__).parent.parent
    out = tmp_path / "reference.md"
    argv = sys.argv
    sys.argv = ["make_reference.py", str(out)]
    try:
        runpy.run_path(str(root / "docs" / "make_reference.py"), run_name="__main__")
    finally:
        sys.argv = argv
    committed = (root / "docs" / "reference.md").read_text(encoding="utf-8")
    assert out.read_text(encoding="utf-8") == committed, (
        "run: python docs/make_reference.py"
    )
