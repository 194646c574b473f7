from enum import StrEnum


class AccessChangeTier(StrEnum):
    CONSORTIUM = "consortium"
    NAMED = "named"
    PRIVATE = "private"
    PUBLIC = "public"

    def __str__(self) -> str:
        return str(self.value)
