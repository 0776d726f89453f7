"""The Telegram bot shell (aiogram 3): updates in, one `ChannelService` call, messages out; nothing decided here.

`shell` builds a tenant's Bot and Dispatcher; `middleware` applies each update once and names the person;
`commands`, `payments` (Telegram Stars) and `chat` are the routers; `polling` runs the bot process, the HTTP app
feeds webhooks.
"""
