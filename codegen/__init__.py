"""The SDK generator: OpenAPI description → IR → Jinja2 templates → Python modules."""
