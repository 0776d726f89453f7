"""What a person may buy from a chat, as buttons under the plans or a denial, and the invoice a button asks for.

On a messenger that takes no payment in the chat (WhatsApp), each offer is a Stripe Checkout link made for that
person, so paying there funds this very account; elsewhere it is a `buy:<plan>` button the messenger's own payment
answers (Telegram Stars): a Stars invoice when the plan has a Stars price, else a pointer to the website.
"""

from __future__ import annotations

from dataclasses import dataclass

from promptsaas.application.access import AccessService
from promptsaas.application.billing.checkout import CheckoutService
from promptsaas.application.billing.stars import StarsSales
from promptsaas.application.channels.people import Person
from promptsaas.application.plans import PlanService
from promptsaas.application.ports.clock import Clock
from promptsaas.application.ports.messenger import Answer, Button
from promptsaas.domain.billing import (
    BillingNotConfigured,
    Interval,
    PaymentBeingConfirmed,
    PaymentProviderUnavailable,
    PlanNotPurchasable,
)
from promptsaas.domain.channels import Channel
from promptsaas.domain.plans import Plan

PAYS_BY_CHECKOUT_LINK = frozenset({Channel.WHATSAPP})
PAYS_WITH_STARS = frozenset({Channel.TELEGRAM})
NO_PAYMENTS = "Paying is not available here: this service takes no online payments yet."
PAYMENTS_DOWN = "Paying is not available right now; please try again in a few minutes."

Rows = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True, slots=True)
class OfferButtons:
    """The buttons to buy with, and a sentence when paying is not possible here (`note`)."""

    rows: Rows = ()
    note: str = ""


class Offers:
    def __init__(
        self, plans: PlanService, access: AccessService, checkout: CheckoutService, stars: StarsSales, clock: Clock
    ) -> None:
        self._plans = plans
        self._access = access
        self._checkout = checkout
        self._stars = stars
        self._clock = clock

    async def invoice(self, person: Person, plan_code: str) -> Answer:
        """What a `buy:<plan>` button answers: the Stars invoice to pay in the chat, or where else to buy it."""
        plans, held = await self.on_sale(person)
        plan = next((p for p in plans if p.code == plan_code and p.price), None)
        if plan is None:
            return Answer("That plan is no longer on sale; see /plans.")
        if plan.code in held and not plan.is_pack:
            return Answer(f"You already have {plan.name}; see /usage.")
        ask = None
        if person.channel in PAYS_WITH_STARS:
            ask = self._stars.offer(person.user_id, plan)
        if ask is None:
            return Answer(
                f"{plan.name} cannot be paid in this chat; please buy it on our website, signed in with the "
                "account this chat uses (/link joins them)."
            )
        how = "once" if plan.is_pack else "every 30 days until you cancel"
        return Answer(f"{plan.name} costs {ask.amount} Telegram Stars {how}.", payment=ask)

    async def on_sale(self, person: Person) -> tuple[list[Plan], set[str]]:
        """The plans on sale, and the codes of those the person holds now."""
        plans, _default = await self._plans.storefront(person.tenant_id)
        account = await self._access.account(person.tenant_id, person.user_id)
        now = self._clock.now()
        return plans, {s.plan_code for s in account.subscriptions if s.is_active(now)}

    async def buttons(self, person: Person, plans: list[Plan], held: set[str]) -> OfferButtons:
        """One button per plan or pack the person may buy (priced, not held)."""
        buyable = [p for p in plans if p.price and p.code not in held]
        if person.channel not in PAYS_BY_CHECKOUT_LINK:
            return OfferButtons(tuple((Button(f"Buy {p.name}", f"buy:{p.code}"),) for p in buyable))
        rows: list[tuple[Button, ...]] = []
        for plan in buyable:
            try:
                session = await self._checkout.checkout(person.tenant_id, person.user_id, plan.code, _interval(plan))
            except (PlanNotPurchasable, PaymentBeingConfirmed):  # not sold, or just bought: nothing to pay
                continue
            except BillingNotConfigured:
                return OfferButtons(note=NO_PAYMENTS)
            except PaymentProviderUnavailable:
                return OfferButtons(note=PAYMENTS_DOWN)
            rows.append((Button(f"Buy {plan.name}", url=session.url),))
        return OfferButtons(tuple(rows))


def _interval(plan: Plan) -> Interval | None:
    """A pack is bought once; a subscription monthly when it has a monthly price, else yearly."""
    if plan.is_pack:
        return None
    return Interval.MONTH if plan.price and plan.price.monthly else Interval.YEAR
