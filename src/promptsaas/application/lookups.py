"""Loading an aggregate or failing with a `NotFound` that names it."""

from __future__ import annotations

from promptsaas.application.ports.unit_of_work import UnitOfWork
from promptsaas.domain.agents import Agent
from promptsaas.domain.errors import NotFound
from promptsaas.domain.plans import Plan
from promptsaas.domain.tenants import Tenant
from promptsaas.domain.users import User, normalize_email


async def tenant_by_slug(uow: UnitOfWork, slug: str) -> Tenant:
    tenant = await uow.tenants.get_by_slug(slug)
    if tenant is None:
        raise NotFound("tenant", slug)
    return tenant


async def agent_by_slug(uow: UnitOfWork, tenant_id: str, slug: str) -> Agent:
    agent = await uow.agents.get_by_slug(tenant_id, slug)
    if agent is None:
        raise NotFound("agent", slug)
    return agent


async def plan_by_code(uow: UnitOfWork, tenant_id: str, code: str) -> Plan:
    plan = await uow.plans.get_by_code(tenant_id, code)
    if plan is None:
        raise NotFound("plan", code)
    return plan


async def user_by_email(uow: UnitOfWork, tenant_id: str, email: str) -> User:
    user = await uow.users.get_by_email(tenant_id, normalize_email(email))
    if user is None:
        raise NotFound("user", email)
    return user


async def user_by_id(uow: UnitOfWork, tenant_id: str, user_id: str) -> User:
    user = await uow.users.get(tenant_id, user_id)
    if user is None:
        raise NotFound("user", user_id)
    return user
