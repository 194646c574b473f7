from enum import StrEnum


class AddAttachmentApiV1KindSRecordIdAttachmentsPostKind(StrEnum):
    MATERIAL = "material"
    SAMPLE = "sample"

    def __str__(self) -> str:
        return str(self.value)
