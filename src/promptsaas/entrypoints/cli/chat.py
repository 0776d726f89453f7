"""`promptsaas chat`: one message to an agent as a user, or an interactive session when MESSAGE is omitted."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from typing import TYPE_CHECKING, Annotated, TextIO

import typer

from promptsaas.entrypoints.cli.options import AgentSlug, Tenant
from promptsaas.entrypoints.cli.output import Output, usd
from promptsaas.entrypoints.cli.session import session

if TYPE_CHECKING:
    from promptsaas.application.messages import Reply
    from promptsaas.entrypoints.library import AsyncPlatform, AsyncTenant
    from promptsaas.entrypoints.library_streams import AsyncReplyStream

QUIT = "/quit"


def command(
    ctx: typer.Context,
    tenant: Tenant,
    email: Annotated[str, typer.Option("--as", metavar="EMAIL", help="The user's email.", show_default=False)],
    agent: AgentSlug,
    message: Annotated[str | None, typer.Argument(help="The message (default: an interactive session).")] = None,
    var: Annotated[
        list[str] | None,
        typer.Option(
            "--var",
            metavar="KEY=VALUE",
            help="A template variable KEY=VALUE (repeatable; VALUE is read as JSON if it parses).",
        ),
    ] = None,
    style: Annotated[str | None, typer.Option(metavar="NAME", help="One of the agent's named styles.")] = None,
    conversation: Annotated[str | None, typer.Option(metavar="ID", help="Continue this conversation (its id).")] = None,
) -> None:
    """Chat with an agent as a user: prints the reply and a usage line; exit 3 when the policy denies."""
    s = session(ctx)
    variables = parse_vars(var or [])

    streaming = streams_to(s.out, sys.stdout)

    async def say(scope: AsyncTenant, text: str, conversation_id: str | None) -> Reply:
        """One message: on a terminal the reply is written as it arrives, else whole once it is settled."""
        if not streaming:
            reply = await scope.chat(
                email, agent, text, variables=variables, style=style, conversation_id=conversation_id, channel="cli"
            )
            show(s.out, reply)
            return reply
        pieces = scope.stream(
            email, agent, text, variables=variables, style=style, conversation_id=conversation_id, channel="cli"
        )
        reply = await write_streamed(pieces, sys.stdout)
        tell_cut_short(s.out, reply)
        s.out.text(summary(reply))
        return reply

    async def one(platform: AsyncPlatform) -> None:
        await say(platform.tenant(tenant), message or "", conversation)

    async def interactive(platform: AsyncPlatform) -> None:
        scope = platform.tenant(tenant)
        conversation_id = conversation
        if sys.stdin.isatty():
            typer.echo(f"chatting with {agent} as {email}; {QUIT} or Ctrl-D ends the session", err=True)
        while (line := read_line()) is not None:
            conversation_id = (await say(scope, line, conversation_id)).conversation_id

    s.run(interactive if message is None else one)


def streams_to(out: Output, stream: TextIO) -> bool:
    """A person at a terminal reads the reply as it arrives; a pipe, a file or `--json` gets it whole, as before."""
    return not out.json and stream.isatty()


async def write_streamed(pieces: AsyncReplyStream, stream: TextIO) -> Reply:
    """Write each piece of the reply as it arrives, then end the line (also when the call fails midway, so the
    error line starts on its own); the settled reply is returned for the usage line."""
    wrote = False
    try:
        async with pieces:
            async for piece in pieces:
                stream.write(piece)
                stream.flush()
                wrote = True
    finally:
        if wrote:
            stream.write("\n")
            stream.flush()
    return pieces.reply


def parse_vars(pairs: list[str]) -> dict[str, object]:
    """`KEY=VALUE` pairs; a VALUE that parses as a JSON scalar (80, true, 0.5, "80") takes that type."""
    out: dict[str, object] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise typer.BadParameter(f"{pair!r} is not KEY=VALUE", param_hint="--var")
        try:
            parsed = json.loads(value)
        except ValueError:
            parsed = value
        out[key] = parsed if isinstance(parsed, str | int | float | bool) else value
    return out


def read_line() -> str | None:
    """The next message from stdin; None at end of input or `/quit`. Blank lines are skipped."""
    while True:
        if sys.stdin.isatty():
            typer.echo("you> ", nl=False, err=True)
        line = sys.stdin.readline()
        if not line or line.strip() == QUIT:
            return None
        if line.strip():
            return line.rstrip("\r\n")


def show(out: Output, reply: Reply) -> None:
    if out.json:
        out.dump(
            {
                "text": reply.text,
                "conversation_id": reply.conversation_id,
                "model": reply.model,
                "prompt_version": reply.prompt_version,
                "finish_reason": reply.finish_reason.value,
                "usage": {
                    "input_tokens": reply.usage.input_tokens,
                    "output_tokens": reply.usage.output_tokens,
                    "cost_micros": reply.usage.cost_micros,
                    "funding": reply.usage.funding,
                },
                "limits": [asdict(limit) for limit in reply.limits],
            }
        )
        return
    out.text(reply.text)
    tell_cut_short(out, reply)
    out.text(summary(reply))


def tell_cut_short(out: Output, reply: Reply) -> None:
    """After a reply that ended early (its length limit, the content filter), one line saying so."""
    if reply.notice:
        out.text(f"({reply.notice})")


def summary(reply: Reply) -> str:
    """`[tokens 12 in + 40 out · cost $0.000000 · remaining 4/5 requests per day · conversation ID]`"""
    left = ", ".join(
        f"{lim.remaining}/{lim.limit} {lim.metric} per {lim.window.replace('_', ' ')}"
        for lim in reply.limits
        if lim.limit is not None
    )
    usage = reply.usage
    parts = [
        f"tokens {usage.input_tokens} in + {usage.output_tokens} out",
        f"cost {usd(usage.cost_micros)}" + (" (your key)" if usage.funding == "byok" else ""),
        f"remaining {left or 'unlimited'}",
        f"conversation {reply.conversation_id}",
    ]
    return "[" + " · ".join(parts) + "]"
