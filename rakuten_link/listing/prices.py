"""Prices follow our master: a listed product whose price changed reaches Rakuten through items.patch.

The `prices` job (every minute) compares each listed, not withdrawn listing's price on Rakuten
(``price_sent``) with our product's price plus the account's markup, rounded in yen as the account says
(切り捨て / 切り上げ / 四捨五入). A difference is checked by the pre-flight check, then sent as an items.patch
of the variants' standardPrice only (docs/rms.md §4); RMS's answer is kept on the listing. Nothing is asked
of staff: changing the product's price is enough.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.models import EcAccount
from rakuten_link.models import MappingStatus, ProductMapping
from rakuten_link.rms import RmsError
from rakuten_link.sync.runner import JobResult

from .models import Listing, ListingStatus
from .payload import price_body
from .pricing import price_sent, rakuten_price
from .sending import findings_for


def push_prices(*, account: EcAccount, client, run, **_options) -> JobResult:
    counts = {"checked": 0, "pushed": 0, "blocked": 0, "refused": 0}
    listings = Listing.objects.filter(account=account, status=ListingStatus.LISTED, withdrawn=False)
    for listing in listings.select_related("product", "account"):
        counts["checked"] += 1
        price = rakuten_price(listing.product.price, account)
        if price is None or price == listing.price_sent:
            continue
        findings = findings_for(listing)
        if findings:
            counts["blocked"] += 1
            price_sent(listing, None, _("Not sent: the pre-flight check found %(n)d problem(s).") % {
                "n": len(findings)})
            continue
        variant_ids = list(ProductMapping.objects.filter(
            account=account, manage_number=listing.manage_number, status=MappingStatus.OK)
            .exclude(variant_id="").order_by("variant_id").values_list("variant_id", flat=True))
        try:
            client.patch_item(listing.manage_number, price_body(variant_ids, price))
        except RmsError as exc:
            if not exc.permanent:
                raise  # RMS did not answer: the next run tries again
            counts["refused"] += 1
            price_sent(listing, None, _("RMS refused the price %(price)d: %(error)s") % {
                "price": price, "error": exc.message})
            continue
        counts["pushed"] += 1
        price_sent(listing, price)
    return JobResult(summary=_("%(pushed)d price(s) pushed of %(checked)d listings") % counts, counts=counts)
