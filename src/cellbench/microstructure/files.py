"""Reading and writing segmented volumes: NumPy ``.npy``, multi-page TIFF, and a YAML description.

A volume file holds only labels; the voxel size and the phase map come from the caller or from a YAML
description beside it (same name, ``.yaml``), which can also be passed on its own (an ImageJ TIFF stack
with cubic voxels in µm also carries its voxel size). Without any, the voxel size stays unknown (None):
τ and the contact ratio do not need it::

    # electrode.yaml
    volume: electrode.npy          # or a .tif/.tiff stack, one page per slice along x
    voxel_size_um: 0.3
    phases: {0: void, 1: active_material, 2: solid_electrolyte}

>>> import tempfile, pathlib, numpy as np
>>> from cellbench.microstructure.volume import Volume
>>> path = pathlib.Path(tempfile.mkdtemp()) / "v.npy"
>>> description = save_volume(Volume(np.zeros((3, 3, 3), dtype=np.uint8), voxel_size_um=0.3), path)
>>> load_volume(path).voxel_size_um
0.3
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

import numpy as np
import yaml

from cellbench.documents import read_yaml
from cellbench.errors import InputError
from cellbench.microstructure.volume import DEFAULT_PHASES, Volume

ARRAY_SUFFIXES = (".npy", ".tif", ".tiff")
DESCRIPTION_SUFFIXES = (".yaml", ".yml")


def load_volume(path: str | Path, *, voxel_size_um: float | None = None,
                phases: Mapping[int, str] | None = None) -> Volume:
    """Read a volume; arguments given here win over the YAML description beside the file."""
    path = Path(path)
    suffix = path.suffix.lower()
    description: dict = {}
    if suffix in DESCRIPTION_SUFFIXES:
        description = _read_description(path)
        array_path = path.parent / str(description["volume"])
    elif suffix in ARRAY_SUFFIXES:
        array_path = path
        for sidecar in (path.with_suffix(".yaml"), path.with_suffix(".yml")):
            if sidecar.exists():
                description = _read_description(sidecar)
                break
    else:
        raise InputError(f"unknown volume file type {path.suffix!r}: expected .npy, .tif, .tiff or a .yaml "
                         "description", source=str(path))
    labels = _read_array(array_path)
    if voxel_size_um is None:
        voxel_size_um = description.get("voxel_size_um")
        if voxel_size_um is None and array_path.suffix.lower() in (".tif", ".tiff"):
            voxel_size_um = _imagej_voxel_size_um(array_path)
    if phases is None:
        phases = description.get("phases") or DEFAULT_PHASES
    return Volume(labels, voxel_size_um=voxel_size_um, phases=parse_phase_map(phases, source=str(path)),
                  source=str(array_path))


def save_volume(volume: Volume, path: str | Path) -> Path:
    """Write ``path`` (.npy or .tif) and its YAML description beside it; returns the description's path."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".npy":
        np.save(path, volume.labels)
    elif suffix in (".tif", ".tiff"):
        import tifffile

        tifffile.imwrite(path, volume.labels)
    else:
        raise InputError(f"cannot write volumes as {path.suffix!r}: use .npy or .tif", source=str(path))
    description = {"volume": path.name, "voxel_size_um": volume.voxel_size_um,
                   "phases": {int(k): v for k, v in sorted(volume.phases.items())}}
    if volume.voxel_size_um is None:
        del description["voxel_size_um"]
    description_path = path.with_suffix(".yaml")
    description_path.write_text(yaml.safe_dump(description, sort_keys=False), encoding="utf-8")
    return description_path


def parse_phase_map(phases: Mapping | str, *, source: str | None = None) -> dict[int, str]:
    """``{0: "void", ...}`` or ``"0=void,1=active_material,2=solid_electrolyte"`` → ``{label: name}``."""
    if isinstance(phases, str):
        pairs = [item.split("=", 1) for item in phases.split(",") if item.strip()]
        if any(len(pair) != 2 for pair in pairs):
            raise InputError(f"phase map {phases!r} is not of the form 'LABEL=NAME,LABEL=NAME'", source=source,
                             location="phases")
        phases = {key.strip(): value.strip() for key, value in pairs}
    result: dict[int, str] = {}
    for key, value in dict(phases).items():
        try:
            label = int(key)
        except (TypeError, ValueError) as exc:
            raise InputError(f"phase label {key!r} is not an integer", source=source,
                             location=f"phases.{key}") from exc
        if not isinstance(value, str) or not value.strip():
            raise InputError(f"phase {label} needs a name", source=source, location=f"phases.{key}")
        result[label] = value.strip()
    if not result:
        raise InputError("the phase map is empty", source=source, location="phases")
    return result


def _read_description(path: Path) -> dict:
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise InputError("expected a mapping with 'volume', 'voxel_size_um' and 'phases'", source=str(path))
    if "volume" not in data:
        data = dict(data, volume=path.with_suffix(".npy").name)
    return data


def _read_array(path: Path) -> np.ndarray:
    if not path.exists():
        raise InputError("volume file not found", source=str(path))
    suffix = path.suffix.lower()
    try:
        if suffix == ".npy":
            return np.load(path, allow_pickle=False)
        if suffix in (".tif", ".tiff"):
            import tifffile

            return tifffile.imread(path)
    except (ValueError, OSError, EOFError) as exc:
        kind = "NumPy .npy" if suffix == ".npy" else "TIFF"
        raise InputError(f"not a readable {kind} file ({exc})", source=str(path)) from exc
    except Exception as exc:  # tifffile raises its own error types for malformed stacks
        raise InputError(f"not a readable TIFF stack ({exc})", source=str(path)) from exc
    raise InputError(f"unknown volume file type {path.suffix!r}: expected .npy, .tif or .tiff", source=str(path))


# the micro sign and the Greek mu both appear as "µm" in ImageJ files
_MICRON_UNITS = {"um", "\u00b5m", "\u03bcm", "micron", "microns", "micrometer", "micrometre"}


def _imagej_voxel_size_um(path: Path) -> float | None:
    """Voxel edge from an ImageJ stack's calibration (pixel size and slice spacing), if it is in µm and cubic."""
    import tifffile

    try:
        with tifffile.TiffFile(path) as tif:
            metadata = tif.imagej_metadata or {}
            tags = tif.pages[0].tags
            x_res = tags.get("XResolution")
            y_res = tags.get("YResolution")
            if not metadata or x_res is None or y_res is None:
                return None
            unit = str(metadata.get("unit", "")).strip().lower()
            pixel_x = x_res.value[1] / x_res.value[0]
            pixel_y = y_res.value[1] / y_res.value[0]
    except Exception:  # a stack we cannot read metadata from is read as labels only; the caller asks for the size
        return None
    if unit not in _MICRON_UNITS:
        return None
    spacing = float(metadata.get("spacing", pixel_x))
    sizes = (spacing, pixel_y, pixel_x)
    if max(sizes) > 1.01 * min(sizes):
        raise InputError(f"voxels are not cubic ({spacing:g} × {pixel_y:g} × {pixel_x:g} µm): resample the stack "
                         "or pass voxel_size_um", source=str(path), location="voxel_size_um")
    return float(pixel_x)
