#!/usr/bin/env python3
"""Checks the verification API against its OpenAPI 3.1 document (docs/openapi.json), with
Debian's python3-jsonschema (Draft 2020-12, the dialect OpenAPI 3.1 schemas are written in).

    openapi_check.py document OPENAPI_JSON
        the document itself: OpenAPI 3.1, every $ref resolves, every schema is a valid
        Draft 2020-12 schema, every operation answers problems for 401.
    openapi_check.py answers OPENAPI_JSON ANSWERS_JSONL
        every answer the integration test received, one JSON object a line:
        {"path": "/verifications/{id}/check", "method": "post", "status": 200,
         "content_type": "application/json", "headers": {"retry-after": "60"}, "body": "..."};
        the status must be documented for the operation, the body must match the schema of its
        content type, and the headers the response lists must be present, but for those whose
        header object says "required": false (Idempotent-Replayed, only on a replay).

    openapi_check.py problems OPENAPI_JSON ANSWERS_JSONL
        answers to requests no operation of the document has (an unknown path under /api/v1, a
        method a path does not take): each must be application/problem+json matching the
        document's Problem schema, with the body's status the answer's.

Prints "ok" and exits 0, or prints each failure and exits 1.
"""
import json
import sys

import jsonschema
from jsonschema import Draft202012Validator


def resolve(doc, node):
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        if not ref.startswith("#/"):
            raise ValueError("external $ref: " + ref)
        target = doc
        for part in ref[2:].split("/"):
            target = target[part]
        node = target
    return node


def all_refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from all_refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from all_refs(value)


def check_document(doc):
    failures = []
    if not str(doc.get("openapi", "")).startswith("3.1."):
        failures.append("openapi: not 3.1.x")
    for key in ("info", "paths", "components"):
        if key not in doc:
            failures.append("missing " + key)
    for ref in set(all_refs(doc)):
        try:
            resolve(doc, {"$ref": ref})
        except (KeyError, ValueError) as error:
            failures.append("unresolved $ref %s (%s)" % (ref, error))
    for name, schema in doc.get("components", {}).get("schemas", {}).items():
        try:
            Draft202012Validator.check_schema(schema)
        except jsonschema.SchemaError as error:
            failures.append("schema %s: %s" % (name, error.message))
    for path, item in doc.get("paths", {}).items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            if "401" not in operation.get("responses", {}):
                failures.append("%s %s: no 401" % (method, path))
    return failures


def check_answer(doc, answer):
    where = "%s %s %s" % (answer["method"].upper(), answer["path"], answer["status"])
    operation = doc["paths"].get(answer["path"], {}).get(answer["method"])
    if operation is None:
        return [where + ": operation not in the document"]
    response = operation["responses"].get(str(answer["status"]))
    if response is None:
        return [where + ": status not documented"]
    response = resolve(doc, response)
    failures = []
    for header, spec in response.get("headers", {}).items():
        if resolve(doc, spec).get("required") is False:
            continue
        if header.lower() not in answer["headers"]:
            failures.append(where + ": header %s missing" % header)
    content_type = answer["content_type"].split(";")[0].strip()
    content = response.get("content", {})
    if not content:
        return failures
    if content_type not in content:
        return failures + [where + ": content type %s not documented" % content_type]
    schema = content[content_type]["schema"]
    try:
        body = json.loads(answer["body"])
    except ValueError:
        return failures + [where + ": body is not JSON"]
    resolver = jsonschema.RefResolver.from_schema(doc)
    validator = Draft202012Validator(schema, resolver=resolver,
                                     format_checker=jsonschema.FormatChecker())
    for error in validator.iter_errors(body):
        failures.append(where + ": " + error.message)
    return failures


def check_problem(doc, answer):
    where = "%s %s %s" % (answer["method"].upper(), answer["path"], answer["status"])
    failures = []
    if answer["content_type"].split(";")[0].strip() != "application/problem+json":
        failures.append(where + ": not application/problem+json")
    if answer["headers"].get("cache-control") != "no-store":
        failures.append(where + ": no Cache-Control: no-store")
    try:
        body = json.loads(answer["body"])
    except ValueError:
        return failures + [where + ": body is not JSON"]
    schema = {"$ref": "#/components/schemas/Problem"}
    resolver = jsonschema.RefResolver.from_schema(doc)
    for error in Draft202012Validator(schema, resolver=resolver).iter_errors(body):
        failures.append(where + ": " + error.message)
    if isinstance(body, dict) and body.get("status") != answer["status"]:
        failures.append(where + ": body status is not the answer's")
    return failures


def main(argv):
    with open(argv[2]) as f:
        doc = json.load(f)
    failures = check_document(doc)
    if argv[1] in ("answers", "problems"):
        with open(argv[3]) as f:
            lines = [line for line in f if line.strip()]
        if not lines:
            failures.append("no answers to check")
        check = check_answer if argv[1] == "answers" else check_problem
        for line in lines:
            failures.extend(check(doc, json.loads(line)))
    for failure in failures:
        print(failure)
    if failures:
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
