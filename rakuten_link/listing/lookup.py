"""Finding or creating listings by product code, for the commands and the admin's bulk action."""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.models import EcAccount
from inventory.models import Product

from .draft import default_template
from .models import Listing, ListingTemplate


class ListingLookupError(ValueError):
    """An unknown account, product or template, named in the message."""


def account_named(name: str | None) -> EcAccount:
    if name:
        try:
            return EcAccount.objects.get(name=name)
        except EcAccount.DoesNotExist:
            raise ListingLookupError(_("There is no account named “%(name)s”.") % {"name": name}) from None
    accounts = list(EcAccount.objects.all()[:2])
    if len(accounts) != 1:
        raise ListingLookupError(_("Name the account (--account): there is not exactly one."))
    return accounts[0]


def template_named(account: EcAccount, name: str | None) -> ListingTemplate:
    if not name:
        return default_template(account)
    try:
        return ListingTemplate.objects.get(account=account, name=name)
    except ListingTemplate.DoesNotExist:
        raise ListingLookupError(_("The account %(account)s has no listing template “%(name)s”.")
                                 % {"account": account.name, "name": name}) from None


def listing_for(account: EcAccount, product: Product | str, template: ListingTemplate | None = None) -> Listing:
    """The product's listing on ``account``, created as a draft if it has none; ``template`` replaces its own."""
    if isinstance(product, str):
        try:
            product = Product.objects.get(code=product)
        except Product.DoesNotExist:
            raise ListingLookupError(_("There is no product with the code “%(code)s”.") % {"code": product}) from None
    listing, created = Listing.objects.get_or_create(account=account, product=product,
                                                     defaults={"template": template})
    if not created and template is not None and listing.template_id != template.pk:
        listing.template = template
        listing.save(update_fields=["template", "updated_at"])
    return listing
