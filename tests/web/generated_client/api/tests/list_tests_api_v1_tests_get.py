from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.list_tests_api_v1_tests_get_outcome_type_0 import (
    ListTestsApiV1TestsGetOutcomeType0,
)
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    cell_id: None | str | Unset = UNSET,
    outcome: ListTestsApiV1TestsGetOutcomeType0 | None | Unset = UNSET,
    vendor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    offset: int | Unset = 0,
    after: int | None | Unset = UNSET,
    with_total: bool | Unset = False,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_cell_id: None | str | Unset
    if isinstance(cell_id, Unset):
        json_cell_id = UNSET
    else:
        json_cell_id = cell_id
    params["cell_id"] = json_cell_id

    json_outcome: None | str | Unset
    if isinstance(outcome, Unset):
        json_outcome = UNSET
    elif isinstance(outcome, ListTestsApiV1TestsGetOutcomeType0):
        json_outcome = outcome.value
    else:
        json_outcome = outcome
    params["outcome"] = json_outcome

    json_vendor: None | str | Unset
    if isinstance(vendor, Unset):
        json_vendor = UNSET
    else:
        json_vendor = vendor
    params["vendor"] = json_vendor

    params["limit"] = limit

    params["offset"] = offset

    json_after: int | None | Unset
    if isinstance(after, Unset):
        json_after = UNSET
    else:
        json_after = after
    params["after"] = json_after

    params["with_total"] = with_total

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/tests",
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
    cell_id: None | str | Unset = UNSET,
    outcome: ListTestsApiV1TestsGetOutcomeType0 | None | Unset = UNSET,
    vendor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    offset: int | Unset = 0,
    after: int | None | Unset = UNSET,
    with_total: bool | Unset = False,
) -> Response[Any | ErrorBody]:
    """List Tests

    Args:
        cell_id (None | str | Unset):
        outcome (ListTestsApiV1TestsGetOutcomeType0 | None | Unset):
        vendor (None | str | Unset):
        limit (int | Unset):  Default: 50.
        offset (int | Unset):  Default: 0.
        after (int | None | Unset): keyset paging: the previous page's next_after (the same cost
            at any depth, unlike offset)
        with_total (bool | Unset): also count every record you may read (slower on large stores)
            Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorBody]
    """

    kwargs = _get_kwargs(
        cell_id=cell_id,
        outcome=outcome,
        vendor=vendor,
        limit=limit,
        offset=offset,
        after=after,
        with_total=with_total,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    cell_id: None | str | Unset = UNSET,
    outcome: ListTestsApiV1TestsGetOutcomeType0 | None | Unset = UNSET,
    vendor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    offset: int | Unset = 0,
    after: int | None | Unset = UNSET,
    with_total: bool | Unset = False,
) -> Any | ErrorBody | None:
    """List Tests

    Args:
        cell_id (None | str | Unset):
        outcome (ListTestsApiV1TestsGetOutcomeType0 | None | Unset):
        vendor (None | str | Unset):
        limit (int | Unset):  Default: 50.
        offset (int | Unset):  Default: 0.
        after (int | None | Unset): keyset paging: the previous page's next_after (the same cost
            at any depth, unlike offset)
        with_total (bool | Unset): also count every record you may read (slower on large stores)
            Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorBody
    """

    return sync_detailed(
        client=client,
        cell_id=cell_id,
        outcome=outcome,
        vendor=vendor,
        limit=limit,
        offset=offset,
        after=after,
        with_total=with_total,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    cell_id: None | str | Unset = UNSET,
    outcome: ListTestsApiV1TestsGetOutcomeType0 | None | Unset = UNSET,
    vendor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    offset: int | Unset = 0,
    after: int | None | Unset = UNSET,
    with_total: bool | Unset = False,
) -> Response[Any | ErrorBody]:
    """List Tests

    Args:
        cell_id (None | str | Unset):
        outcome (ListTestsApiV1TestsGetOutcomeType0 | None | Unset):
        vendor (None | str | Unset):
        limit (int | Unset):  Default: 50.
        offset (int | Unset):  Default: 0.
        after (int | None | Unset): keyset paging: the previous page's next_after (the same cost
            at any depth, unlike offset)
        with_total (bool | Unset): also count every record you may read (slower on large stores)
            Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorBody]
    """

    kwargs = _get_kwargs(
        cell_id=cell_id,
        outcome=outcome,
        vendor=vendor,
        limit=limit,
        offset=offset,
        after=after,
        with_total=with_total,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    cell_id: None | str | Unset = UNSET,
    outcome: ListTestsApiV1TestsGetOutcomeType0 | None | Unset = UNSET,
    vendor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    offset: int | Unset = 0,
    after: int | None | Unset = UNSET,
    with_total: bool | Unset = False,
) -> Any | ErrorBody | None:
    """List Tests

    Args:
        cell_id (None | str | Unset):
        outcome (ListTestsApiV1TestsGetOutcomeType0 | None | Unset):
        vendor (None | str | Unset):
        limit (int | Unset):  Default: 50.
        offset (int | Unset):  Default: 0.
        after (int | None | Unset): keyset paging: the previous page's next_after (the same cost
            at any depth, unlike offset)
        with_total (bool | Unset): also count every record you may read (slower on large stores)
            Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorBody
    """

    return (
        await asyncio_detailed(
            client=client,
            cell_id=cell_id,
            outcome=outcome,
            vendor=vendor,
            limit=limit,
            offset=offset,
            after=after,
            with_total=with_total,
        )
    ).parsed
