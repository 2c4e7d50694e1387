#!/usr/bin/env python3
"""Decides admission requests with a ValidatingAdmissionPolicy, as the API server does.

  check-admission-policy.py POLICY.yaml CASES.json

POLICY.yaml holds the policy (a YAML stream, such as `helm template` output: the first
ValidatingAdmissionPolicy in it is used). CASES.json is a list of requests, each
  {"name": ..., "request": {"operation", "userInfo": {"username"}, "namespace", "name",
   "resource": {"group", "resource"}}, "object": ..., "oldObject": ..., "namespaceObject": ...}
For each case one JSON line is printed: {"name", "decision", "message"}, where decision is
`unmatched` (no resource rule or match condition selects it), `allowed` or `denied` (with the
message of the first failing validation). The policy's expressions (matchConditions, variables,
validations and messageExpressions) are evaluated with cel-python and the Kubernetes CEL library of
check-k8s-schemas.py (heterogeneous equality, so `oldObject != null` is true for an object, as in
cel-go). Exit status 0, or 1 with an error on standard error when the input cannot be read or an
expression cannot be evaluated.
"""
import importlib.util
import json
import os
import sys

import celpy
import yaml


def kubernetes_cel_library():
    """The function library check-k8s-schemas.py gives CRD rules, shared rather than repeated."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "check-k8s-schemas.py")
    spec = importlib.util.spec_from_file_location("check_k8s_schemas", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.cel_library()


def load_policy(path):
    with open(path, encoding="utf-8") as handle:
        for document in yaml.safe_load_all(handle):
            if isinstance(document, dict) and document.get("kind") == "ValidatingAdmissionPolicy":
                return document
    raise SystemExit(f"error: {path} holds no ValidatingAdmissionPolicy")


def rule_matches(rule, request):
    resource = request["resource"]

    def listed(values, value):
        return "*" in values or value in values

    return (listed(rule.get("apiGroups", []), resource.get("group", ""))
            and listed(rule.get("resources", []), resource["resource"])
            and listed(rule.get("operations", []), request["operation"]))


class Evaluator:
    """Compiles each expression once and evaluates it over one request's activation."""

    def __init__(self):
        self.environment = celpy.Environment()
        self.library = kubernetes_cel_library()
        self.programs = {}

    def evaluate(self, expression, activation):
        program = self.programs.get(expression)
        if program is None:
            program = self.environment.program(self.environment.compile(expression), functions=self.library)
            self.programs[expression] = program
        result = program.evaluate(activation)
        if isinstance(result, celpy.CELEvalError):
            raise ValueError(f"{expression}: {result}")
        return result


def decide(policy, case, evaluator):
    spec = policy["spec"]
    request = case["request"]
    rules = spec.get("matchConstraints", {}).get("resourceRules", [])
    if not any(rule_matches(rule, request) for rule in rules):
        return "unmatched", ""
    activation = {
        "request": celpy.json_to_cel(request),
        "object": celpy.json_to_cel(case.get("object")),
        "oldObject": celpy.json_to_cel(case.get("oldObject")),
        "namespaceObject": celpy.json_to_cel(case.get("namespaceObject")),
    }
    for condition in spec.get("matchConditions", []):
        if not bool(evaluator.evaluate(condition["expression"], activation)):
            return "unmatched", ""
    variables = {}
    for variable in spec.get("variables", []):
        activation["variables"] = celpy.json_to_cel(variables)
        variables[variable["name"]] = evaluator.evaluate(variable["expression"], activation)
    activation["variables"] = celpy.celtypes.MapType({celpy.celtypes.StringType(k): v for k, v in variables.items()})
    for validation in spec.get("validations", []):
        if not bool(evaluator.evaluate(validation["expression"], activation)):
            if "messageExpression" in validation:
                message = str(evaluator.evaluate(validation["messageExpression"], activation))
            else:
                message = validation.get("message", f"failed expression: {validation['expression']}")
            return "denied", message
    return "allowed", ""


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    policy = load_policy(argv[1])
    with open(argv[2], encoding="utf-8") as handle:
        cases = json.load(handle)
    evaluator = Evaluator()
    for case in cases:
        try:
            decision, message = decide(policy, case, evaluator)
        except (ValueError, KeyError, TypeError) as error:
            print(f"error: case {case.get('name')}: {error}", file=sys.stderr)
            return 1
        print(json.dumps({"name": case.get("name"), "decision": decision, "message": message}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
