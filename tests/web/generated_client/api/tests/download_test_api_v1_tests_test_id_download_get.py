from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.download_test_api_v1_tests_test_id_download_get_format import (
    DownloadTestApiV1TestsTestIdDownloadGetFormat,
)
from ...models.error_body import ErrorBody
from ...types import UNSET, Response, Unset


def _get_kwargs(
    test_id: int,
    *,
    format_: DownloadTestApiV1TestsTestIdDownloadGetFormat
    | Unset = DownloadTestApiV1TestsTestIdDownloadGetFormat.PARQUET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_format_: str | Unset = UNSET
    if not isinstance(format_, Unset):
        json_format_ = format_.value

    params["format"] = json_format_

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/tests/{test_id}/download".format(
            test_id=quote(str(test_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | ErrorBody | None:
    if response.status_code == 200:
        response_200 = cast(Any, None)
        return response_200

    if response.status_code == 401:
        response_401 = ErrorBody.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = ErrorBody.from_dict(response.json())

        return response_404

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
    test_id: int,
    *,
    client: AuthenticatedClient,
    format_: DownloadTestApiV1TestsTestIdDownloadGetFormat
    | Unset = DownloadTestApiV1TestsTestIdDownloadGetFormat.PARQUET,
) -> Response[Any | ErrorBody]:
    """Download Test

     The time series as Parquet (metadata in the key-value metadata) or Battery Data Format CSV.

    Args:
        test_id (int):
        format_ (DownloadTestApiV1TestsTestIdDownloadGetFormat | Unset):  Default:
            DownloadTestApiV1TestsTestIdDownloadGetFormat.PARQUET.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorBody]
    """

    kwargs = _get_kwargs(
        test_id=test_id,
        format_=format_,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    test_id: int,
    *,
    client: AuthenticatedClient,
    format_: DownloadTestApiV1TestsTestIdDownloadGetFormat
    | Unset = DownloadTestApiV1TestsTestIdDownloadGetFormat.PARQUET,
) -> Any | ErrorBody | None:
    """Download Test

     The time series as Parquet (metadata in the key-value metadata) or Battery Data Format CSV.

    Args:
        test_id (int):
        format_ (DownloadTestApiV1TestsTestIdDownloadGetFormat | Unset):  Default:
            DownloadTestApiV1TestsTestIdDownloadGetFormat.PARQUET.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorBody
    """

    return sync_detailed(
        test_id=test_id,
        client=client,
        format_=format_,
    ).parsed


async def asyncio_detailed(
    test_id: int,
    *,
    client: AuthenticatedClient,
    format_: DownloadTestApiV1TestsTestIdDownloadGetFormat
    | Unset = DownloadTestApiV1TestsTestIdDownloadGetFormat.PARQUET,
) -> Response[Any | ErrorBody]:
    """Download Test

     The time series as Parquet (metadata in the key-value metadata) or Battery Data Format CSV.

    Args:
        test_id (int):
        format_ (DownloadTestApiV1TestsTestIdDownloadGetFormat | Unset):  Default:
            DownloadTestApiV1TestsTestIdDownloadGetFormat.PARQUET.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorBody]
    """

    kwargs = _get_kwargs(
        test_id=test_id,
        format_=format_,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    test_id: int,
    *,
    client: AuthenticatedClient,
    format_: DownloadTestApiV1TestsTestIdDownloadGetFormat
    | Unset = DownloadTestApiV1TestsTestIdDownloadGetFormat.PARQUET,
) -> Any | ErrorBody | None:
    """Download Test

     The time series as Parquet (metadata in the key-value metadata) or Battery Data Format CSV.

    Args:
        test_id (int):
        format_ (DownloadTestApiV1TestsTestIdDownloadGetFormat | Unset):  Default:
            DownloadTestApiV1TestsTestIdDownloadGetFormat.PARQUET.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorBody
    """

    return (
        await asyncio_detailed(
            test_id=test_id,
            client=client,
            format_=format_,
        )
    ).parsed
