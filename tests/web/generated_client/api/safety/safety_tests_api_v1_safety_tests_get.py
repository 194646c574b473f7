from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.safety_tests_api_v1_safety_tests_get_cell_kind_type_0 import (
    SafetyTestsApiV1SafetyTestsGetCellKindType0,
)
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    cell_kind: None | SafetyTestsApiV1SafetyTestsGetCellKindType0 | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_cell_kind: None | str | Unset
    if isinstance(cell_kind, Unset):
        json_cell_kind = UNSET
    elif isinstance(cell_kind, SafetyTestsApiV1SafetyTestsGetCellKindType0):
        json_cell_kind = cell_kind.value
    else:
        json_cell_kind = cell_kind
    params["cell_kind"] = json_cell_kind

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/safety/tests",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | ErrorBody | None:
    if response.status_code == 200:
        response_200 = response.json()
        return response_200

    if response.status_code == 401:
        response_401 = ErrorBody.from_dict(response.json())

        return response_401

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
    *,
    client: AuthenticatedClient,
    cell_kind: None | SafetyTestsApiV1SafetyTestsGetCellKindType0 | Unset = UNSET,
) -> Response[Any | ErrorBody]:
    """Safety Tests

     The safety test definitions records are judged against (newest versions, the platform's own
    included),
    with pass criteria.

    Args:
        cell_kind (None | SafetyTestsApiV1SafetyTestsGetCellKindType0 | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorBody]
    """

    kwargs = _get_kwargs(
        cell_kind=cell_kind,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    cell_kind: None | SafetyTestsApiV1SafetyTestsGetCellKindType0 | Unset = UNSET,
) -> Any | ErrorBody | None:
    """Safety Tests

     The safety test definitions records are judged against (newest versions, the platform's own
    included),
    with pass criteria.

    Args:
        cell_kind (None | SafetyTestsApiV1SafetyTestsGetCellKindType0 | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorBody
    """

    return sync_detailed(
        client=client,
        cell_kind=cell_kind,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    cell_kind: None | SafetyTestsApiV1SafetyTestsGetCellKindType0 | Unset = UNSET,
) -> Response[Any | ErrorBody]:
    """Safety Tests

     The safety test definitions records are judged against (newest versions, the platform's own
    included),
    with pass criteria.

    Args:
        cell_kind (None | SafetyTestsApiV1SafetyTestsGetCellKindType0 | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorBody]
    """

    kwargs = _get_kwargs(
        cell_kind=cell_kind,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    cell_kind: None | SafetyTestsApiV1SafetyTestsGetCellKindType0 | Unset = UNSET,
) -> Any | ErrorBody | None:
    """Safety Tests

     The safety test definitions records are judged against (newest versions, the platform's own
    included),
    with pass criteria.

    Args:
        cell_kind (None | SafetyTestsApiV1SafetyTestsGetCellKindType0 | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorBody
    """

    return (
        await asyncio_detailed(
            client=client,
            cell_kind=cell_kind,
        )
    ).parsed
