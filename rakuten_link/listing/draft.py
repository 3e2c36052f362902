"""A listing rendered from its template: the plain values that are checked, previewed and sent.

The descriptions are HTML and take our values escaped (templates.as_html); the title, tagline and
images are plain text and take them as they are.

Everything the pre-flight check, the admin preview, the item JSON and the CSV need, computed once from
the listing, its product, the product's SKUs and the template, so those four cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .models import DEFAULT_TEMPLATE_NAME, Listing, ListingTemplate
from .pricing import rakuten_price
from .templates import as_html, product_values, render
from .variants import VariantPlan, plan_variants


@dataclass(frozen=True)
class ListingDraft:
    manage_number: str
    item_number: str
    title: str
    tagline: str
    pc_description: str
    sp_description: str
    sales_description: str
    images: list[str]
    genre_id: str
    price: int | None
    tax_included: bool
    tax_rate: Decimal
    postage_included: bool
    cod_fee_included: bool
    hidden: bool
    plan: VariantPlan
    product_code: str


def default_template(account) -> ListingTemplate:
    """The account's template 標準, created on first use when the account has none yet."""
    template, _created = ListingTemplate.objects.get_or_create(account=account, name=DEFAULT_TEMPLATE_NAME)
    return template


def template_of(listing: Listing) -> ListingTemplate:
    return listing.template if listing.template is not None else default_template(listing.account)


def build_draft(listing: Listing, *, hidden: bool | None = None) -> ListingDraft:
    """The listing as it would be sent now; ``hidden`` overrides the withdrawn / first-listing rule."""
    template = template_of(listing)
    product = listing.product
    skus = list(product.skus.order_by("code"))
    values = product_values(product, skus)
    first_time = listing.listed_at is None
    if hidden is None:
        hidden = listing.withdrawn or (first_time and template.hide_on_create)
    markup = as_html(values)
    images = [render(line, values).strip() for line in template.images.splitlines()]
    return ListingDraft(
        manage_number=listing.manage_number or product.code.lower(),
        item_number=listing.item_number or listing.manage_number or product.code.lower(),
        title=render(listing.title or template.title_pattern, values).strip(),
        tagline=render(listing.tagline or template.tagline_pattern, values).strip(),
        pc_description=render(template.pc_description, markup),
        sp_description=render(template.sp_description, markup),
        sales_description=render(template.sales_description, markup),
        images=[image for image in images if image],
        genre_id=template.genre_id.strip(),
        price=rakuten_price(product.price, listing.account),
        tax_included=template.tax_included,
        tax_rate=template.tax_rate,
        postage_included=template.postage_included,
        cod_fee_included=template.cod_fee_included,
        hidden=hidden,
        plan=plan_variants(skus, template.selector_mapping()),
        product_code=product.code,
    )
