"""Our pacing keeps us under RMS's limits: a burst of order calls, no 429, with retries switched off.

Five calls are four back-to-back gaps, each of which the sandbox's strict one-second window refuses
if it is shorter than a second; more calls would only repeat the same gap (20 took 20 s)."""

from datetime import timedelta

from django.utils import timezone

from rakuten_link.sync.clients import client_for

CALLS = 5


def test_a_burst_of_order_calls_gets_no_rate_limit_error(rms, account, settings):
    rms.state.patch_config({"rate_limits": True})
    # 0.8/s: the suite runs on four busy workers, where a call can reach the sandbox 100 ms or more after it
    # left and shrink the next gap below the strict one-second window; production keeps 1/s with 5 % headroom
    # and retries the rare 429 (the rate-limit tests of the client cover that).
    settings.RMS_RATE_LIMITS = {**settings.RMS_RATE_LIMITS, "order": 0.8}
    client = client_for(account, max_retries=0)  # a 429 would raise instead of being retried away
    end = timezone.now()
    for _ in range(CALLS):
        client.search_orders(date_type=1, start=end - timedelta(days=1), end=end, per_page=1)
    statuses = [entry["status"] for entry in rms.state.requests(function="rpay.order.searchOrder")]
    assert statuses == [200] * CALLS
