"""What the billing use cases that deal with payment providers are built from, handed over as one object."""

from __future__ import annotations

from dataclasses import dataclass

from promptsaas.application.audit_trail import AuditTrail
from promptsaas.application.billing.accounts import PaymentAccounts
from promptsaas.application.ports.clock import Clock, IdGenerator
from promptsaas.application.ports.payments import PaymentProviders
from promptsaas.application.ports.unit_of_work import UnitOfWorkFactory


@dataclass(frozen=True, slots=True)
class BillingContext:
    """The unit of work, the payment providers and each tenant's account with them, time, ids and the audit trail:
    what checkout, the webhook inbox, revenue and reconciliation share."""

    uow: UnitOfWorkFactory
    providers: PaymentProviders
    accounts: PaymentAccounts
    clock: Clock
    ids: IdGenerator
    audit: AuditTrail
