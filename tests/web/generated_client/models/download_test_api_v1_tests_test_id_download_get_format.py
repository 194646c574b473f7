from enum import StrEnum


class DownloadTestApiV1TestsTestIdDownloadGetFormat(StrEnum):
    BDF_CSV = "bdf-csv"
    PARQUET = "parquet"

    def __str__(self) -> str:
        return str(self.value)
