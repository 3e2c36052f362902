"""The demo: `make run` seeds the sandbox (demo) and our data (demo_data); auto-generated orders arrive allocated."""

from django.utils import timezone

from orders.models import Order
from rakuten_link.demo import load_demo_data
from rakuten_link.sandbox.state.autogen import AutoOrderGenerator
from rakuten_link.sync.jobs import accounts_for, run_account_job


def test_generated_demo_orders_arrive_with_stock_allocated(db, sandbox, settings):
    settings.RMS_API_BASE_URL = sandbox.url
    sandbox.reset("demo")
    account = load_demo_data()
    assert list(accounts_for("orders")) == [account]  # the every-minute schedule picks the demo account

    run = run_account_job(account, "orders")
    assert run.status == "success", run.error
    seeded = Order.objects.count()
    assert seeded == len(sandbox.state.orders)  # the seed's week of orders, shipped and cancelled ones included

    numbers = AutoOrderGenerator(sandbox.state).generate_once() + AutoOrderGenerator(sandbox.state).generate_once()
    assert run_account_job(account, "orders").status == "success"
    for number in numbers:
        order = Order.objects.get(order_number=number)
        assert order.payment_method is not None and order.ordered_at <= timezone.now()
        assert all(line.sku_id for line in order.lines.all())
        assert sum(line.allocated_units for line in order.lines.all()) > 0 or "short_stock" in order.attention_reasons
    assert Order.objects.filter(state="allocated").exists()


def test_the_demo_shop_holds_its_buyer_messages_since_it_has_no_real_relay(db, sandbox):
    account = load_demo_data()
    assert account.hold_messages and account.template_new_order is not None


def test_demo_data_sets_the_sandbox_rounding_to_the_demo_accounts(db, sandbox):
    from django.core.management import call_command

    account = load_demo_data()
    account.tax_rounding = "ceil"
    account.save(update_fields=["tax_rounding"])
    call_command("demo_data", "--no-check", "--sandbox-url", sandbox.url)
    assert sandbox.state.config.tax_rounding_for("000001") == "ceil"
    assert sandbox.state.config.tax_rounding == "floor"  # other shops keep the default
