"""A segmented electrode volume: a 3-D array of phase labels, a voxel size and a phase map.

The label convention cellbench writes (and assumes when no phase map is given) is
``0 = void``, ``1 = active_material``, ``2 = solid_electrolyte``. Axis ``x`` is the first array
axis, ``y`` the second, ``z`` the third.

>>> import numpy as np
>>> v = Volume(np.zeros((4, 4, 4), dtype=np.uint8), voxel_size_um=0.5)
>>> v.fraction("void")
1.0
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import numpy as np

from cellbench.errors import InputError, NotFound, closest_choice

VOID = "void"
ACTIVE_MATERIAL = "active_material"
SOLID_ELECTROLYTE = "solid_electrolyte"

# label value -> phase name; what the generators write and what an import assumes by default
DEFAULT_PHASES: dict[int, str] = {0: VOID, 1: ACTIVE_MATERIAL, 2: SOLID_ELECTROLYTE}

AXES = ("x", "y", "z")


def axis_index(axis: str | int) -> int:
    """``"x"`` → 0, ``"y"`` → 1, ``"z"`` → 2 (integers 0–2 pass through)."""
    if isinstance(axis, (int, np.integer)) and 0 <= int(axis) <= 2:
        return int(axis)
    name = str(axis).strip().lower()
    if name not in AXES:
        raise InputError(f"unknown axis {axis!r}: expected one of x, y, z (x is the first array axis)",
                         location="axis")
    return AXES.index(name)


@dataclass(frozen=True, eq=False)  # arrays do not compare to one bool; compare .labels instead
class Volume:
    """A three-phase (or two-phase) segmented volume.

    ``labels`` is a 3-D integer array; ``phases`` maps each label value that occurs to a phase name.
    ``voxel_size_um`` may be None: τ, σ_eff/σ and the contact ratio are dimensionless and do not need it;
    only sizes in µm (``size_um``) do.
    """

    labels: np.ndarray
    voxel_size_um: float | None = None
    phases: Mapping[int, str] = field(default_factory=lambda: dict(DEFAULT_PHASES))
    source: str | None = None

    def __post_init__(self) -> None:
        labels = check_labels(self.labels, source=self.source)
        object.__setattr__(self, "labels", labels)
        if self.voxel_size_um is not None:
            object.__setattr__(self, "voxel_size_um", check_voxel_size(self.voxel_size_um, source=self.source))
        phases = {int(k): str(v) for k, v in dict(self.phases).items()}
        present = np.unique(labels)
        unknown = [int(v) for v in present if int(v) not in phases]
        if unknown:
            known = ", ".join(f"{k}={v}" for k, v in sorted(phases.items()))
            raise InputError(f"label value(s) {unknown} are not in the phase map ({known}); "
                             "give a phase map that names every label", source=self.source, location="phase map")
        object.__setattr__(self, "phases", phases)

    @property
    def shape(self) -> tuple[int, int, int]:
        return tuple(int(n) for n in self.labels.shape)  # type: ignore[return-value]

    @property
    def size_um(self) -> tuple[float, float, float]:
        if self.voxel_size_um is None:
            raise InputError("voxel size unknown: give voxel_size_um (µm per voxel edge) for sizes in µm",
                             source=self.source, location="voxel_size_um")
        return tuple(n * self.voxel_size_um for n in self.shape)  # type: ignore[return-value]

    def label_of(self, phase: str | int) -> int:
        """The label value of a phase given by name (``"solid_electrolyte"``) or by label value (``2``, ``"2"``)."""
        text = str(phase).strip()
        if text.lstrip("-").isdigit():
            value = int(text)
            if value not in self.phases:
                raise NotFound(f"unknown phase label {value}: the volume's labels are "
                                 f"{self._phase_list()}", source=self.source, location="phase")
            return value
        for value, name in self.phases.items():
            if name == text:
                return value
        raise NotFound(f"unknown phase {text!r}{closest_choice(text, self.phases.values())}: the volume's "
                         f"phases are {self._phase_list()}",
                         source=self.source, location="phase")

    def has_phase(self, phase: str) -> bool:
        return phase in self.phases.values() and bool(np.any(self.labels == self.label_of(phase)))

    def mask(self, phase: str | int) -> np.ndarray:
        """Boolean array, True where the phase is."""
        return self.labels == self.label_of(phase)

    def fraction(self, phase: str | int) -> float:
        """Volume fraction of a phase (0 for a phase named in the map but absent)."""
        return float(np.count_nonzero(self.mask(phase))) / self.labels.size

    def fractions(self) -> dict[str, float]:
        return {name: self.fraction(value) for value, name in sorted(self.phases.items())}

    def _phase_list(self) -> str:
        return ", ".join(f"{k}={v}" for k, v in sorted(self.phases.items()))


def check_labels(labels: np.ndarray, *, source: str | None = None) -> np.ndarray:
    """A 3-D array of non-negative integer labels (each axis at least 2 voxels), as ``uint8``/``uint16``."""
    array = np.asarray(labels)
    if array.ndim != 3:
        raise InputError(f"expected a 3-D volume of phase labels, got {array.ndim}-D with shape {array.shape}",
                         source=source, location="array shape")
    if min(array.shape) < 2:
        raise InputError(f"every axis needs at least 2 voxels, got shape {array.shape}",
                         source=source, location="array shape")
    if array.dtype.kind == "b":
        array = array.astype(np.uint8)
    elif array.dtype.kind == "f":
        if not np.all(np.isfinite(array)) or not np.all(array == np.round(array)):
            raise InputError("expected integer phase labels, got non-integer values", source=source,
                             location=f"dtype {array.dtype}")
    elif array.dtype.kind not in "iu":
        raise InputError(f"expected integer phase labels, got dtype {array.dtype}", source=source,
                         location="dtype")
    if array.min() < 0 or array.max() > 65535:
        raise InputError(f"phase labels must lie in 0..65535, got {array.min()}..{array.max()}",
                         source=source, location="labels")
    dtype = np.uint8 if array.max() <= 255 else np.uint16
    return np.ascontiguousarray(array.astype(dtype, copy=False))


def check_voxel_size(voxel_size_um: float | None, *, source: str | None = None) -> float:
    if voxel_size_um is None:
        raise InputError("voxel size missing: give voxel_size_um (µm per voxel edge)", source=source,
                         location="voxel_size_um")
    try:
        value = float(voxel_size_um)
    except (TypeError, ValueError) as exc:
        raise InputError(f"voxel size must be a number in µm, got {voxel_size_um!r}", source=source,
                         location="voxel_size_um") from exc
    if not np.isfinite(value) or value <= 0:
        raise InputError(f"voxel size must be positive, got {voxel_size_um!r} µm", source=source,
                         location="voxel_size_um")
    return value
