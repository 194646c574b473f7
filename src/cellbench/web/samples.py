"""Material intake: a provider registers a material (its datasheet) and samples of it, optionally submitted to an
evaluation centre.

The datasheet is a cellbench material record (the same fields as a material YAML file, see
``examples/materials/``), validated when it is submitted so that an evaluation never starts on a datasheet the
simulator cannot use.

>>> datasheet_record({"name": "LPSCl batch 7", "role": "solid_electrolyte", "kind": "sulfide", "density_g_cm3": 1.6,
...                   "ionic_conductivity_S_cm": 0.003, "sources": {"default": "supplier sheet"}}).id
'lpscl-batch-7'
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from cellbench.documents import validation_message
from cellbench.errors import InputError, NotFound
from cellbench.materials.records import MATERIAL_ADAPTER, MaterialBase
from cellbench.store.models import Organisation
from cellbench.store.platform import Attachment, PlatformMaterial, Sample
from cellbench.store.records.rule import fetch
from cellbench.web.identity import Principal


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "material"


def datasheet_record(datasheet: dict[str, Any]) -> MaterialBase:
    """The datasheet as a material record (its id defaults to a slug of its name)."""
    if not isinstance(datasheet, dict):
        raise InputError("the datasheet must be a mapping of material fields", location="datasheet")
    data = dict(datasheet)
    data.setdefault("id", _slug(str(data.get("name", ""))))
    try:
        return MATERIAL_ADAPTER.validate_python(data)
    except ValidationError as exc:
        raise InputError(validation_message(exc), location="datasheet") from exc


def create_material(db: Session, principal: Principal, *, provider: str,
                    datasheet: dict[str, Any]) -> PlatformMaterial:
    record = datasheet_record(datasheet)
    row = PlatformMaterial(name=record.name, role=record.role, provider=provider.strip() or principal.organisation,
                           datasheet_json=json.dumps(record.model_dump(mode="json")),
                           owner_organisation_id=principal.organisation_id, created_by_user_id=principal.user_id)
    db.add(row)
    db.commit()
    return row


def create_sample(db: Session, principal: Principal, *, material_id: int, lot: str, quantity_g: float | None = None,
                  notes: str = "", submit_to: str | None = None) -> Sample:
    material = fetch(db, "material", material_id, principal, via="api", action="add sample")
    if material.owner_organisation_id != principal.organisation_id:
        raise NotFound(f"no material with id {material_id} of yours", location="material_id")
    if not lot.strip():
        raise InputError("a sample needs a lot or batch name", location="lot")
    centre_id = None
    if submit_to:
        centre_id = db.scalar(select(Organisation.id).where(Organisation.name == submit_to))
        if centre_id is None:
            raise NotFound(f"no organisation named '{submit_to}'", location="submit_to")
    row = Sample(material_id=material.id, lot=lot.strip(), quantity_g=quantity_g, notes=notes,
                 submitted_to_organisation_id=centre_id, owner_organisation_id=principal.organisation_id,
                 created_by_user_id=principal.user_id)
    db.add(row)
    db.commit()
    return row


def material_record(row: PlatformMaterial) -> MaterialBase:
    return MATERIAL_ADAPTER.validate_python(json.loads(row.datasheet_json))


def attach(db: Session, kind: str, record_id: int, name: str, size: int, sha256: str, media_type: str) -> Attachment:
    row = Attachment(record_kind=kind, record_id=record_id, filename=name, size_bytes=size, content_sha256=sha256,
                     media_type=media_type or "application/octet-stream")
    db.add(row)
    db.commit()
    return row


def attachments(db: Session, kind: str, record_id: int) -> list[Attachment]:
    return list(db.scalars(select(Attachment).where(Attachment.record_kind == kind,
                                                    Attachment.record_id == record_id).order_by(Attachment.id)))


def attachment_view(row: Attachment) -> dict[str, Any]:
    return {"id": row.id, "filename": row.filename, "size_bytes": row.size_bytes, "media_type": row.media_type,
            "sha256": row.content_sha256}
