"""The OpenAPI document of the JSON API, generated with apispec from the blueprint's routes.

Each view declares its operations with :func:`operation`; :func:`build_spec` walks the app's URL
map, turns every API route into an OpenAPI path (a small apispec plugin reads Flask's rules and
their converters, so path parameters are typed), and loads the plan document's JSON Schema into
``components/schemas``: the API's rows are the plan document's rows.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from apispec import APISpec, BasePlugin
from flask import Flask
from werkzeug.routing import IntegerConverter, Rule

from core.interchange import _schema

TITLE = "socialplan API"
VERSION = "1"
UNDOCUMENTED = {"api.not_found"}
PARAMETER_DESCRIPTIONS = {
    "slug": "The municipality's short name, e.g. piatra-neamt",
    "year": "The plan's year",
    "kind": "The plan kind's code, e.g. action-plan",
    "section": "The section's key, e.g. existing-services",
    "index": "The row's place in the section, counting from 0",
    "report_kind": "The report kind's code",
}
ERROR_DESCRIPTIONS = {
    400: "The request or the row is not valid; 'field' names the offending field",
    401: "The bearer token is missing or not valid",
    403: "The user's role may not do this",
    404: "No such resource, or another municipality's",
    409: "The plan is approved and read-only, or the row no longer exists",
    412: "If-Match names an entity tag the resource no longer has: someone else changed it; read it again",
}


def operation(**operations: dict[str, Any]):
    """Attach OpenAPI operations (by lower-case HTTP method) to a view."""

    def decorate(view):
        view.openapi_operations = operations
        return view

    return decorate


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def json_response(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def json_body(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "description": description, "content": {"application/json": {"schema": schema}}}


def error_responses(*codes: int) -> dict[str, Any]:
    return {str(code): json_response(ERROR_DESCRIPTIONS[code], ref("Error")) for code in codes}


class FlaskRulePlugin(BasePlugin):
    """apispec path helper: a werkzeug Rule -> an OpenAPI path with typed path parameters."""

    def path_helper(self, path=None, operations=None, parameters=None, *, rule: Rule | None = None, **kwargs):
        if rule is None:
            return None
        names = re.findall(r"<(?:[^:<>]+:)?([^<>]+)>", rule.rule)
        for name in names:
            parameters.append({"name": name, "in": "path", "required": True,
                               "schema": parameter_schema(rule._converters.get(name)),
                               "description": PARAMETER_DESCRIPTIONS.get(name, name)})
        return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)


def parameter_schema(converter: Any) -> dict[str, Any]:
    """A path parameter's schema from its converter: an integer states the range the route accepts (a number
    outside it matches no route: 404); a string has no '/' and is at most a URL segment's length."""
    if isinstance(converter, IntegerConverter):
        low = converter.min if converter.min is not None else (None if converter.signed else 0)
        schema: dict[str, Any] = {"type": "integer"}
        if low is not None:
            schema["minimum"] = low
        if converter.max is not None:
            schema["maximum"] = converter.max
        return schema
    return {"type": "string", "minLength": 1, "pattern": "^[^/]+$"}


def _to_components(value: Any) -> Any:
    """JSON Schema '$defs' references -> OpenAPI component references."""
    if isinstance(value, dict):
        return {k: (v.replace("#/$defs/", "#/components/schemas/") if k == "$ref" and isinstance(v, str)
                    else _to_components(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_to_components(item) for item in value]
    return value


def _plan_schemas(spec: APISpec) -> None:
    schema = copy.deepcopy(_schema())
    for name, definition in schema.pop("$defs").items():
        spec.components.schema(name, _to_components(definition))
    document = {k: v for k, v in schema.items() if k not in ("$schema", "$id")}
    spec.components.schema("PlanDocument", _to_components(document))
    spec.components.schema("Row", {"description": "A row in the shape of its section's row type",
                                   "anyOf": [ref("service_row"), ref("campaign_row"), ref("training_row"),
                                             ref("objective_row"), {"type": "object"}]})


def _api_schemas(spec: APISpec) -> None:
    string, integer = {"type": "string"}, {"type": "integer"}
    nullable_string = {"type": ["string", "null"]}
    finding = {"type": "object", "properties": {
        "severity": {"enum": ["error", "warning", "info"]}, "message": string, "field": string, "rule": string,
        "blocks_import": {"type": "boolean"}}}
    schemas: dict[str, dict[str, Any]] = {
        "Error": {"type": "object", "required": ["error"],
                  "properties": {"error": string, "field": string}},
        "Refused": {"type": "object", "required": ["error", "path", "reason"],
                    "properties": {"error": string, "field": string, "path": string, "reason": string}},
        "User": {"type": "object", "properties": {"email": string, "role": {"enum": ["admin", "planner", "viewer"]},
                                                  "municipality": nullable_string}},
        "Municipality": {"type": "object", "properties": {
            "slug": string, "name": ref("translated"), "country": string, "default_locale": string,
            "currency": string, "plugins": {"type": "array", "items": string}}},
        "PlanSummary": {"type": "object", "properties": {
            "year": integer, "kind": string, "status": string, "revision": integer, "title": ref("translated"),
            "updated_at": {"type": "string", "format": "date-time"}, "url": string}},
        "SectionView": {"type": "object", "properties": {
            "key": string, "title": string, "row_type": string, "read_only": {"type": "boolean"},
            "revision": integer, "not_applicable": {"type": "boolean"}, "text": ref("translated"),
            "footnote": ref("translated"),
            "columns": {"type": "array", "items": {"type": "object", "properties": {
                "key": string, "label": string, "kind": string}}},
            "rows": {"type": "array", "items": ref("Row")}}},
        "Finding": finding,
        "Findings": {"type": "object", "properties": {
            "revision": integer, "counts": {"type": "object", "additionalProperties": integer},
            "findings": {"type": "array", "items": ref("Finding")}}},
        "RowAnswer": {"type": "object", "properties": {
            "index": integer, "row": ref("Row"), "revision": integer,
            "findings": {"type": "array", "items": ref("Finding")}}},
        "Deleted": {"type": "object", "properties": {"deleted": integer, "revision": integer}},
        "ReportKind": {"type": "object", "properties": {
            "code": string, "name": string, "languages": {"type": "array", "items": string}, "url": string}},
    }
    for name, schema in schemas.items():
        spec.components.schema(name, schema)


def api_rules(app: Flask) -> list[Rule]:
    """Every documented route of the API blueprint."""
    return sorted((rule for rule in app.url_map.iter_rules()
                   if rule.endpoint.startswith("api.") and rule.endpoint not in UNDOCUMENTED),
                  key=lambda rule: rule.rule)


def build_spec(app: Flask) -> dict[str, Any]:
    spec = APISpec(
        title=TITLE, version=VERSION, openapi_version="3.1.0", plugins=[FlaskRulePlugin()],
        info={"description": "Plans, sections and rows, findings and reports of socialplan. Every call but this "
                             "document needs 'Authorization: Bearer <token>'. Errors are JSON objects with "
                             "'error' (a message in the user's language) and 'field'."},
        servers=[{"url": "/"}],
        security=[{"bearerAuth": []}],
    )
    spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer",
                                                   "description": "A token issued to a user by an administrator"})
    _plan_schemas(spec)
    _api_schemas(spec)
    for rule in api_rules(app):
        view = app.view_functions[rule.endpoint]
        documented = getattr(view, "openapi_operations", None)
        if not documented:
            raise LookupError(f"API route {rule.rule} ({rule.endpoint}) has no OpenAPI operation")
        operations = {}
        for method, op in documented.items():
            if method.upper() in rule.methods:
                operations[method] = {"operationId": rule.endpoint.removeprefix("api."), **copy.deepcopy(op)}
        spec.path(rule=rule, operations=operations)
    return spec.to_dict()
