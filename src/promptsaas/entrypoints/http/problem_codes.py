"""The one table of problem codes: each stable `code` the API answers, its HTTP status, and what it means.

`problems.status_for` answers from it; the OpenAPI document lists, per operation, the codes of this table it can
return, with an example body for each.
"""

from __future__ import annotations

from typing import NamedTuple


class ProblemCode(NamedTuple):
    status: int
    meaning: str


PROBLEM_CODES: dict[str, ProblemCode] = {
    "invalid_request": ProblemCode(400, "the body, a parameter or a header is malformed, mistyped or out of range"),
    "invalid_limit": ProblemCode(400, "a list's `limit` is not from 1 to 200"),
    "invalid_cursor": ProblemCode(400, "a list's `cursor` is not one that list handed out in `X-Next-Cursor`"),
    "weak_password": ProblemCode(400, "the password is shorter than 8 or longer than 1024 characters"),
    "invalid_variables": ProblemCode(400, "a prompt variable is unknown, missing or of the wrong type"),
    "unknown_style": ProblemCode(400, "the agent has no style of that name"),
    "unknown_model": ProblemCode(400, "the model is not in the registry"),
    "unknown_provider": ProblemCode(400, "no LLM provider of that name is configured"),
    "catalog_invalid": ProblemCode(400, "the catalog document was rejected as a whole; `field` names the first path"),
    "nothing_to_roll_back": ProblemCode(400, "the agent has no earlier active version to return to"),
    "no_active_version": ProblemCode(400, "the agent cannot be published before one of its versions is active"),
    "idempotency_key_reused": ProblemCode(400, "the Idempotency-Key was already used for a different request"),
    "attachments_not_supported": ProblemCode(400, "the agent's model does not accept images"),
    "too_many_attachments": ProblemCode(400, "more images than one message may carry"),
    "attachment_type_not_supported": ProblemCode(400, "the image type is not one the model accepts"),
    "attachment_invalid": ProblemCode(
        400, "the image is not one http(s) or data: URL or base64 data of its declared type (empty, wrong bytes, both)"
    ),
    "attachment_too_large": ProblemCode(400, "the image is larger than allowed"),
    "attachment_url_not_allowed": ProblemCode(
        400, "the image URL's host is, or resolves to, a loopback, private, link-local or other non-public address"
    ),
    "input_too_long": ProblemCode(400, "the message alone does not fit the model's context window with its answer"),
    "plan_not_purchasable": ProblemCode(400, "the plan is free, archived, or has no price for that interval"),
    "payment_operation_unsupported": ProblemCode(400, "that payment provider does not do this (manual: no checkout)"),
    "payment_key_invalid": ProblemCode(
        400, "a Stripe key of the wrong shape or missing (secret key sk_/rk_, webhook secret whsec_); nothing stored"
    ),
    "webhook_signature_invalid": ProblemCode(400, "the webhook signature or timestamp did not verify; nothing stored"),
    "webhook_invalid": ProblemCode(
        400, "the webhook is signed but its body is not the provider's event; nothing stored"
    ),
    "llm_bad_request": ProblemCode(400, "the model provider refused the request as malformed; nothing is charged"),
    "byok_key_invalid": ProblemCode(400, "your own provider key was rejected; it is flagged until you replace it"),
    "invalid_link": ProblemCode(400, "a verification, reset or invite link that is forged, expired or already used"),
    "link_code_invalid": ProblemCode(400, "the link code is unknown, expired, already used or of the other kind"),
    "invalid_credentials": ProblemCode(401, "the email or the password is wrong (alike for both)"),
    "invalid_token": ProblemCode(401, "no credential, or an access token, API key or ID token that proves nothing"),
    "refresh_token_reused": ProblemCode(401, "a spent refresh token was presented: every token of its sign-in died"),
    "email_not_verified": ProblemCode(401, "the identity provider has not verified the email of this ID token"),
    "quota_exceeded": ProblemCode(402, "a usage limit of the caller's plans is used up until `resets_at`"),
    "forbidden": ProblemCode(403, "the route needs the admin role"),
    "tenant_suspended": ProblemCode(403, "the caller's tenant is suspended: nobody of it signs in or calls"),
    "signup_closed": ProblemCode(403, "the tenant takes no sign-ups: an admin creates accounts"),
    "invite_required": ProblemCode(403, "the tenant takes sign-ups by invite only, and this one is missing or bad"),
    "email_verification_required": ProblemCode(403, "the tenant signs in verified emails only: follow the mailed link"),
    "tenant_mismatch": ProblemCode(403, "the agent belongs to another tenant"),
    "user_disabled": ProblemCode(403, "the caller's account is disabled"),
    "agent_unavailable": ProblemCode(403, "the agent is not published or has no active prompt version"),
    "no_subscription": ProblemCode(403, "the caller holds no active subscription"),
    "agent_not_in_plan": ProblemCode(403, "none of the caller's plans grants this agent"),
    "channel_not_allowed": ProblemCode(403, "none of the caller's plans allows this channel"),
    "subscription_inactive": ProblemCode(403, "the caller's subscription is past due, canceled or expired"),
    "webhook_forbidden": ProblemCode(403, "the webhook's secret header is missing or wrong; nothing was processed"),
    "not_found": ProblemCode(404, "no route at this path (a number in the path that is not one included)"),
    "tenant_not_found": ProblemCode(404, "no tenant has the slug sent in X-Tenant"),
    "user_not_found": ProblemCode(404, "no user of the tenant has that id or email"),
    "agent_not_found": ProblemCode(404, "no agent of the tenant has that slug (another tenant's agent included)"),
    "prompt_version_not_found": ProblemCode(404, "the agent has no version of that number"),
    "plan_not_found": ProblemCode(404, "no plan of the tenant has that code"),
    "subscription_not_found": ProblemCode(404, "no subscription of the tenant has that id"),
    "conversation_not_found": ProblemCode(404, "the caller has no conversation of that id"),
    "api_key_not_found": ProblemCode(404, "the caller has no API key of that id"),
    "provider_key_not_found": ProblemCode(404, "the caller has stored no key for that provider"),
    "model_not_found": ProblemCode(404, "the registry has no model of that id"),
    "billing_customer_not_found": ProblemCode(404, "the caller has never paid through this provider"),
    "payment_not_found": ProblemCode(404, "no charge of the tenant has that id"),
    "payment_provider_not_found": ProblemCode(404, "no payment provider of that name is configured"),
    "method_not_allowed": ProblemCode(405, "the route does not answer this method"),
    "agent_exists": ProblemCode(409, "the tenant already has an agent with that slug"),
    "plan_exists": ProblemCode(409, "the tenant already has a plan with that code"),
    "user_exists": ProblemCode(409, "the tenant already has a user with that email"),
    "last_admin": ProblemCode(409, "demoting or disabling this user would leave the tenant without an admin"),
    "pack_not_cancelable": ProblemCode(409, "a pack is bought once and never renews: nothing to cancel or resume"),
    "payment_already_refunded": ProblemCode(
        409, "the charge is already refunded, or its refund was already requested; nothing was asked again"
    ),
    "payment_being_confirmed": ProblemCode(
        409, "the checkout was just paid and the provider's confirmation is on its way: nothing to pay again"
    ),
    "idempotency_in_progress": ProblemCode(409, "the first request with this Idempotency-Key is still running"),
    "rate_limited": ProblemCode(429, "too many attempts or calls for now; see `Retry-After`"),
    "llm_rate_limited": ProblemCode(429, "the model provider is rate-limiting us; retry later, nothing is charged"),
    "internal_error": ProblemCode(500, "something went wrong on our side"),
    "llm_unavailable": ProblemCode(502, "the model provider failed or is unreachable; nothing is charged"),
    "llm_auth_failed": ProblemCode(502, "the platform's key for the model provider was refused; nothing is charged"),
    "database_unavailable": ProblemCode(503, "the database cannot be reached; see `Retry-After`"),
    "database_not_migrated": ProblemCode(503, "the database schema is older than this version"),
    "byok_key_undecryptable": ProblemCode(503, "the server's encryption key changed and cannot open your stored key"),
    "setup_failed": ProblemCode(503, "the deployment is not set up correctly; the operator sees the cause"),
    "payment_provider_unavailable": ProblemCode(
        502, "the payment provider failed or is unreachable; nothing was created"
    ),
    "billing_not_configured": ProblemCode(503, "the tenant has no keys for this payment provider"),
    "invalid_signature": ProblemCode(401, "the webhook's signature header is missing or does not match its body"),
    "verification_failed": ProblemCode(403, "the webhook subscription's verify token does not match"),
    "whatsapp_not_configured": ProblemCode(404, "the tenant has no WhatsApp number and the deployment no default"),
    "llm_timeout": ProblemCode(504, "the model provider did not answer in time; nothing is charged"),
    "request_timeout": ProblemCode(408, "the request's headers or body did not arrive in time"),
    "request_header_too_large": ProblemCode(431, "the request line and headers are over 16 KiB"),
    "csrf_failed": ProblemCode(403, "a web form without this site's CSRF token; nothing was changed"),
}
