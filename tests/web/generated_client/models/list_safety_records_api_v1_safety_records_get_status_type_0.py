from enum import StrEnum


class ListSafetyRecordsApiV1SafetyRecordsGetStatusType0(StrEnum):
    FAIL = "fail"
    INCOMPLETE = "incomplete"
    PASS = "pass"

    def __str__(self) -> str:
        return str(self.value)
