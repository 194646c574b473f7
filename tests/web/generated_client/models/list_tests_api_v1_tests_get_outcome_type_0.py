from enum import StrEnum


class ListTestsApiV1TestsGetOutcomeType0(StrEnum):
    FAILED = "failed"
    NEGATIVE = "negative"
    OK = "ok"

    def __str__(self) -> str:
        return str(self.value)
