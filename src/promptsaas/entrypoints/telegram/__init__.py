"""The Telegram bot shell (aiogram 3): updates in, one `ChannelService` call, messages out; nothing decided here.

`shell` builds a tenant's Bot and Dispatcher; `middleware` applies each update once and names the person;
`commands`, `chat` and `buttons` are the routers; `polling` runs the bot process, the HTTP app feeds webhooks.
"""
