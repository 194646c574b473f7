"""Programme targets as data: target sets (Green Innovation Fund, SOLiD-EV, the battery strategy, the EU Battery
Regulation, or a user's own YAML) and the check of any result against them: met, not met with the distance, or
not assessed with the reason.

>>> from cellbench import targets
>>> check = targets.assess({"recovery_li_pct": 65.0}, ["gi-fund"], stages=["end_of_life"])[0]
>>> check.status, round(check.margin, 1)
('not met', -5.0)
"""

from cellbench.targets.assessment import (
    TargetCheck, assess, cell_figures, check_evaluation, drive_figures, evaluation_figures, footprint_figures,
    material_figures, pack_figures, recovery_figures, stage_gate,
)
from cellbench.targets.sets import QUANTITIES, STAGES, Source, Target, TargetSet, list_sets, load_set, load_set_file

__all__ = [
    "TargetCheck", "assess", "stage_gate", "check_evaluation", "evaluation_figures", "cell_figures", "pack_figures", "drive_figures",
    "footprint_figures", "recovery_figures", "material_figures", "QUANTITIES", "STAGES", "Source", "Target",
    "TargetSet", "list_sets", "load_set", "load_set_file",
]
