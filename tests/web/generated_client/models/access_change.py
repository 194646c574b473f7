from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.access_change_tier import AccessChangeTier
from ..types import UNSET, Unset

T = TypeVar("T", bound="AccessChange")


@_attrs_define
class AccessChange:
    """Who may read a record: the named tier names at least one organisation, the consortium tier a consortium.

    Attributes:
        tier (AccessChangeTier):
        consortia (list[str] | Unset): for the consortium tier (at least one)
        organisations (list[str] | Unset): for the named tier (at least one)
    """

    tier: AccessChangeTier
    consortia: list[str] | Unset = UNSET
    organisations: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        tier = self.tier.value

        consortia: list[str] | Unset = UNSET
        if not isinstance(self.consortia, Unset):
            consortia = self.consortia

        organisations: list[str] | Unset = UNSET
        if not isinstance(self.organisations, Unset):
            organisations = self.organisations

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "tier": tier,
            }
        )
        if consortia is not UNSET:
            field_dict["consortia"] = consortia
        if organisations is not UNSET:
            field_dict["organisations"] = organisations

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        tier = AccessChangeTier(d.pop("tier"))

        consortia = cast(list[str], d.pop("consortia", UNSET))

        organisations = cast(list[str], d.pop("organisations", UNSET))

        access_change = cls(
            tier=tier,
            consortia=consortia,
            organisations=organisations,
        )

        access_change.additional_properties = d
        return access_change

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
