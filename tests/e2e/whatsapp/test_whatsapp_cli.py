"""`promptsaas channel whatsapp set` in a subprocess: the number is stored sealed and answers Meta's checks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from promptsaas.entrypoints.composition.settings import Settings
from promptsaas.entrypoints.library import AsyncPlatform
from tests.e2e.http.server_process import SCRIPT, promptsaas, server_env


def _set_number(url: str, env: dict[str, str], workdir: Path, tenant: str) -> subprocess.CompletedProcess[str]:
    command = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "promptsaas.entrypoints.cli.main"]
    arguments = ["--database-url", url, "channel", "whatsapp", "set", "--tenant", tenant]
    return subprocess.run(
        [*command, *arguments, "--phone-number-id", "106540352242922", "--secrets-stdin"],
        input="EAAG-cli-token-123\ncli-app-secret-456\ncli-verify-789\n",
        capture_output=True,
        text=True,
        env=env,
        cwd=workdir,
        timeout=120,
        check=False,
    )


async def test_the_cli_stores_the_number_sealed_and_never_prints_a_secret(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'promptsaas.db'}"
    env = server_env(url, tmp_path)
    promptsaas(env, tmp_path, "--database-url", url, "db", "upgrade")
    tenant = json.loads(promptsaas(env, tmp_path, "--json", "--database-url", url, "demo"))["tenant"]
    done = _set_number(url, env, tmp_path, tenant)
    assert done.returncode == 0, done.stderr
    assert f"/v1/webhooks/whatsapp/{tenant}" in done.stdout
    for secret in ("EAAG-cli-token-123", "cli-app-secret-456", "cli-verify-789"):
        assert secret not in done.stdout + done.stderr
        assert secret.encode() not in (tmp_path / "promptsaas.db").read_bytes()
    settings = Settings(database_url=url, encryption_key_file=str(tmp_path / "encryption_key"))
    platform = await AsyncPlatform.open(settings=settings)
    try:
        accounts = platform.container.whatsapp_accounts()
        tenant_id = (await platform.container.admin().tenant(tenant)).id
        account = await accounts.resolve(tenant_id)
        assert account is not None
        assert (account.phone_number_id, account.access_token) == ("106540352242922", "EAAG-cli-token-123")
        await accounts.verify_subscription(tenant_id, "subscribe", "cli-verify-789")
    finally:
        await platform.close()
