#!/usr/bin/env python3
"""Checks EKS request bodies against the EKS API model (botocore's service-2.json).

Usage: check-eks-shapes.py MODEL.json REQUESTS.json
REQUESTS.json is a list of {"operation": "CreateNodegroup", "name": "...", "input": {...}}.
Every member is checked against its shape: required members, unknown members, types, string
lengths and enums, integer ranges, list and map members. Prints one line per problem and a
summary; exits 1 when there is any problem.
"""
import json
import sys


def check(model, shape_name, value, path, problems):
    shape = model["shapes"][shape_name]
    kind = shape["type"]
    if kind == "structure":
        if not isinstance(value, dict):
            problems.append(f"{path}: expected an object ({shape_name})")
            return
        for required in shape.get("required", []):
            if required not in value:
                problems.append(f"{path}.{required}: required member missing")
        for key, member in value.items():
            spec = shape["members"].get(key)
            if spec is None:
                problems.append(f"{path}.{key}: unknown member of {shape_name}")
                continue
            check(model, spec["shape"], member, f"{path}.{key}", problems)
    elif kind == "list":
        if not isinstance(value, list):
            problems.append(f"{path}: expected a list ({shape_name})")
            return
        for index, item in enumerate(value):
            check(model, shape["member"]["shape"], item, f"{path}[{index}]", problems)
    elif kind == "map":
        if not isinstance(value, dict):
            problems.append(f"{path}: expected a map ({shape_name})")
            return
        for key, item in value.items():
            check(model, shape["key"]["shape"], key, f"{path} key {key!r}", problems)
            check(model, shape["value"]["shape"], item, f"{path}[{key!r}]", problems)
    elif kind == "string":
        if not isinstance(value, str):
            problems.append(f"{path}: expected a string ({shape_name})")
            return
        if "enum" in shape and value not in shape["enum"]:
            problems.append(f"{path}: {value!r} is not one of {shape_name}'s values")
        if len(value) < shape.get("min", 0) or len(value) > shape.get("max", 1 << 30):
            problems.append(f"{path}: length {len(value)} outside [{shape.get('min', 0)}, {shape.get('max', '-')}]")
    elif kind in ("integer", "long"):
        if not isinstance(value, int) or isinstance(value, bool):
            problems.append(f"{path}: expected an integer ({shape_name})")
            return
        if value < shape.get("min", -(1 << 62)) or value > shape.get("max", 1 << 62):
            problems.append(f"{path}: {value} outside [{shape.get('min', '-')}, {shape.get('max', '-')}]")
    elif kind == "boolean":
        if not isinstance(value, bool):
            problems.append(f"{path}: expected a boolean")
    elif kind == "timestamp":
        if not isinstance(value, (int, float, str)):
            problems.append(f"{path}: expected a timestamp")
    else:
        problems.append(f"{path}: shape type {kind} is not checked here")


def main():
    model = json.load(open(sys.argv[1]))
    requests = json.load(open(sys.argv[2]))
    problems = []
    for request in requests:
        operation = model["operations"].get(request["operation"])
        if operation is None:
            problems.append(f"{request['name']}: unknown operation {request['operation']}")
            continue
        check(model, operation["input"]["shape"], request["input"], f"{request['name']} {request['operation']}", problems)
    for problem in problems:
        print(problem)
    print(f"{len(requests)} requests checked, {len(problems)} problems")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
