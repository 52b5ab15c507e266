"""The JSON API at /api/v1/ (django-ninja): public and staff routers, schemas, the one error shape."""
