from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import types
from ..types import UNSET, File, FileTypes, Unset

T = TypeVar("T", bound="BodyCreateSafetyRecordApiV1SafetyRecordsPost")


@_attrs_define
class BodyCreateSafetyRecordApiV1SafetyRecordsPost:
    """
    Attributes:
        record (File): the record, YAML
        arc (File | Unset): its heat-wait-search ARC run, CSV
        sample_id (int | Unset):
    """

    record: File
    arc: File | Unset = UNSET
    sample_id: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        record = self.record.to_tuple()

        arc: FileTypes | Unset = UNSET
        if not isinstance(self.arc, Unset):
            arc = self.arc.to_tuple()

        sample_id = self.sample_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "record": record,
            }
        )
        if arc is not UNSET:
            field_dict["arc"] = arc
        if sample_id is not UNSET:
            field_dict["sample_id"] = sample_id

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("record", self.record.to_tuple()))

        if not isinstance(self.arc, Unset):
            files.append(("arc", self.arc.to_tuple()))

        if not isinstance(self.sample_id, Unset):
            files.append(
                ("sample_id", (None, str(self.sample_id).encode(), "text/plain"))
            )

        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, (None, str(prop).encode(), "text/plain")))

        return files

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        record = File(payload=BytesIO(d.pop("record")))

        _arc = d.pop("arc", UNSET)
        arc: File | Unset
        if isinstance(_arc, Unset):
            arc = UNSET
        else:
            arc = File(payload=BytesIO(_arc))

        sample_id = d.pop("sample_id", UNSET)

        body_create_safety_record_api_v1_safety_records_post = cls(
            record=record,
            arc=arc,
            sample_id=sample_id,
        )

        body_create_safety_record_api_v1_safety_records_post.additional_properties = d
        return body_create_safety_record_api_v1_safety_records_post

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
