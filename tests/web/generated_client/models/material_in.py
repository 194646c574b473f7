from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.material_in_datasheet import MaterialInDatasheet


T = TypeVar("T", bound="MaterialIn")


@_attrs_define
class MaterialIn:
    """
    Attributes:
        datasheet (MaterialInDatasheet): a cellbench material record (fields of a material YAML file)
        provider (str | Unset):  Default: ''.
    """

    datasheet: MaterialInDatasheet
    provider: str | Unset = ""
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        datasheet = self.datasheet.to_dict()

        provider = self.provider

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "datasheet": datasheet,
            }
        )
        if provider is not UNSET:
            field_dict["provider"] = provider

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.material_in_datasheet import MaterialInDatasheet

        d = dict(src_dict)
        datasheet = MaterialInDatasheet.from_dict(d.pop("datasheet"))

        provider = d.pop("provider", UNSET)

        material_in = cls(
            datasheet=datasheet,
            provider=provider,
        )

        material_in.additional_properties = d
        return material_in

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
