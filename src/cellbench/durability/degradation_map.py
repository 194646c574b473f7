"""The degradation-factor map (劣化要因マップ) as versioned data, and ranking of its mechanisms.

The bundled map (``data/degradation-map.yaml``) holds the SOLiD-EV all-solid-state mechanisms plus the
generic degradation modes; a user's own map file of the same shape replaces it.

>>> m = load_map()
>>> [x.id for x in m.mechanisms][:2]
['se-oxidation-cathode', 'se-reduction-anode']
>>> rank(m, {"lli": 0.10, "lam_cathode": 0.0, "lam_anode": 0.0, "resistance_growth": 0.02})[0].mechanism.id
'se-reduction-anode'
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from cellbench.documents import load_model

BUNDLED_MAP = Path(__file__).parent / "data" / "degradation-map.yaml"

#: the size of each measured quantity that counts as a clear symptom (fraction): below it a symptom is weak.
#: 2 % of lithium or active material is about the resolution of a dV/dQ fit on a clean low-rate curve;
#: 10 % DC-IR growth is beyond the spread of repeated pulses on one cell.
CLEAR_SYMPTOM = {"lli": 0.02, "lam_cathode": 0.02, "lam_anode": 0.02, "resistance_growth": 0.10,
                 "r_middle_growth": 0.10, "r_low_growth": 0.10}
QUANTITIES = tuple(CLEAR_SYMPTOM)


class Mechanism(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    name: str
    where: str
    symptoms: dict[str, str]
    signatures: list[str]
    evidence: list[str] = Field(default_factory=list, description="what other analyses (XPS, SEM...) show")
    indicators: dict[str, float] = Field(description=f"expected strength (0..1) of each of {', '.join(QUANTITIES)}")
    model_terms: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)

    def model_post_init(self, _context) -> None:
        unknown = sorted(set(self.indicators) - set(QUANTITIES))
        if unknown:
            raise ValueError(f"unknown indicator(s) {', '.join(unknown)}: expected {', '.join(QUANTITIES)}")


class DegradationMap(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: str
    sources: dict[str, str] = Field(default_factory=dict)
    mechanisms: list[Mechanism]


def load_map(path: str | Path | None = None) -> DegradationMap:
    """The bundled map, or a user's map file (InputError naming the file and field when malformed)."""
    return load_model(DegradationMap, path or BUNDLED_MAP)


@dataclass
class RankedMechanism:
    mechanism: Mechanism
    score: float
    evidence: list[str]

    def as_dict(self) -> dict:
        return {"id": self.mechanism.id, "name": self.mechanism.name, "where": self.mechanism.where,
                "score": round(self.score, 3), "evidence": self.evidence,
                "signatures": self.mechanism.signatures, "other_evidence": self.mechanism.evidence}


def _strength(quantity: str, value: float) -> float:
    """0 for no symptom, 1 for a clear one, up to 3 for a strong one (capped so one term cannot dominate)."""
    return min(max(value, 0.0) / CLEAR_SYMPTOM[quantity], 3.0)


def rank(degradation_map: DegradationMap, observed: dict[str, float | None]) -> list[RankedMechanism]:
    """Mechanisms ordered by how well their expected symptoms match the observed ones.

    observed: fractions (0.05 = 5 % lithium lost, 0.3 = 30 % resistance growth); None = not measured.
    Each quantity's strength is its value over the size of a clear symptom (:data:`CLEAR_SYMPTOM`, capped at 3);
    the score is the cosine between the mechanism's indicator weights and these strengths over the measured
    quantities (1 = the symptom pattern the mechanism predicts, 0 = none of it), so a clear symptom that a
    mechanism does not produce lowers its score.
    """
    measured = {q: v for q, v in observed.items() if v is not None and q in CLEAR_SYMPTOM}
    strengths = {q: _strength(q, v) for q, v in measured.items()}
    norm_s = sum(x * x for x in strengths.values()) ** 0.5
    out = []
    for mechanism in degradation_map.mechanisms:
        weights = {q: mechanism.indicators.get(q, 0.0) for q in measured}
        norm_w = sum(w * w for w in weights.values()) ** 0.5
        if norm_w == 0:
            continue
        match = sum(weights[q] * strengths[q] for q in measured) / (norm_w * norm_s) if norm_s > 0 else 0.0
        evidence = [f"{q} = {100 * measured[q]:.1f} % (expected {'strongly' if w >= 0.7 else 'weakly'})"
                    for q, w in weights.items() if w > 0 and strengths[q] >= 1.0]
        out.append(RankedMechanism(mechanism, match, evidence))
    return sorted(out, key=lambda r: r.score, reverse=True)
