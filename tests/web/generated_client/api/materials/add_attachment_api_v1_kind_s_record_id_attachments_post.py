from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.add_attachment_api_v1_kind_s_record_id_attachments_post_kind import (
    AddAttachmentApiV1KindSRecordIdAttachmentsPostKind,
)
from ...models.body_add_attachment_api_v1_kind_s_record_id_attachments_post import (
    BodyAddAttachmentApiV1KindSRecordIdAttachmentsPost,
)
from ...models.error_body import ErrorBody
from ...types import Response


def _get_kwargs(
    kind: AddAttachmentApiV1KindSRecordIdAttachmentsPostKind,
    record_id: int,
    *,
    body: BodyAddAttachmentApiV1KindSRecordIdAttachmentsPost,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/{kind}s/{record_id}/attachments".format(
            kind=quote(str(kind), safe=""),
            record_id=quote(str(record_id), safe=""),
        ),
    }

    _kwargs["files"] = body.to_multipart()

    headers["Content-Type"] = "multipart/form-data; boundary=+++"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | ErrorBody | None:
    if response.status_code == 201:
        response_201 = response.json()
        return response_201

    if response.status_code == 400:
        response_400 = ErrorBody.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorBody.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorBody.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = ErrorBody.from_dict(response.json())

        return response_404

    if response.status_code == 408:
        response_408 = ErrorBody.from_dict(response.json())

        return response_408

    if response.status_code == 413:
        response_413 = ErrorBody.from_dict(response.json())

        return response_413

    if response.status_code == 422:
        response_422 = ErrorBody.from_dict(response.json())

        return response_422

    if response.status_code == 503:
        response_503 = ErrorBody.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any | ErrorBody]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    kind: AddAttachmentApiV1KindSRecordIdAttachmentsPostKind,
    record_id: int,
    *,
    client: AuthenticatedClient,
    body: BodyAddAttachmentApiV1KindSRecordIdAttachmentsPost,
) -> Response[Any | ErrorBody]:
    """Add Attachment

     Attach a file (datasheet PDF, XRD pattern...) to your material or sample.

    Args:
        kind (AddAttachmentApiV1KindSRecordIdAttachmentsPostKind):
        record_id (int):
        body (BodyAddAttachmentApiV1KindSRecordIdAttachmentsPost):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorBody]
    """

    kwargs = _get_kwargs(
        kind=kind,
        record_id=record_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    kind: AddAttachmentApiV1KindSRecordIdAttachmentsPostKind,
    record_id: int,
    *,
    client: AuthenticatedClient,
    body: BodyAddAttachmentApiV1KindSRecordIdAttachmentsPost,
) -> Any | ErrorBody | None:
    """Add Attachment

     Attach a file (datasheet PDF, XRD pattern...) to your material or sample.

    Args:
        kind (AddAttachmentApiV1KindSRecordIdAttachmentsPostKind):
        record_id (int):
        body (BodyAddAttachmentApiV1KindSRecordIdAttachmentsPost):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorBody
    """

    return sync_detailed(
        kind=kind,
        record_id=record_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    kind: AddAttachmentApiV1KindSRecordIdAttachmentsPostKind,
    record_id: int,
    *,
    client: AuthenticatedClient,
    body: BodyAddAttachmentApiV1KindSRecordIdAttachmentsPost,
) -> Response[Any | ErrorBody]:
    """Add Attachment

     Attach a file (datasheet PDF, XRD pattern...) to your material or sample.

    Args:
        kind (AddAttachmentApiV1KindSRecordIdAttachmentsPostKind):
        record_id (int):
        body (BodyAddAttachmentApiV1KindSRecordIdAttachmentsPost):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorBody]
    """

    kwargs = _get_kwargs(
        kind=kind,
        record_id=record_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    kind: AddAttachmentApiV1KindSRecordIdAttachmentsPostKind,
    record_id: int,
    *,
    client: AuthenticatedClient,
    body: BodyAddAttachmentApiV1KindSRecordIdAttachmentsPost,
) -> Any | ErrorBody | None:
    """Add Attachment

     Attach a file (datasheet PDF, XRD pattern...) to your material or sample.

    Args:
        kind (AddAttachmentApiV1KindSRecordIdAttachmentsPostKind):
        record_id (int):
        body (BodyAddAttachmentApiV1KindSRecordIdAttachmentsPost):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorBody
    """

    return (
        await asyncio_detailed(
            kind=kind,
            record_id=record_id,
            client=client,
            body=body,
        )
    ).parsed
