"""The OpenAI-compatible surface: `GET /v1/models` and `POST /v1/chat/completions`, where `model` is the agent."""
