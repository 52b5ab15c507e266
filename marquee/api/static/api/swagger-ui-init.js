// Starts Swagger UI on the docs page with the settings the server put in #swagger-settings.
// A static file: the Content-Security-Policy runs no inline script.
const config = JSON.parse(document.getElementById("swagger-settings").textContent);
config.dom_id = "#swagger-ui";
config.presets = [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset];
window.ui = SwaggerUIBundle(config);
