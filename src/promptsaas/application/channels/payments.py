"""Payments made inside a chat (Telegram Stars): the answer to the messenger's pre-checkout, and a receipt for each
payment or refund it reports (said once, however often the messenger reports it)."""

from __future__ import annotations

from promptsaas.application.billing.stars import StarsSales
from promptsaas.application.channels.people import Person
from promptsaas.application.channels.wording import when
from promptsaas.application.ports.messenger import Answer, ChatPayment


class ChatPayments:
    def __init__(self, stars: StarsSales) -> None:
        self._stars = stars

    async def check(self, person: Person, payload: str, amount: int, currency: str) -> str | None:
        """Why the messenger must refuse this payment, or None to let it go through (Telegram asks within 10 s)."""
        return await self._stars.check(person.tenant_id, person.user_id, payload, amount, currency)

    async def received(self, person: Person, payment: ChatPayment) -> Answer | None:
        """Apply the payment (or refund) once per charge; the receipt to say, or None when it was applied before."""
        receipt = await self._stars.receive(person.tenant_id, person.subject, payment)
        if not receipt.applied:
            return None
        name = receipt.plan_name or "your purchase"
        if payment.refunded:
            return Answer(f"Your {payment.amount} Stars for {name} were refunded; what they paid for has ended.")
        if payment.paid_until is not None:
            return Answer(
                f"Thank you! {name} is yours until {when(payment.paid_until)}; Telegram renews it every 30 days "
                "until you cancel."
            )
        return Answer(f"Thank you! {name} is added to your account; see /usage.")
