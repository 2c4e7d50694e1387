#!/usr/bin/env python3
"""Validates platform documents against Fairway's published JSON Schemas with the reference
`jsonschema` implementation, as an editor would. Used by the test suite.

Usage: check-schemas.py SCHEMA_DIR DOCUMENTS_JSON
DOCUMENTS_JSON is a list of {"path": ..., "kind": ..., "document": {...}}. Prints one line per
invalid document and exits 1 if any is invalid, 0 otherwise."""
import json
import os
import sys

import jsonschema

schema_dir, documents_file = sys.argv[1], sys.argv[2]
with open(documents_file) as f:
    documents = json.load(f)
failed = 0
for entry in documents:
    with open(os.path.join(schema_dir, entry["kind"].lower() + ".schema.json")) as f:
        schema = json.load(f)
    jsonschema.Draft7Validator.check_schema(schema)
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(entry["document"]), key=lambda e: list(e.path))
    for error in errors:
        failed += 1
        location = "/".join(str(p) for p in error.path)
        print(f"{entry['path']}: {location}: {error.message}")
print(f"{len(documents)} documents checked, {failed} problems")
sys.exit(1 if failed else 0)
