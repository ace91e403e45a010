"""The JSON API under ``/api/v1/``: an OpenAPI 3.1 description generated from the code (flask-smorest),
personal API tokens, and the webhooks sent to partners. It calls the same rules as the pages."""
