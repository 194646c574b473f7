from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="EvaluationIn")


@_attrs_define
class EvaluationIn:
    """
    Attributes:
        sample_id (int):
        cell_id (str | Unset):  Default: 'std-2.1'.
    """

    sample_id: int
    cell_id: str | Unset = "std-2.1"
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        sample_id = self.sample_id

        cell_id = self.cell_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "sample_id": sample_id,
            }
        )
        if cell_id is not UNSET:
            field_dict["cell_id"] = cell_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        sample_id = d.pop("sample_id")

        cell_id = d.pop("cell_id", UNSET)

        evaluation_in = cls(
            sample_id=sample_id,
            cell_id=cell_id,
        )

        evaluation_in.additional_properties = d
        return evaluation_in

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
