"""What each normalized billing event does to our state, inside the transaction that marks it applied."""

from __future__ import annotations

from dataclasses import dataclass

from promptsaas.application.audit_trail import AuditTrail
from promptsaas.application.billing.packs import grant_pack, revoke_pack
from promptsaas.application.billing.sync import apply_snapshot
from promptsaas.application.ports.clock import Clock, IdGenerator
from promptsaas.application.ports.payments import (
    BillingEvent,
    ChargeRefunded,
    CheckoutCompleted,
    InvoicePaid,
    ProviderSubscription,
)
from promptsaas.application.ports.unit_of_work import UnitOfWork
from promptsaas.domain.billing import Payment, PaymentKind
from promptsaas.domain.subscriptions import SubscriptionStatus

ACTOR = "billing"


def subscription_ref(event: BillingEvent) -> str | None:
    """The provider subscription an event concerns (whose current state is fetched before applying it)."""
    change = event.change
    if isinstance(change, CheckoutCompleted | InvoicePaid):
        return change.subscription_id
    sub = getattr(change, "subscription", None)
    if isinstance(sub, ProviderSubscription):
        return sub.id
    return getattr(change, "subscription_id", None)


def invoice_of_its_subscriptions_customer(invoice: InvoicePaid, subscription: ProviderSubscription | None) -> bool:
    """An invoice pays for a subscription only when both name the same customer: one naming another customer is not
    this subscription's payment (and records nothing), whichever subscription it names."""
    if invoice.customer_id is None or subscription is None or subscription.customer_id is None:
        return True
    return invoice.customer_id == subscription.customer_id


@dataclass
class EventEffects:
    uow: UnitOfWork
    audit: AuditTrail
    clock: Clock
    ids: IdGenerator

    async def apply(self, tenant_id: str, event: BillingEvent, current: ProviderSubscription | None) -> str:
        """Apply one event; returns a short note of what it did (kept on the inbox row). The subscription's snapshot
        goes first, so an invoice of a subscription this tenant has just learnt of finds its owner."""
        change, now = event.change, self.clock.now()
        if isinstance(change, InvoicePaid) and not invoice_of_its_subscriptions_customer(
            change, current or change.subscription
        ):
            return f"invoice of customer {change.customer_id}, not its subscription's: nothing applied"
        notes: list[str] = []
        if isinstance(change, CheckoutCompleted):
            notes.append(await self._checkout(tenant_id, event.provider, change))
        snapshot = current or getattr(change, "subscription", None)
        if isinstance(snapshot, ProviderSubscription):
            at = now if current is not None else event.created
            sub = await apply_snapshot(
                self.uow, self.audit, tenant_id, event.provider, snapshot, at, self.ids.new_id(), ACTOR
            )
            notes.append(f"subscription {sub.status.value}" if sub else "subscription of no user here")
        if isinstance(change, InvoicePaid):
            notes.append(await self._invoice_paid(tenant_id, event, change))
        if isinstance(change, ChargeRefunded):
            notes.append(await self._refunded(tenant_id, event.provider, change))
        return "; ".join(n for n in notes if n) or "nothing to do"

    async def _checkout(self, tenant_id: str, provider: str, change: CheckoutCompleted) -> str:
        ref = change.reference
        if ref is None or ref.tenant_id != tenant_id or await self.uow.users.get(tenant_id, ref.user_id) is None:
            return "checkout of no user here"
        if change.customer_id:
            await self.uow.billing.put_customer(tenant_id, provider, ref.user_id, change.customer_id)
        if change.subscription_id or not change.paid:
            return "checkout completed" if change.paid else "checkout awaiting payment"
        plan = await self.uow.plans.get_by_code(tenant_id, ref.plan_code)
        if plan is None or not plan.is_pack:
            return f"checkout for unknown pack {ref.plan_code}"
        purchase = change.payment_id or change.session_id
        await self._payment(
            tenant_id,
            provider,
            purchase,
            ref.user_id,
            plan.code,
            change.amount,
            change.currency,
            PaymentKind.CHARGE,
            change.session_id,
        )
        granted = await grant_pack(self.uow, self.audit, plan, ref.user_id, provider, purchase, self.clock.now(), ACTOR)
        return f"pack {plan.code} granted" if granted else "pack already granted"

    async def _invoice_paid(self, tenant_id: str, event: BillingEvent, change: InvoicePaid) -> str:
        sub = (
            await self.uow.billing.subscription_by_ref(tenant_id, event.provider, change.subscription_id)
            if change.subscription_id
            else None
        )
        payer = (
            await self.uow.billing.customer_user(tenant_id, event.provider, change.customer_id)
            if change.customer_id
            else None
        )
        if sub is not None and payer is not None and payer != sub.user_id:
            return "payment of another user's customer: nothing recorded"
        user_id = sub.user_id if sub else payer
        if user_id is None:  # another tenant's customer (or nobody's): recorded in the inbox, no payment here
            return "payment of no customer here"
        added = await self._payment(
            tenant_id,
            event.provider,
            change.invoice_id,
            user_id,
            sub.plan_code if sub else None,
            change.amount,
            change.currency,
            PaymentKind.CHARGE,
            change.payment_id,
        )
        return f"payment {change.amount} {change.currency}" if added else "payment already recorded"

    async def _refunded(self, tenant_id: str, provider: str, change: ChargeRefunded) -> str:
        refs = [r for r in (change.payment_id, change.charge_id) if r]
        charge = next(
            (
                p
                for p in await self.uow.billing.payments(tenant_id)
                if p.kind is PaymentKind.CHARGE and (p.external_id in refs or p.reference in refs)
            ),
            None,
        )
        if charge is None:
            return "refund of no payment here"
        refunded = sum(
            p.amount
            for p in await self.uow.billing.payments(tenant_id)
            if p.kind is PaymentKind.REFUND and p.reference == charge.id
        )
        delta = (charge.amount if change.full else change.amount_refunded) - refunded
        if delta > 0:
            await self._payment(
                tenant_id,
                provider,
                f"{change.charge_id}:refund:{refunded + delta}",
                charge.user_id,
                charge.plan_code,
                delta,
                change.currency,
                PaymentKind.REFUND,
                charge.id,
            )
        holding = await self.uow.billing.subscription_by_ref(tenant_id, provider, charge.external_id)
        revoked = holding is not None and await revoke_pack(self.uow, self.audit, holding, self.clock.now(), ACTOR)
        if change.ends_subscription:
            revoked = await self._revoke_subscription(tenant_id, provider, charge) or revoked
        return f"refund {max(delta, 0)} {change.currency}" + ("; access revoked" if revoked else "")

    async def _revoke_subscription(self, tenant_id: str, provider: str, charge: Payment) -> bool:
        """End now the subscription a refunded charge paid for (its user's, of its plan, at this provider)."""
        now, ended = self.clock.now(), False
        for sub in await self.uow.billing.provider_subscriptions(tenant_id, provider):
            if sub.user_id != charge.user_id or sub.plan_code != charge.plan_code or not sub.is_active(now):
                continue
            before = f"{sub.plan_code} {sub.status.value}"
            sub.status, sub.current_period_end, sub.cancel_at_period_end = SubscriptionStatus.CANCELED, now, False
            await self.uow.subscriptions.update(sub)
            await self.audit.record(self.uow, tenant_id, ACTOR, "subscription.revoke", sub.id, before, "refunded")
            ended = True
        return ended

    async def _payment(
        self,
        tenant_id: str,
        provider: str,
        external_id: str,
        user_id: str | None,
        plan_code: str | None,
        amount: int,
        currency: str,
        kind: PaymentKind,
        reference: str | None,
    ) -> bool:
        payment = Payment(
            self.ids.new_id(),
            tenant_id,
            provider,
            external_id,
            user_id,
            plan_code,
            amount,
            currency.lower(),
            kind,
            self.clock.now(),
            reference,
        )
        return await self.uow.billing.add_payment(payment)
