"""Contains all the data models used in inputs/outputs"""

from .access_change import AccessChange
from .access_change_tier import AccessChangeTier
from .add_attachment_api_v1_kind_s_record_id_attachments_post_kind import (
    AddAttachmentApiV1KindSRecordIdAttachmentsPostKind,
)
from .audit_api_v1_audit_get_response_audit_api_v1_audit_get import (
    AuditApiV1AuditGetResponseAuditApiV1AuditGet,
)
from .body_add_attachment_api_v1_kind_s_record_id_attachments_post import (
    BodyAddAttachmentApiV1KindSRecordIdAttachmentsPost,
)
from .body_create_safety_record_api_v1_safety_records_post import (
    BodyCreateSafetyRecordApiV1SafetyRecordsPost,
)
from .body_upload_test_api_v1_tests_post import BodyUploadTestApiV1TestsPost
from .download_test_api_v1_tests_test_id_download_get_format import (
    DownloadTestApiV1TestsTestIdDownloadGetFormat,
)
from .error_body import ErrorBody
from .evaluation_in import EvaluationIn
from .get_attachment_api_v1_kind_s_record_id_attachments_attachment_id_get_kind import (
    GetAttachmentApiV1KindSRecordIdAttachmentsAttachmentIdGetKind,
)
from .health_api_v1_health_get_response_health_api_v1_health_get import (
    HealthApiV1HealthGetResponseHealthApiV1HealthGet,
)
from .list_safety_records_api_v1_safety_records_get_status_type_0 import (
    ListSafetyRecordsApiV1SafetyRecordsGetStatusType0,
)
from .list_tests_api_v1_tests_get_outcome_type_0 import (
    ListTestsApiV1TestsGetOutcomeType0,
)
from .material_in import MaterialIn
from .material_in_datasheet import MaterialInDatasheet
from .me_api_v1_me_get_response_me_api_v1_me_get import MeApiV1MeGetResponseMeApiV1MeGet
from .safety_tests_api_v1_safety_tests_get_cell_kind_type_0 import (
    SafetyTestsApiV1SafetyTestsGetCellKindType0,
)
from .sample_in import SampleIn

__all__ = (
    "AccessChange",
    "AccessChangeTier",
    "AddAttachmentApiV1KindSRecordIdAttachmentsPostKind",
    "AuditApiV1AuditGetResponseAuditApiV1AuditGet",
    "BodyAddAttachmentApiV1KindSRecordIdAttachmentsPost",
    "BodyCreateSafetyRecordApiV1SafetyRecordsPost",
    "BodyUploadTestApiV1TestsPost",
    "DownloadTestApiV1TestsTestIdDownloadGetFormat",
    "ErrorBody",
    "EvaluationIn",
    "GetAttachmentApiV1KindSRecordIdAttachmentsAttachmentIdGetKind",
    "HealthApiV1HealthGetResponseHealthApiV1HealthGet",
    "ListSafetyRecordsApiV1SafetyRecordsGetStatusType0",
    "ListTestsApiV1TestsGetOutcomeType0",
    "MaterialIn",
    "MaterialInDatasheet",
    "MeApiV1MeGetResponseMeApiV1MeGet",
    "SafetyTestsApiV1SafetyTestsGetCellKindType0",
    "SampleIn",
)
