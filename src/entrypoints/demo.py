"""`make run`: an in-memory demo of the platform through the library (tenant, catalog, user, chats)."""

from __future__ import annotations

from pathlib import Path

from entrypoints.library import AccessDenied, Platform

DEMO_CATALOG = Path(__file__).resolve().parents[2] / "catalog" / "demo.yaml"


def main() -> None:
    with Platform.in_memory() as platform:
        demo = platform.create_tenant("demo", name="Demo")
        print("applied:", ", ".join(demo.apply_catalog(DEMO_CATALOG).changes))
        demo.create_user("member@demo.example", password="demo password 1", role="member")
        for question in ["What is 2+2?", "And 3+3?", "Why?", "How?", "Once more", "One too many"]:
            try:
                reply = demo.chat("member@demo.example", "tutor", question, variables={"level": "beginner"})
            except AccessDenied as denied:
                print(f"denied: {denied.code} (resets at {denied.decision.resets_at:%Y-%m-%d %H:%M} UTC)")
                break
            left = ", ".join(f"{lim.remaining}/{lim.limit} {lim.metric} per {lim.window}" for lim in reply.limits)
            print(f"> {question}\n{reply.text}\n  [{reply.usage.input_tokens}+{reply.usage.output_tokens} tokens; {left}]")


if __name__ == "__main__":
    main()
