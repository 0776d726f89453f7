"""The console's dashboard charts what the operator needs: a refused call appears under its code in the denials
chart (the policy's denial is recorded, nothing charged), and a charge appears in the revenue per month."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from playwright.sync_api import Page, expect
from sqlalchemy import create_engine, insert, select

from promptsaas.adapters.persistence.sqlalchemy.tables import payments, tenants
from tests.e2e.http.server_process import ServerProcess
from tests.e2e.web.conftest import log_in, shot


def record_a_charge(server: ServerProcess, amount: int) -> None:
    """A provider's charge as its webhook leaves it in the payments ledger (the server's own SQLite file)."""
    engine = create_engine(f"sqlite:///{server.stderr_path.parent / 'promptsaas.db'}")
    with engine.begin() as db:
        tenant = db.execute(select(tenants.c.id).where(tenants.c.slug == server.demo.tenant)).scalar_one()
        row = {
            "tenant_id": tenant,
            "id": "pay-dashboard",
            "provider": "stripe",
            "external_id": "ch_dashboard",
            "plan_code": "pro",
            "amount": amount,
            "currency": "eur",
            "kind": "charge",
            "created_at": datetime.now(UTC),
        }
        db.execute(insert(payments), row)
    engine.dispose()


def test_the_dashboard_charts_denials_by_code_and_revenue_per_month(page: Page, web_server: ServerProcess) -> None:
    with web_server.client(authorization=f"Bearer {web_server.demo.api_key}") as api:
        refused = api.post("/v1/agents/writer/runs", json={"input": "hello"})
    assert refused.status_code == 403, refused.text
    assert refused.json()["code"] == "agent_not_in_plan"
    record_a_charge(web_server, 1900)

    log_in(page, web_server.demo.admin["email"], web_server.demo.admin["password"])
    page.goto("/admin")
    denied = page.get_by_role("img", name=re.compile(r"^Denied per day: agent_not_in_plan"))
    expect(denied).to_be_visible()
    today = datetime.now(UTC).date().isoformat()
    assert float(denied.locator("rect", has_text=today).get_attribute("height") or 0) > 0
    expect(page.locator(".tile", has_text="Denied calls")).not_to_contain_text(re.compile(r"\b0$"))
    revenue = page.get_by_role("img", name=re.compile(r"^Revenue per month \(EUR\): 19\.00 EUR in total"))
    expect(revenue).to_be_visible()
    expect(revenue.locator("rect title").last).to_have_text(f"{today[:7]}: 19.00 EUR")
    shot(page, "admin-dashboard-denials-revenue")
