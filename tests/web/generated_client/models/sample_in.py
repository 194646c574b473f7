from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="SampleIn")


@_attrs_define
class SampleIn:
    """
    Attributes:
        lot (str):
        material_id (int):
        notes (str | Unset):  Default: ''.
        quantity_g (float | None | Unset):
        submit_to (None | str | Unset): evaluation-centre organisation to submit the sample to
    """

    lot: str
    material_id: int
    notes: str | Unset = ""
    quantity_g: float | None | Unset = UNSET
    submit_to: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        lot = self.lot

        material_id = self.material_id

        notes = self.notes

        quantity_g: float | None | Unset
        if isinstance(self.quantity_g, Unset):
            quantity_g = UNSET
        else:
            quantity_g = self.quantity_g

        submit_to: None | str | Unset
        if isinstance(self.submit_to, Unset):
            submit_to = UNSET
        else:
            submit_to = self.submit_to

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "lot": lot,
                "material_id": material_id,
            }
        )
        if notes is not UNSET:
            field_dict["notes"] = notes
        if quantity_g is not UNSET:
            field_dict["quantity_g"] = quantity_g
        if submit_to is not UNSET:
            field_dict["submit_to"] = submit_to

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        lot = d.pop("lot")

        material_id = d.pop("material_id")

        notes = d.pop("notes", UNSET)

        def _parse_quantity_g(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        quantity_g = _parse_quantity_g(d.pop("quantity_g", UNSET))

        def _parse_submit_to(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        submit_to = _parse_submit_to(d.pop("submit_to", UNSET))

        sample_in = cls(
            lot=lot,
            material_id=material_id,
            notes=notes,
            quantity_g=quantity_g,
            submit_to=submit_to,
        )

        sample_in.additional_properties = d
        return sample_in

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
