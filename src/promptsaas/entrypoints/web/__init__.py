"""The web app: the member app at `/` and the operator console at `/admin`, server-rendered pages (Jinja, HTMX)
over the same application services as the API; controllers here only translate forms to service calls."""
