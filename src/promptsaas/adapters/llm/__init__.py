"""LLM providers behind the `LlmProvider` port."""
