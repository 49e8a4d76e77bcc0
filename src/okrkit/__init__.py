"""okrkit: compute objectives, key results and KPIs correctly.

A pure, typed domain model: it computes and never reads or writes files,
sockets or clocks.  "As of" is always an argument.

>>> import okrkit
>>> okrkit.Period.parse("2026-Q1").days
90
"""

from okrkit._aggregation import Aggregation
from okrkit._cadence import Cadence
from okrkit._calibration import (
    Calibration,
    CalibrationBin,
    OwnerCalibration,
    calibration,
)
from okrkit._checkins import Checkins
from okrkit._document import Organisation
from okrkit._evaluate import evaluate
from okrkit._history import History, HistoryRow, history
from okrkit._key_result import KeyResult, Kind, Milestone
from okrkit._key_result_eval import evaluate_key_result
from okrkit._kpi import KPI
from okrkit._kpi_eval import evaluate_kpi
from okrkit._measurement import Measurement
from okrkit._objective import Objective
from okrkit._period import Period
from okrkit._render import render
from okrkit._results import Contribution, KeyResultResult, KPIResult, ObjectiveResult
from okrkit._scorecard import Scorecard
from okrkit._serialize import from_dict, json_schema, to_dict
from okrkit._series import Series
from okrkit._status import Direction, Status
from okrkit.thresholds import Band, Thresholds

__version__ = "0.1.0.dev0"

__all__ = [
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
]
