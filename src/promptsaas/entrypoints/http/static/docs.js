// Starts Swagger UI on the OpenAPI document named by this script's data-url attribute.
// A file of its own rather than an inline script, so the page keeps working under a strict Content-Security-Policy.
window.ui = SwaggerUIBundle({
  url: document.currentScript.dataset.url,
  dom_id: "#swagger-ui",
  layout: "BaseLayout",
  deepLinking: true,
  validatorUrl: null,
  defaultModelsExpandDepth: 0,
  displayOperationId: true,
});
