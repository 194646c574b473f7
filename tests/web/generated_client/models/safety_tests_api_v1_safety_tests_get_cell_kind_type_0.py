from enum import StrEnum


class SafetyTestsApiV1SafetyTestsGetCellKindType0(StrEnum):
    ALL_SOLID_STATE = "all_solid_state"
    LIQUID = "liquid"

    def __str__(self) -> str:
        return str(self.value)
