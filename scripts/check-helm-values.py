#!/usr/bin/env python3
"""Checks Helm values against a chart's values.schema (JSON Schema, in YAML or JSON).

Usage: check-helm-values.py SCHEMA [--defaults CHART_VALUES.yaml] VALUES.json
As helm does, the values are merged over the chart's default values before the schema is applied.
Prints one line per problem (JSON path and message) and a summary; exits 1 on any problem.
"""
import json
import sys

import jsonschema
import yaml


def merge(base, over):
    """Helm's coalescing: maps merge key by key, anything else replaces; null removes."""
    if not isinstance(base, dict) or not isinstance(over, dict):
        return over
    out = dict(base)
    for key, value in over.items():
        if value is None:
            out.pop(key, None)
        elif key in out:
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def main():
    args = sys.argv[1:]
    defaults = {}
    if "--defaults" in args:
        at = args.index("--defaults")
        defaults = yaml.safe_load(open(args[at + 1])) or {}
        del args[at:at + 2]
    schema = yaml.safe_load(open(args[0]))
    values = merge(defaults, json.load(open(args[1])))
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = sorted(validator.iter_errors(values), key=lambda e: list(e.absolute_path))
    for error in errors:
        path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path) or "."
        print(f"{path}: {error.message}")
    print(f"values checked, {len(errors)} problems")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
