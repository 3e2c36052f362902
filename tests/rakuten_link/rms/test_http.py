"""The client's one HTTP seam against a scripted local server: auth header, error classes, retries,
the on_call hook, and that no credential ever leaks into an exception, a hook call or a log line."""

from __future__ import annotations

import base64
import logging
import time
import traceback
from datetime import datetime

import pytest

from rakuten_link.rms import (
    ApiCallInfo,
    InventoryUpdate,
    RmsAuthError,
    RmsClient,
    RmsError,
    RmsNotFoundError,
    RmsRateLimitedError,
    RmsRequestError,
    RmsTransientError,
)
from tests.support.rms_stub import LICENSE, SECRET, StubRms, closed_port

ESA_TOKEN = base64.b64encode(f"{SECRET}:{LICENSE}".encode()).decode()
SECRETS = (SECRET, LICENSE, ESA_TOKEN)
SEARCH_OK = {
    "orderNumberList": ["111111-20240501-0000000101"],
    "MessageModelList": [{"messageType": "INFO", "messageCode": "ORDER_EXT_API_SEARCH_ORDER_INFO_101"}],
    "PaginationResponseModel": {"totalRecordsAmount": 1, "totalPages": 1, "requestPage": 1},
}
ITEM = {"manageNumber": "tee01", "title": "Tシャツ", "variants": {"tee01-m": {"standardPrice": "3300"}}}


@pytest.fixture
def rms():
    with StubRms() as stub:
        yield stub


def make_client(stub: StubRms, calls: list | None = None, **kwargs) -> RmsClient:
    kwargs.setdefault("backoff_base", 0.001)
    kwargs.setdefault("backoff_max", 0.01)
    on_call = calls.append if calls is not None else None
    return RmsClient(f"  {SECRET}\r\n", f"{LICENSE} ", base_url=stub.url, on_call=on_call, **kwargs)


def search(client: RmsClient):
    return client.search_orders(date_type=1, start=datetime(2024, 5, 1), end=datetime(2024, 5, 2))


def assert_clean(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text
    assert "licenseKey=" not in text


def test_it_sends_the_esa_header_of_the_stripped_credentials(rms):
    rms.reply(200, SEARCH_OK)
    search(make_client(rms))
    (request,) = rms.requests
    assert request.headers["Authorization"] == "ESA " + ESA_TOKEN
    assert request.headers["Content-Type"] == "application/json; charset=utf-8"
    assert (request.method, request.path) == ("POST", "/es/2.0/order/searchOrder/")


def test_it_refuses_blank_credentials():
    with pytest.raises(ValueError):
        RmsClient("  ", LICENSE)


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"errors": [{"code": "GA0001", "message": "Un-Authorised"}]}, "GA0001"),
        ({"Results": {"errorCode": "ES01-01", "message": "Un-Authorised"}}, "ES01-01"),
    ],
)
def test_both_401_shapes_are_auth_errors_and_are_not_retried(rms, body, code):
    rms.reply(401, body).reply(200, SEARCH_OK)
    with pytest.raises(RmsAuthError) as caught:
        search(make_client(rms))
    assert (caught.value.http_status, caught.value.code, caught.value.permanent) == (401, code, True)
    assert len(rms.requests) == 1


def test_an_inactive_key_es04_01_is_an_auth_error(rms):
    rms.reply(400, {"Results": {"errorCode": "ES04-01", "message": "Bad Request"}})
    with pytest.raises(RmsAuthError):
        search(make_client(rms))


def test_a_400_is_a_permanent_request_error_with_details(rms):
    rms.reply(
        400,
        {
            "errors": [
                {
                    "code": "IE0003",
                    "message": "quantity must be between 0 and 99999.",
                    "metadata": {"propertyPath": "quantity"},
                }
            ]
        },
    )
    with pytest.raises(RmsRequestError) as caught:
        make_client(rms).upsert_variant_inventory("tee01", "tee01-m", 100000)
    error = caught.value
    assert (error.http_status, error.code, error.permanent) == (400, "IE0003", True)
    assert [(d.code, d.property_path) for d in error.errors] == [("IE0003", "quantity")]
    assert len(rms.requests) == 1


def test_an_order_api_400_takes_its_details_from_message_model_list(rms):
    rms.reply(
        400,
        {
            "orderNumberList": None,
            "PaginationResponseModel": None,
            "MessageModelList": [
                {
                    "messageType": "ERROR",
                    "messageCode": "ORDER_EXT_API_SEARCH_ORDER_ERROR_011",
                    "message": "入力値の形式が正しくありません。",
                }
            ],
        },
    )
    with pytest.raises(RmsRequestError) as caught:
        search(make_client(rms))
    assert caught.value.code == "ORDER_EXT_API_SEARCH_ORDER_ERROR_011"
    assert caught.value.errors[0].message == "入力値の形式が正しくありません。"


def test_a_404_is_not_found(rms):
    rms.reply(404, {"errors": [{"code": "GE0014", "message": "Not found for inputs; manageNumber=nosuch"}]})
    with pytest.raises(RmsNotFoundError) as caught:
        make_client(rms).get_item("nosuch")
    assert isinstance(caught.value, RmsRequestError) and caught.value.permanent
    assert rms.requests[0].path == "/es/2.0/items/manage-numbers/nosuch"


def test_a_503_is_retried_and_then_succeeds(rms):
    calls: list[ApiCallInfo] = []
    rms.reply(503, {"errors": [{"code": "GE0503", "message": "Service Unavailable"}]}).reply(200, SEARCH_OK)
    page = search(make_client(rms, calls))
    assert page.order_numbers == ["111111-20240501-0000000101"]
    assert [(c.attempt, c.http_status, c.error_class, c.error_code) for c in calls] == [
        (1, 503, "RmsTransientError", "GE0503"),
        (2, 200, "", ""),
    ]


def test_it_gives_up_after_max_retries_with_a_transient_error(rms):
    calls: list[ApiCallInfo] = []
    for _ in range(4):
        rms.reply(500, {"errors": [{"code": "GE0019", "message": "Internal Server Error"}]})
    with pytest.raises(RmsTransientError) as caught:
        search(make_client(rms, calls, max_retries=2))
    assert caught.value.permanent is False and caught.value.http_status == 500
    assert [c.attempt for c in calls] == [1, 2, 3]


def test_a_429_is_retried_after_the_retry_after_delay(rms):
    too_many = {"errors": [{"code": "GA0003", "message": "Too Many Requests"}]}
    rms.reply(429, too_many, headers={"Retry-After": "0.3"}).reply(200, SEARCH_OK)
    started = time.monotonic()
    search(make_client(rms))
    assert time.monotonic() - started >= 0.3
    assert len(rms.requests) == 2


def test_a_429_that_never_ends_is_a_rate_limited_error(rms):
    for _ in range(3):
        rms.reply(429, {"errors": [{"code": "GA0003", "message": "Too Many Requests"}]})
    with pytest.raises(RmsRateLimitedError) as caught:
        search(make_client(rms, max_retries=2))
    assert caught.value.permanent is False


def test_a_read_timeout_is_transient_and_retried(rms):
    calls: list[ApiCallInfo] = []
    rms.reply(200, SEARCH_OK, delay=0.5).reply(200, SEARCH_OK)
    search(make_client(rms, calls, read_timeout=0.15))
    assert [(c.http_status, c.error_class) for c in calls] == [(None, "RmsTransientError"), (200, "")]


def test_a_dropped_connection_is_transient(rms):
    rms.reply(drop=True).reply(drop=True)
    with pytest.raises(RmsTransientError):
        search(make_client(rms, max_retries=1))
    assert len(rms.requests) == 2


def test_a_body_cut_short_is_transient(rms):
    rms.reply(200, SEARCH_OK, truncate=True).reply(200, SEARCH_OK)
    assert search(make_client(rms)).total_records == 1


def test_a_refused_connection_is_transient():
    client = RmsClient(SECRET, LICENSE, base_url=f"http://127.0.0.1:{closed_port()}", max_retries=1, backoff_base=0.001)
    with pytest.raises(RmsTransientError):
        search(client)


def test_an_html_page_with_200_is_transient(rms):
    rms.reply(200, "<html>maintenance</html>").reply(200, "<html>maintenance</html>")
    with pytest.raises(RmsTransientError):
        search(make_client(rms, max_retries=1))


def test_adding_a_tracking_row_is_not_repeated_after_an_ambiguous_failure(rms):
    rms.reply(503).reply(200, {"MessageModelList": []})
    baskets = [{"basket_id": 1, "shippings": [{"delivery_company": "1001", "shipping_number": "1"}]}]
    with pytest.raises(RmsTransientError):
        make_client(rms).update_order_shipping("111111-20240501-0000000101", baskets)
    assert len(rms.requests) == 1


def test_a_relative_stock_change_is_not_repeated_after_a_timeout_but_is_after_a_429(rms):
    client = make_client(rms, read_timeout=0.15)
    rms.reply(204, delay=0.5)
    with pytest.raises(RmsTransientError):
        client.bulk_upsert_inventories([InventoryUpdate("tee01", "tee01-m", -1, "RELATIVE")])
    assert len(rms.requests) == 1
    rms.reply(429).reply(204)
    client.upsert_variant_inventory("tee01", "tee01-m", -1, mode="RELATIVE")
    assert len(rms.requests) == 3


def test_on_call_reports_every_attempt_without_credentials_or_query(rms):
    calls: list[ApiCallInfo] = []
    rms.reply(503).reply(200, {"expiryDate": "2026-11-28T23:59:59"})
    make_client(rms, calls).get_license_expiry()
    assert rms.requests[-1].query == {"licenseKey": [LICENSE]}
    assert [c.path for c in calls] == ["/es/1.0/license-management/license-key/expiry-date"] * 2
    assert {c.function for c in calls} == {"license.expiryDate.get"}
    assert all(c.method == "GET" and c.duration_ms >= 0 for c in calls)
    for call in calls:
        assert_clean(repr(call))


def test_a_failing_hook_does_not_fail_the_call(rms):
    def broken(info: ApiCallInfo) -> None:
        raise RuntimeError("audit table missing")

    rms.reply(200, SEARCH_OK)
    client = RmsClient(SECRET, LICENSE, base_url=rms.url, on_call=broken)
    assert search(client).total_records == 1


def test_no_credential_in_an_error_even_when_rms_echoes_the_key(rms):
    echo = {"errors": [{"code": "GE0014", "message": f"Not found for inputs; licenseKey={LICENSE}"}]}
    rms.reply(404, echo)
    with pytest.raises(RmsError) as caught:
        make_client(rms).get_license_expiry()
    error = caught.value
    text = str(error) + repr(error) + "".join(traceback.format_exception(error)) + repr(error.body)
    text += repr(error.errors)
    for secret in SECRETS:
        assert secret not in text
    assert "GE0014" in str(error)


@pytest.mark.parametrize("failure", ["timeout", "drop", "refused"])
def test_no_credential_in_a_network_error_or_its_log_lines(rms, caplog, failure):
    caplog.set_level(logging.DEBUG)
    if failure == "refused":
        base_url = f"http://127.0.0.1:{closed_port()}"
    else:
        base_url = rms.url
        for _ in range(2):
            if failure == "timeout":
                rms.reply(200, {}, delay=0.5)
            else:
                rms.reply(drop=True)
    client = RmsClient(SECRET, LICENSE, base_url=base_url, read_timeout=0.15, max_retries=1, backoff_base=0.001)
    with pytest.raises(RmsTransientError) as caught:
        client.get_license_expiry()
    error = caught.value
    assert error.__cause__ is None and error.__context__ is None
    assert_clean(str(error) + repr(error) + "".join(traceback.format_exception(error)))
    assert_clean(caplog.text + repr(client))
    assert "retrying" in caplog.text


def test_urllib3_debug_lines_do_not_show_the_license_key(rms, caplog):
    caplog.set_level(logging.DEBUG)
    rms.reply(200, {"expiryDate": "2026-11-28T23:59:59"})
    make_client(rms).get_license_expiry()
    assert "licenseKey=***" in caplog.text
    assert_clean(caplog.text.replace("licenseKey=***", ""))
