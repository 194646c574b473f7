from enum import StrEnum


class GetAttachmentApiV1KindSRecordIdAttachmentsAttachmentIdGetKind(StrEnum):
    MATERIAL = "material"
    SAMPLE = "sample"

    def __str__(self) -> str:
        return str(self.value)
