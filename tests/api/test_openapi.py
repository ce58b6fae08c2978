"""The OpenAPI document and the browsable docs."""

from __future__ import annotations

from django.test import Client

from tests.api.helpers import body

PATHS = {
    "/api/v1/me": {"get"},
    "/api/v1/contacts": {"get", "post"},
    "/api/v1/contacts/{contact_id}": {"get", "patch", "delete"},
    "/api/v1/contacts/{contact_id}/consents": {"get", "post"},
    "/api/v1/contacts/{contact_id}/timeline": {"get"},
    "/api/v1/accounts": {"get", "post"},
    "/api/v1/accounts/{account_id}": {"get", "patch", "delete"},
    "/api/v1/accounts/{account_id}/timeline": {"get"},
    "/api/v1/products": {"get", "post"},
    "/api/v1/products/{product_id}": {"get"},
    "/api/v1/orders": {"get", "post"},
    "/api/v1/orders/{order_id}": {"get"},
    "/api/v1/activities": {"get", "post"},
    "/api/v1/activities/{activity_id}": {"get"},
    "/api/v1/activities/{activity_id}/complete": {"post"},
}


def test_the_openapi_document_describes_every_endpoint(db: None) -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = body(response)
    assert document["openapi"].startswith("3.")
    for path, methods in PATHS.items():
        assert methods <= set(document["paths"][path]), path


def test_the_openapi_document_describes_inputs_outputs_and_problems(db: None) -> None:
    document = body(Client().get("/api/v1/openapi.json"))
    patch = document["paths"]["/api/v1/contacts/{contact_id}"]["patch"]
    assert {"200", "401", "403", "404", "409", "412", "422"} <= set(patch["responses"])
    schemas = document["components"]["schemas"]
    assert {"ContactIn", "ContactOut", "ContactPage", "ProblemOut", "OrderDetailOut"} <= set(schemas)
    assert {"BearerToken", "Session"} <= set(document["components"]["securitySchemes"])
    listing = document["paths"]["/api/v1/contacts"]["get"]["parameters"]
    limit = next(p for p in listing if p["name"] == "limit")
    assert (limit["schema"]["maximum"], limit["schema"]["default"]) == (200, 50)


def test_the_browsable_docs_load_nothing_from_the_internet(db: None) -> None:
    html = Client().get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "https://" not in html
