#!/usr/bin/env python3
"""Validates rendered Kubernetes objects against the real schemas: the upstream CustomResourceDefinitions
for custom resources (Kueue, Karpenter, KubeRay, ...) and the upstream Kubernetes OpenAPI schemas bundled
with the `kubernetes-validate` package for built-in kinds. Used by the test suite.

Usage: check-k8s-schemas.py --crds DIR [--crds DIR ...] --kubernetes-version 1.33 [--verbose] OBJECTS_JSON

OBJECTS_JSON is a file ("-" for standard input) holding a JSON list of Kubernetes objects.

Custom resources are checked against the openAPIV3Schema of the matching version of a
CustomResourceDefinition found (recursively, in any .yaml/.yml/.json file, several documents a file
allowed, other documents ignored) under the --crds directories. The schema is made strict: an object
schema that is not `x-kubernetes-preserve-unknown-fields` rejects fields it does not list (the API server
would silently prune them), `x-kubernetes-int-or-string` allows an integer or a string, `nullable` allows
null, and the CRD's defaults are applied first, as the API server does. `x-kubernetes-list-type` set/map
uniqueness is checked; `format` is not. `x-kubernetes-validations` (CEL) rules are evaluated, with
cel-python plus the Kubernetes CEL libraries (quantity, strings, lists, regex, URLs, IPs/CIDRs) and
cel-go's heterogeneous equality and cross-type numeric comparisons, as the API server does on create: on
the defaulted object, a rule only where its field is present, `self` shaped by the schema (only declared
properties, names escaped like `__namespace__` and `max__dash__size`; metadata has only name and
generateName); a false rule reports its messageExpression, else its message, else `failed rule: <rule>`,
at its path plus fieldPath, prefixed for a reason other than FieldValueInvalid (`Forbidden: `); an
evaluation error (a missing key, an unparsable quantity) reports `<error> evaluating rule: <message or
rule>`; and as in the API server, a type, enum, required or size violation stops the rules with one
problem ("some validation rules were not checked ..."). Transition rules (referencing oldSelf) only run
on update, so are skipped (--verbose notes each, and counts the rules evaluated per object); a rule this
checker cannot evaluate (a function it does not implement, syntax cel-python cannot parse) is a `note:`
line, never a silent pass. Cost budgets are not enforced. Built-in kinds are checked against
kubernetes-validate's strict schemas for the newest bundled Kubernetes version not above
--kubernetes-version (quantities must also parse). For every object, metadata is checked as the API
server does: the name's syntax (DNS-1123 subdomain; a DNS label for Namespace, a DNS-1035 label for
Service, a path segment for RBAC kinds), the namespace's, label keys and values, annotation keys and
size.

Output: one line per problem, `<kind>/<namespace>/<name>: <path>: <message>` (the namespace is empty for
objects without one; the path is kubectl-style, `.spec.resourceGroups[0].flavors[0]`, `.` for the object
itself), informational lines starting with `note: `, then a last line `N objects checked, M problems`.
Exit status: 0 without problems, 1 with problems, 2 when the check itself could not run (bad arguments,
unreadable input, a Kubernetes version older than any bundled one, cel-python not installed). A file under
--crds that mentions CustomResourceDefinition but is not valid YAML (a Helm template, say) is skipped with
a warning on stderr.
"""
import argparse
import base64
import copy
import importlib.resources
import json
import ipaddress
import os
import re
import sys
from fractions import Fraction

import jsonschema
import kubernetes_validate
import kubernetes_validate.utils as kv_utils
import yaml
from packaging.version import InvalidVersion, Version
from referencing import Registry, Resource

try:
    import celpy
    import celpy.evaluation
    from celpy import celtypes
except ImportError:  # reported by main() as a check that cannot run
    celpy = None

YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# The syntax rules of k8s.io/apimachinery/pkg/util/validation.
DNS1123_LABEL = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"
DNS1123_SUBDOMAIN = DNS1123_LABEL + r"(\." + DNS1123_LABEL + r")*"
DNS1035_LABEL = r"[a-z]([-a-z0-9]*[a-z0-9])?"
QUALIFIED_NAME = r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
LABEL_VALUE = r"(" + QUALIFIED_NAME + r")?"
QUANTITY = (r"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|"
            r"([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$")
TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024

OBJECT_META_FIELDS = {"name", "generateName", "namespace", "labels", "annotations", "finalizers",
                      "ownerReferences", "uid", "resourceVersion", "generation", "creationTimestamp",
                      "deletionTimestamp", "deletionGracePeriodSeconds", "managedFields", "selfLink"}
RBAC_KINDS = {"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"}


class Fatal(Exception):
    """The check itself cannot run."""


# ---------------------------------------------------------------------------------------------------
# Paths and messages


def format_path(parts):
    if not parts:
        return "."
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z_$][A-Za-z0-9_$-]*", part):
            out += "." + part
        else:
            out += "['" + part.replace("\\", "\\\\").replace("'", "\\'") + "']"
    return out if out.startswith(".") else "." + out


def path_sort_key(parts):
    return [(0, p, "") if isinstance(p, int) else (1, 0, p) for p in parts]


def json_type(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def show(value, limit=80):
    text = json.dumps(value, sort_keys=True, separators=(",", ":"))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe(error):
    """Turns a jsonschema error into (path parts, message) pairs, phrased like the API server."""
    path = list(error.absolute_path)
    validator, expected, instance = error.validator, error.validator_value, error.instance
    if validator == "additionalProperties" and expected is False and isinstance(instance, dict):
        known = set(error.schema.get("properties", {}))
        patterns = list(error.schema.get("patternProperties", {}))
        extras = [k for k in instance if k not in known and not any(re.search(p, k) for p in patterns)]
        return [(path + [k], f'unknown field "{k}"') for k in extras]
    if validator == "required" and isinstance(instance, dict):
        return [(path + [k], "required field is missing") for k in expected if k not in instance]
    if validator == "type":
        types = expected if isinstance(expected, list) else [expected]
        return [(path, f"expected {' or '.join(types)}, got {json_type(instance)} {show(instance)}")]
    if validator == "enum":
        return [(path, f"unsupported value {show(instance)}: must be one of "
                       + ", ".join(show(v) for v in expected))]
    if validator == "pattern":
        if expected == QUANTITY:
            return [(path, f"{show(instance)} is not a valid quantity")]
        return [(path, f"{show(instance)} does not match the pattern {expected}")]
    if validator in ("maxLength", "minLength"):
        return [(path, f"{show(instance)} is {len(instance)} characters long, "
                       f"must be {'at most' if validator == 'maxLength' else 'at least'} {expected}")]
    if validator in ("maxItems", "minItems"):
        return [(path, f"has {len(instance)} items, must have "
                       f"{'at most' if validator == 'maxItems' else 'at least'} {expected}")]
    if validator in ("maxProperties", "minProperties"):
        return [(path, f"has {len(instance)} entries, must have "
                       f"{'at most' if validator == 'maxProperties' else 'at least'} {expected}")]
    message = error.message
    if len(message) > 300:
        message = message[:299] + "…"
    return [(path, message)]


# ---------------------------------------------------------------------------------------------------
# CustomResourceDefinitions


def crd_documents(document):
    if not isinstance(document, dict):
        return
    if document.get("kind") == "CustomResourceDefinition" and str(document.get("apiVersion", "")).startswith(
            "apiextensions.k8s.io/"):
        yield document
    elif str(document.get("kind", "")).endswith("List") and isinstance(document.get("items"), list):
        for item in document["items"]:
            yield from crd_documents(item)


def load_crds(locations, notes, verbose):
    """Returns {(group, version, kind): {"schema", "served", "deprecated", "warning", "source"}}."""
    index = {}
    files = []
    crd_files = 0
    for location in locations:
        if os.path.isfile(location):
            files.append(location)
            continue
        if not os.path.isdir(location):
            raise Fatal(f"--crds {location}: no such directory")
        for root, subdirs, names in os.walk(location):
            subdirs.sort()
            files.extend(os.path.join(root, n) for n in sorted(names)
                         if n.endswith((".yaml", ".yml", ".json")))
    for path in files:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        if "CustomResourceDefinition" not in text:
            continue
        try:
            documents = list(yaml.load_all(text, Loader=YAML_LOADER))
        except yaml.YAMLError as error:  # e.g. a Helm template: not a CRD file
            print(f"check-k8s-schemas: {path}: skipped, not valid YAML: {error}".replace("\n", " "),
                  file=sys.stderr)
            continue
        crd_files += 1
        for document in documents:
            for crd in crd_documents(document):
                spec = crd.get("spec") or {}
                group, kind = spec.get("group"), (spec.get("names") or {}).get("kind")
                versions = spec.get("versions") or []
                if not versions and spec.get("version"):  # apiextensions.k8s.io/v1beta1
                    versions = [{"name": spec["version"], "served": True}]
                for version in versions:
                    schema = ((version.get("schema") or spec.get("validation") or {})
                              .get("openAPIV3Schema"))
                    key = (group, version.get("name"), kind)
                    entry = {"schema": schema, "served": version.get("served", True),
                             "deprecated": version.get("deprecated", False),
                             "warning": version.get("deprecationWarning"), "source": path}
                    if key in index:
                        if index[key]["schema"] != schema:
                            print(f"check-k8s-schemas: {path}: {group}/{version.get('name')} {kind} is also "
                                  f"defined, differently, in {index[key]['source']}; using that one",
                                  file=sys.stderr)
                        continue
                    index[key] = entry
    if verbose:
        notes.append(f"{len(index)} custom resource versions loaded from {crd_files} of the {len(files)} "
                     "files under --crds")
    return index


def to_json_schema(node, lenient=False, in_junctor=False):
    """Converts a CRD's structural OpenAPI v3 schema into a strict, correct JSON Schema (2020-12).

    lenient: do not reject unlisted fields at this node (the root's metadata, which the API server handles
    itself, and an embedded resource's metadata). in_junctor: inside allOf/anyOf/oneOf/not, where a
    structural schema only adds value validations and must not restrict which fields exist."""
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key == "properties":
            out[key] = {name: to_json_schema(sub, in_junctor=in_junctor) for name, sub in value.items()}
        elif key in ("additionalProperties", "additionalItems"):
            out[key] = to_json_schema(value, in_junctor=in_junctor) if isinstance(value, dict) else value
        elif key == "items":
            if isinstance(value, list):
                out["prefixItems"] = [to_json_schema(sub, in_junctor=in_junctor) for sub in value]
            else:
                out[key] = to_json_schema(value, in_junctor=in_junctor)
        elif key in ("allOf", "anyOf", "oneOf"):
            out[key] = [to_json_schema(sub, in_junctor=True) for sub in value]
        elif key == "not":
            out[key] = to_json_schema(value, in_junctor=True)
        elif key in ("type", "required", "enum", "pattern", "minimum", "maximum", "minLength", "maxLength",
                     "minItems", "maxItems", "uniqueItems", "multipleOf", "minProperties", "maxProperties"):
            out[key] = copy.deepcopy(value)
        # Everything else (description, default, format, example, x-kubernetes-*, nullable,
        # exclusiveMinimum/Maximum) is handled below or carries no validation.

    # OpenAPI 3.0's exclusiveMinimum/exclusiveMaximum are booleans qualifying minimum/maximum.
    for exclusive, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        flag = node.get(exclusive)
        if isinstance(flag, bool):
            if flag and bound in out:
                out[exclusive] = out.pop(bound)
        elif isinstance(flag, (int, float)):
            out[exclusive] = flag

    if node.get("x-kubernetes-int-or-string"):
        out["type"] = ["integer", "string"]
        branches = out.get("anyOf")
        if branches and all(set(b) <= {"type"} and b.get("type") in ("integer", "string") for b in branches):
            del out["anyOf"]

    if node.get("x-kubernetes-embedded-resource"):
        properties = out.setdefault("properties", {})
        properties.setdefault("apiVersion", {"type": "string"})
        properties.setdefault("kind", {"type": "string"})
        properties["metadata"] = to_json_schema(node.get("properties", {}).get("metadata", {"type": "object"}),
                                                lenient=True)

    is_object = node.get("type") == "object" or "properties" in node
    if (is_object and not lenient and not in_junctor and "additionalProperties" not in node
            and not node.get("x-kubernetes-preserve-unknown-fields")):
        out["additionalProperties"] = False

    if node.get("nullable"):
        if "enum" in out and None not in out["enum"]:
            out["enum"] = out["enum"] + [None]
        if any(k in out for k in ("allOf", "anyOf", "oneOf", "not")):
            out = {"anyOf": [{"type": "null"}, out]}
        elif "type" in out:
            types = out["type"] if isinstance(out["type"], list) else [out["type"]]
            if "null" not in types:
                out["type"] = types + ["null"]
    return out


def crd_root_schema(raw):
    converted = to_json_schema(raw)
    properties = converted.setdefault("properties", {})
    # The API server validates metadata itself; a CRD may only narrow name and generateName.
    properties["metadata"] = to_json_schema((raw.get("properties") or {}).get("metadata", {"type": "object"}),
                                            lenient=True)
    for name in ("apiVersion", "kind"):
        properties.setdefault(name, {"type": "string"})
    return converted


def walk_extensions(schema, value, path, problems, notes, verbose, describe_object):
    """Applies the schema's defaults to value in place (as the API server does before validating) and checks
    x-kubernetes-list-type uniqueness."""
    if not isinstance(schema, dict) or value is None:
        return
    if isinstance(value, dict):
        properties = schema.get("properties") or {}
        for name, sub in properties.items():
            if name not in value and isinstance(sub, dict) and "default" in sub:
                value[name] = copy.deepcopy(sub["default"])
        additional = schema.get("additionalProperties")
        for name, item in value.items():
            if name in properties:
                walk_extensions(properties[name], item, path + [name], problems, notes, verbose, describe_object)
            elif isinstance(additional, dict):
                walk_extensions(additional, item, path + [name], problems, notes, verbose, describe_object)
    elif isinstance(value, list):
        items = schema.get("items")
        for i, item in enumerate(value):
            walk_extensions(items, item, path + [i], problems, notes, verbose, describe_object)
        list_type = schema.get("x-kubernetes-list-type")
        if list_type == "set":
            seen = set()
            for i, item in enumerate(value):
                key = json.dumps(item, sort_keys=True)
                if key in seen:
                    problems.append((path + [i], f"Duplicate value: {show(item)}"))
                seen.add(key)
        elif list_type == "map":
            keys = schema.get("x-kubernetes-list-map-keys") or []
            seen = set()
            for i, item in enumerate(value):
                if not isinstance(item, dict):
                    continue
                identity = {k: item.get(k) for k in keys}
                key = json.dumps(identity, sort_keys=True)
                if key in seen:
                    problems.append((path + [i], f"Duplicate value: {show(identity)}"))
                seen.add(key)


# ---------------------------------------------------------------------------------------------------
# x-kubernetes-validations: CEL rules, evaluated with cel-python (celpy) plus the Kubernetes CEL
# libraries the rules may call (k8s.io/apiserver/pkg/cel/library and cel-go's strings extension).

# Names the API server escapes when it exposes an object's properties to CEL (k8s.io/apiserver/pkg/cel
# escaping.go): a reserved word becomes __word__; '__', '.', '-' and '/' become __underscores__,
# __dot__, __dash__ and __slash__; any other character makes the property inaccessible.
CEL_RESERVED = {"true", "false", "null", "in", "as", "break", "const", "continue", "else", "for", "function",
                "if", "import", "let", "loop", "package", "namespace", "return", "var", "void", "while"}
CEL_BLOCKING_VALIDATORS = {"type", "enum", "required", "maxLength", "maxItems", "maxProperties"}
CEL_NOT_CHECKED = ("some validation rules were not checked because the object was invalid; correct the "
                   "existing errors to complete validation")
CEL_REASON_PREFIX = {"FieldValueForbidden": "Forbidden: ", "FieldValueRequired": "Required value: ",
                     "FieldValueDuplicate": "Duplicate value: "}
# Macros and type names celpy handles itself; identifiers a rule may bind or read.
CEL_MACROS = {"has", "dyn", "all", "exists", "exists_one", "map", "filter"}
CELPY_METHODS = {"min"}  # celpy evaluates list.min() itself
CEL_TYPE_NAMES = {"int", "uint", "double", "bool", "string", "bytes", "list", "map", "null_type", "type",
                  "duration", "timestamp"}


def cel_escape(name):
    if not name or name[0].isdigit():
        return None
    if name in CEL_RESERVED:
        return f"__{name}__"
    out = []
    i = 0
    while i < len(name):
        if name.startswith("__", i):
            out.append("__underscores__")
            i += 2
            continue
        c = name[i]
        if c == ".":
            out.append("__dot__")
        elif c == "-":
            out.append("__dash__")
        elif c == "/":
            out.append("__slash__")
        elif c == "_" or ("a" <= c <= "z") or ("A" <= c <= "Z") or ("0" <= c <= "9"):
            out.append(c)
        else:
            return None
        i += 1
    return "".join(out)


def cel_error(message):
    return celpy.CELEvalError(message)


def cel_regex():
    try:
        import re2  # celpy's own matches() uses RE2, as Kubernetes does
        return re2
    except ImportError:  # pragma: no cover
        return re


class Quantity:
    """A Kubernetes resource.Quantity as a CEL value (k8s.io/apiserver/pkg/cel/library/quantity.go)."""
    SUFFIXES = {"": 1, "n": Fraction(1, 10**9), "u": Fraction(1, 10**6), "m": Fraction(1, 1000), "k": 10**3,
                "M": 10**6, "G": 10**9, "T": 10**12, "P": 10**15, "E": 10**18, "Ki": 2**10, "Mi": 2**20,
                "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}

    def __init__(self, value):
        self.value = Fraction(value)

    @classmethod
    def parse(cls, text):
        text = str(text)
        if not re.fullmatch(QUANTITY, text):  # resource.ErrFormatWrong's text
            raise ValueError("quantities must match the regular expression "
                             "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")
        match = re.fullmatch(r"([+-]?[0-9.]+)(.*)", text)
        number, suffix = match.group(1), match.group(2)
        if suffix in cls.SUFFIXES:
            return cls(Fraction(number) * cls.SUFFIXES[suffix])
        exponent = int(suffix[1:])
        return cls(Fraction(number) * Fraction(10) ** exponent)

    def __eq__(self, other):
        return isinstance(other, Quantity) and self.value == other.value

    def __ne__(self, other):
        return not self.__eq__(other)

    def __hash__(self):
        return hash(self.value)

    def __repr__(self):
        return f"quantity({float(self.value)})"


def q_args(*values):
    for v in values:
        if not isinstance(v, Quantity):
            raise TypeError("no such overload")


def k_quantity(text):
    if not isinstance(text, celtypes.StringType):
        raise TypeError("no such overload")
    try:
        return Quantity.parse(text)
    except (ValueError, ZeroDivisionError) as error:
        return cel_error(str(error))


def k_is_quantity(text):
    if not isinstance(text, celtypes.StringType):
        raise TypeError("no such overload")
    try:
        Quantity.parse(text)
        return celtypes.BoolType(True)
    except (ValueError, ZeroDivisionError):
        return celtypes.BoolType(False)


def q_fits_int64(q):
    return q.value.denominator == 1 and -(2**63) <= q.value.numerator < 2**63


def k_as_integer(q):
    q_args(q)
    if not q_fits_int64(q):
        return cel_error("cannot convert value to integer")
    return celtypes.IntType(q.value.numerator)


def k_q_add_sub(sign):
    def op(q, other):
        q_args(q)
        if isinstance(other, celtypes.IntType):
            return Quantity(q.value + sign * int(other))
        q_args(other)
        return Quantity(q.value + sign * other.value)
    return op


def k_compare(q, other):
    q_args(q, other)
    return celtypes.IntType((q.value > other.value) - (q.value < other.value))


def k_string_or_list(string_fn, list_fn):
    def fn(target, *args):
        if isinstance(target, celtypes.StringType):
            return string_fn(target, *args)
        if isinstance(target, celtypes.ListType) and list_fn is not None:
            return list_fn(target, *args)
        raise TypeError("no such overload")
    return fn


def str_index_of(s, sub, offset=celtypes.IntType(0)):
    if offset < 0 or offset > len(s):
        return cel_error(f"index out of range: {offset}")
    return celtypes.IntType(s.find(sub, int(offset)))


def str_last_index_of(s, sub, offset=None):
    if offset is None:
        return celtypes.IntType(s.rfind(sub))
    if offset < 0 or offset >= max(len(s), 1) and not (len(s) == 0 and offset == 0):
        return cel_error(f"index out of range: {offset}")
    return celtypes.IntType(s.rfind(sub, 0, int(offset) + len(sub)))


def list_index_of(items, value):
    for i, item in enumerate(items):
        if type(item) is type(value) and item == value:
            return celtypes.IntType(i)
    return celtypes.IntType(-1)


def list_last_index_of(items, value):
    for i in range(len(items) - 1, -1, -1):
        if type(items[i]) is type(value) and items[i] == value:
            return celtypes.IntType(i)
    return celtypes.IntType(-1)


def k_split(s, sep, n=None):
    if not isinstance(s, celtypes.StringType) or not isinstance(sep, celtypes.StringType):
        raise TypeError("no such overload")
    n = -1 if n is None else int(n)
    if n == 0:
        return celtypes.ListType([])
    if sep == "":
        parts = list(s)
        if n > 0 and len(parts) > n:
            parts = parts[: n - 1] + ["".join(parts[n - 1:])]
    else:
        parts = s.split(sep) if n < 0 else s.split(sep, n - 1)
    return celtypes.ListType([celtypes.StringType(p) for p in parts])


def k_substring(s, start, end=None):
    end = len(s) if end is None else end
    if start < 0 or start > len(s) or end < start or end > len(s):
        return cel_error(f"index out of range: {start if start < 0 or start > len(s) else end}")
    return celtypes.StringType(s[int(start):int(end)])


def k_char_at(s, i):
    if i < 0 or i > len(s):
        return cel_error(f"index out of range: {i}")
    return celtypes.StringType(s[int(i)] if i < len(s) else "")


def k_replace(s, old, new, n=None):
    return celtypes.StringType(s.replace(old, new, -1 if n is None else int(n)))


def k_ascii_case(upper):
    def fn(s):
        if not isinstance(s, celtypes.StringType):
            raise TypeError("no such overload")
        table = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ") if upper else \
            str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
        return celtypes.StringType(str(s).translate(table))
    return fn


def k_join(items, sep=celtypes.StringType("")):
    if not isinstance(items, celtypes.ListType) or not all(isinstance(i, celtypes.StringType) for i in items):
        raise TypeError("no such overload")
    return celtypes.StringType(str(sep).join(items))


def k_find(s, pattern):
    try:
        match = cel_regex().compile(str(pattern)).search(str(s))
    except Exception as error:
        return cel_error(f"invalid regex: {error}")
    return celtypes.StringType(match.group(0) if match else "")


def k_find_all(s, pattern, n=None):
    try:
        found = [m.group(0) for m in cel_regex().compile(str(pattern)).finditer(str(s))]
    except Exception as error:
        return cel_error(f"invalid regex: {error}")
    if n is not None and n >= 0:
        found = found[: int(n)]
    return celtypes.ListType([celtypes.StringType(f) for f in found])


def k_is_sorted(items):
    if not isinstance(items, celtypes.ListType):
        raise TypeError("no such overload")
    return celtypes.BoolType(all(items[i] <= items[i + 1] for i in range(len(items) - 1)))


def k_sum(items):
    if not isinstance(items, celtypes.ListType):
        raise TypeError("no such overload")
    if not items:
        return celtypes.IntType(0)
    total = items[0]
    for item in items[1:]:
        total = total + item
    return total


def k_max(items):
    if not isinstance(items, celtypes.ListType):
        raise TypeError("no such overload")
    if not items:
        return cel_error("max called on empty list")
    return max(items)


def k_format(s, args):
    """cel-go's strings.format: %s %d %f %e %b %o %x %X %%, with an optional .precision for %f and %e."""
    out, i, k = [], 0, 0
    text = str(s)
    while i < len(text):
        c = text[i]
        if c != "%":
            out.append(c)
            i += 1
            continue
        match = re.match(r"%(\.\d+)?([sdfeboxX%])", text[i:])
        if not match:
            return cel_error(f"could not parse formatting clause at position {i}")
        i += len(match.group(0))
        verb = match.group(2)
        if verb == "%":
            out.append("%")
            continue
        if k >= len(args):
            return cel_error(f"index {k} out of range")
        arg = args[k]
        k += 1
        if verb == "s":
            if isinstance(arg, celtypes.BoolType):
                out.append("true" if arg else "false")
            elif arg is None:
                out.append("null")
            elif isinstance(arg, celtypes.ListType):
                out.append("[" + ", ".join(str(x) for x in arg) + "]")
            else:
                out.append(str(arg))
        elif verb == "d":
            out.append(str(int(arg)))
        elif verb in "fe":
            precision = int(match.group(1)[1:]) if match.group(1) else 6
            out.append(f"{float(arg):.{precision}{verb}}")
        else:
            out.append(format(int(arg), {"b": "b", "o": "o", "x": "x", "X": "X"}[verb]))
    return celtypes.StringType("".join(out))


class URL:
    """k8s.io/apiserver/pkg/cel/library/urls.go, parsed like Go's url.ParseRequestURI."""

    def __init__(self, text):
        text = str(text)
        if not text or any(ord(c) < 0x20 or c in " \x7f" for c in text):
            raise ValueError(f"URL parse error during conversion from string: {text}")
        scheme_match = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", text)
        if scheme_match:
            self.scheme = scheme_match.group(1)
            rest = text[len(scheme_match.group(0)):]
        elif text.startswith("/"):
            self.scheme, rest = "", text
        else:
            raise ValueError(f"URL parse error during conversion from string: {text}")
        rest, _, self.query = rest.partition("?")
        self.host = ""
        if rest.startswith("//"):
            authority, slash, path = rest[2:].partition("/")
            self.host = authority.rpartition("@")[2]
            rest = slash + path
        elif self.scheme and not rest.startswith("/"):
            raise ValueError(f"URL parse error during conversion from string: {text}")
        self.path = rest

    def hostname(self):
        host = self.host
        if host.startswith("["):
            return host[1:host.find("]")] if "]" in host else host[1:]
        return host.rpartition(":")[0] if ":" in host else host

    def port(self):
        host = self.host
        if host.startswith("["):
            tail = host[host.find("]") + 1:] if "]" in host else ""
            return tail[1:] if tail.startswith(":") else ""
        return host.rpartition(":")[2] if ":" in host else ""


def k_url(text):
    try:
        return URL(text)
    except ValueError as error:
        return cel_error(str(error))


def k_is_url(text):
    try:
        URL(text)
        return celtypes.BoolType(True)
    except ValueError:
        return celtypes.BoolType(False)


def url_method(fn):
    def method(u):
        if not isinstance(u, URL):
            raise TypeError("no such overload")
        return fn(u)
    return method


def url_query(u):
    from urllib.parse import parse_qs
    parsed = parse_qs(u.query, keep_blank_values=True)
    return celtypes.MapType({celtypes.StringType(k): celtypes.ListType([celtypes.StringType(v) for v in vs])
                             for k, vs in parsed.items()})


def k_ip(text):
    try:
        if "%" in str(text):
            raise ValueError("IP address with zone value is not allowed")
        address = ipaddress.ip_address(str(text))
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            raise ValueError("IPv4-mapped IPv6 address is not allowed")
        return address
    except ValueError as error:
        return cel_error(f"IP Address {str(text)!r} parse error during conversion from string: {error}")


def k_is_ip(text):
    return celtypes.BoolType(not isinstance(k_ip(text), celpy.CELEvalError))


def k_cidr(text):
    try:
        return ipaddress.ip_interface(str(text)) if "/" in str(text) else cel_error(
            f"network address {str(text)!r} parse error: no '/'")
    except ValueError as error:
        return cel_error(f"network address {str(text)!r} parse error during conversion from string: {error}")


def k_is_cidr(text):
    return celtypes.BoolType(not isinstance(k_cidr(text), celpy.CELEvalError))


def ip_method(fn):
    def method(target, *args):
        if not isinstance(target, (ipaddress.IPv4Address, ipaddress.IPv6Address, ipaddress.IPv4Interface,
                                   ipaddress.IPv6Interface)):
            raise TypeError("no such overload")
        return fn(target, *args)
    return method


def cidr_contains_ip(cidr, other):
    address = other if not isinstance(other, celtypes.StringType) else k_ip(other)
    if isinstance(address, celpy.CELEvalError):
        return address
    return celtypes.BoolType(address.version == cidr.version and address in cidr.network)


def cidr_contains_cidr(cidr, other):
    sub = other if not isinstance(other, celtypes.StringType) else k_cidr(other)
    if isinstance(sub, celpy.CELEvalError):
        return sub
    return celtypes.BoolType(sub.version == cidr.version and sub.network.subnet_of(cidr.network))


def k_family(target):
    return celtypes.IntType(target.version)


def k_string_conversion(value):
    if isinstance(value, (ipaddress.IPv4Address, ipaddress.IPv6Address)):
        return celtypes.StringType(str(value))
    if isinstance(value, (ipaddress.IPv4Interface, ipaddress.IPv6Interface)):
        return celtypes.StringType(str(value))
    if isinstance(value, BaseException):
        raise TypeError("no such overload")
    return celtypes.StringType(value)


def cel_family(value):
    if isinstance(value, celtypes.BoolType):
        return "bool"
    if isinstance(value, (celtypes.IntType, celtypes.UintType, celtypes.DoubleType)):
        return "number"
    if isinstance(value, str):  # celpy's concatenation yields a plain str
        return "string"
    for family, types in (("bytes", celtypes.BytesType), ("list", celtypes.ListType), ("map", celtypes.MapType),
                          ("timestamp", celtypes.TimestampType), ("duration", celtypes.DurationType)):
        if isinstance(value, types):
            return family
    return "null" if value is None else type(value).__name__


def cel_equal(a, b):
    """CEL's heterogeneous equality (cel-go, as Kubernetes uses it): values of different types are unequal
    rather than an error; numbers compare by value across int, uint and double."""
    for value in (a, b):
        if isinstance(value, celpy.CELEvalError):
            return value
    if cel_family(a) != cel_family(b):
        return False
    if isinstance(a, celtypes.ListType):
        return len(a) == len(b) and all(cel_equal(x, y) is True for x, y in zip(a, b))
    if isinstance(a, celtypes.MapType):
        if len(a) != len(b):
            return False
        for key, value in a.items():
            match = [k for k in b if cel_equal(k, key) is True]
            if not match or cel_equal(value, b[match[0]]) is not True:
                return False
        return True
    if cel_family(a) == "number":
        return (float(a) if isinstance(a, celtypes.DoubleType) else int(a)) == \
            (float(b) if isinstance(b, celtypes.DoubleType) else int(b))
    try:
        return bool(a == b)
    except TypeError:
        return False


def k_equal(a, b):
    result = cel_equal(a, b)
    return result if isinstance(result, celpy.CELEvalError) else celtypes.BoolType(result)


def k_not_equal(a, b):
    result = cel_equal(a, b)
    return result if isinstance(result, celpy.CELEvalError) else celtypes.BoolType(not result)


def k_in(value, container):
    """`in` with heterogeneous equality: `'3' in [3]` is false, not an error."""
    for v in (value, container):
        if isinstance(v, celpy.CELEvalError):
            return v
    if isinstance(container, (celtypes.ListType, celtypes.MapType)):
        return celtypes.BoolType(any(cel_equal(value, item) is True for item in container))
    raise TypeError("no such overload")


def k_order(compare):
    """<, <=, >, >= with cross-type numeric comparisons (cel.CrossTypeNumericComparisons, which Kubernetes
    enables); other types as celpy compares them."""
    def op(a, b):
        for v in (a, b):
            if isinstance(v, celpy.CELEvalError):
                return v
        if cel_family(a) == "number" and cel_family(b) == "number":
            left = float(a) if isinstance(a, celtypes.DoubleType) else int(a)
            right = float(b) if isinstance(b, celtypes.DoubleType) else int(b)
            return celtypes.BoolType(compare(left, right))
        if cel_family(a) != cel_family(b) or cel_family(a) in ("list", "map", "null"):
            raise TypeError("no such overload")
        return celtypes.BoolType(compare(a, b))
    return op


def k_int(value):
    """int(), with a string parsed as Go's strconv.ParseInt(s, 10, 64) (celpy would accept ' 1_0 ')."""
    if isinstance(value, str):
        text = str(value)
        if not re.fullmatch(r"[+-]?[0-9]+", text):
            return cel_error(f'strconv.ParseInt: parsing "{text}": invalid syntax')
        number = int(text)
        if not -(2**63) <= number < 2**63:
            return cel_error(f'strconv.ParseInt: parsing "{text}": value out of range')
        return celtypes.IntType(number)
    if isinstance(value, celtypes.DoubleType):
        if value != value or not -(2.0**63) <= float(value) < 2.0**63:
            return cel_error(f"range error converting {float(value)} to int")
        return celtypes.IntType(int(float(value)))
    return celtypes.IntType(value)


def cel_library():
    """The Kubernetes CEL library functions (besides celpy's standard ones), by name; celpy passes a
    method's receiver as the first argument."""
    base_index_of = k_string_or_list(str_index_of, list_index_of)
    base_last_index_of = k_string_or_list(str_last_index_of, list_last_index_of)
    library = {
        # cel-go ext.Strings
        "charAt": k_char_at, "indexOf": base_index_of, "lastIndexOf": base_last_index_of,
        "lowerAscii": k_ascii_case(False), "upperAscii": k_ascii_case(True), "replace": k_replace,
        "split": k_split, "substring": k_substring,
        "trim": lambda s: celtypes.StringType(str(s).strip(" \t\n\v\f\r\x85\xa0")),
        "join": k_join, "reverse": lambda s: celtypes.StringType(str(s)[::-1]), "format": k_format,
        # Kubernetes regex and lists libraries
        "find": k_find, "findAll": k_find_all, "isSorted": k_is_sorted, "sum": k_sum, "max": k_max,
        # Kubernetes quantity library
        "quantity": k_quantity, "isQuantity": k_is_quantity,
        "sign": lambda q: (q_args(q), celtypes.IntType((q.value > 0) - (q.value < 0)))[1],
        "isInteger": lambda q: (q_args(q), celtypes.BoolType(q_fits_int64(q)))[1],
        "asInteger": k_as_integer,
        "asApproximateFloat": lambda q: (q_args(q), celtypes.DoubleType(float(q.value)))[1],
        "add": k_q_add_sub(1), "sub": k_q_add_sub(-1), "compareTo": k_compare,
        "isGreaterThan": lambda q, o: celtypes.BoolType(k_compare(q, o) > 0),
        "isLessThan": lambda q, o: celtypes.BoolType(k_compare(q, o) < 0),
        # Kubernetes URL library
        "url": k_url, "isURL": k_is_url,
        "getScheme": url_method(lambda u: celtypes.StringType(u.scheme)),
        "getHost": url_method(lambda u: celtypes.StringType(u.host)),
        "getHostname": url_method(lambda u: celtypes.StringType(u.hostname())),
        "getPort": url_method(lambda u: celtypes.StringType(u.port())),
        "getEscapedPath": url_method(lambda u: celtypes.StringType(u.path)),
        "getQuery": url_method(url_query),
        # Kubernetes IP and CIDR libraries
        "isIP": k_is_ip, "cidr": k_cidr, "isCIDR": k_is_cidr, "family": ip_method(k_family),
        "isUnspecified": ip_method(lambda a: celtypes.BoolType(a.is_unspecified)),
        "isLoopback": ip_method(lambda a: celtypes.BoolType(a.is_loopback)),
        "isLinkLocalMulticast": ip_method(lambda a: celtypes.BoolType(a.is_multicast and a.is_link_local)),
        "isLinkLocalUnicast": ip_method(lambda a: celtypes.BoolType(a.is_link_local and not a.is_multicast)),
        "isGlobalUnicast": ip_method(lambda a: celtypes.BoolType(
            not (a.is_unspecified or a.is_loopback or a.is_multicast or a.is_link_local
                 or a == ipaddress.ip_address("255.255.255.255")))),
        "containsIP": ip_method(cidr_contains_ip), "containsCIDR": ip_method(cidr_contains_cidr),
        "prefixLength": ip_method(lambda c: celtypes.IntType(c.network.prefixlen)),
        "masked": ip_method(lambda c: ipaddress.ip_interface(str(c.network))),
        "string": k_string_conversion,
        "_==_": k_equal, "_!=_": k_not_equal, "_in_": k_in, "int": k_int,
        "_<_": k_order(lambda a, b: a < b), "_<=_": k_order(lambda a, b: a <= b),
        "_>_": k_order(lambda a, b: a > b), "_>=_": k_order(lambda a, b: a >= b),
    }

    def ip_constructor_or_cidr_ip(value):
        if isinstance(value, celtypes.StringType):
            return k_ip(value)
        if isinstance(value, (ipaddress.IPv4Interface, ipaddress.IPv6Interface)):
            return value.ip
        raise TypeError("no such overload")
    library["ip"] = ip_constructor_or_cidr_ip
    return library


class CelRule:
    """One x-kubernetes-validations entry, compiled once."""

    def __init__(self, rule, environment, library):
        self.text = str(rule.get("rule", ""))
        self.message = str(rule.get("message") or "")
        self.message_expression = rule.get("messageExpression")
        self.reason = rule.get("reason")
        self.field_path = rule.get("fieldPath")
        self.optional_old_self = rule.get("optionalOldSelf")
        self.program = None
        self.message_program = None
        self.skip = None        # why the rule is not evaluated on create (expected: transition rules)
        self.unsupported = None  # why this checker cannot evaluate it
        try:
            tree = environment.compile(self.text)
        except Exception as error:
            self.unsupported = f"cel-python cannot parse it ({' '.join(str(error).split())[:160]})"
            return
        idents, functions = cel_references(tree)
        if "oldSelf" in idents:
            self.skip = ("a transition rule (it references oldSelf), which the API server evaluates only on "
                         "update" + (" (optionalOldSelf is set; not supported here)" if self.optional_old_self
                                     else ""))
            return
        unknown_functions = sorted(f for f in functions if f not in CEL_MACROS and f not in CELPY_METHODS
                                   and f not in library
                                   and f not in celpy.evaluation.base_functions)
        unknown_idents = sorted(i for i in idents if i != "self" and i not in CEL_TYPE_NAMES)
        if unknown_functions or unknown_idents:
            self.unsupported = ("it uses " + ", ".join([f"{f}()" for f in unknown_functions] + unknown_idents)
                                + ", which this checker does not implement")
            return
        self.program = environment.program(tree, functions=library)
        if isinstance(self.message_expression, str) and self.message_expression.strip():
            try:
                message_tree = environment.compile(self.message_expression)
                m_idents, m_functions = cel_references(message_tree)
                if not (m_idents - {"self"} - CEL_TYPE_NAMES) and all(
                        f in CEL_MACROS or f in CELPY_METHODS or f in library
                        or f in celpy.evaluation.base_functions
                        for f in m_functions):
                    self.message_program = environment.program(message_tree, functions=library)
            except Exception:
                self.message_program = None

    def one_line(self, text):
        return " ".join(text.split())

    def error_string(self):
        """ruleErrorString in apiextensions-apiserver: the message, else the rule."""
        return self.one_line(self.message.strip() or self.text.strip())

    def default_message(self):
        return self.one_line(self.message) if self.message.strip() else f"failed rule: {self.error_string()}"


def cel_references(tree):
    """The free identifiers (minus macro-bound variables) and the function and method names of a parsed
    CEL expression."""
    import lark
    idents, bound, functions = set(), set(), set()
    for node in tree.iter_subtrees():
        if node.data == "ident" and node.children:
            idents.add(str(node.children[0]))
        elif node.data == "ident_arg" and node.children:
            functions.add(str(node.children[0]))
        elif node.data == "member_dot_arg" and len(node.children) >= 2:
            name = str(node.children[1])
            functions.add(name)
            if name in CEL_MACROS and len(node.children) == 3 and isinstance(node.children[2], lark.Tree):
                first = node.children[2].children[0] if node.children[2].children else None
                if isinstance(first, lark.Tree):
                    variables = [n for n in first.iter_subtrees() if n.data == "ident"]
                    if len(variables) == 1:
                        bound.add(str(variables[0].children[0]))
        elif node.data == "dot_ident" and node.children:
            idents.add(str(node.children[0]))
    return idents - bound, functions


def field_path_parts(text):
    """A rule's fieldPath (`.spec.x`, `.spec['a.b']`, `.list[0]`) as path parts; None if it does not parse."""
    parts = []
    position = 0
    token = re.compile(r"\.([A-Za-z_$][A-Za-z0-9_$-]*)|\['((?:[^'\\]|\\.)*)'\]|\[(\d+)\]")
    while position < len(text):
        match = token.match(text, position)
        if not match:
            return None
        if match.group(1) is not None:
            parts.append(match.group(1))
        elif match.group(2) is not None:
            parts.append(re.sub(r"\\(.)", r"\1", match.group(2)))
        else:
            parts.append(int(match.group(3)))
        position = match.end()
    return parts


def to_cel(schema, value, root=False):
    """The CEL value the API server gives a rule's `self`, shaped by the structural schema: objects with
    properties expose only those (names escaped), maps keep their keys, integer fields are ints and number
    fields doubles, int-or-string and preserve-unknown-fields values are dynamic, and an object's or an
    embedded resource's metadata has only name and generateName."""
    if value is None:
        return None
    if not isinstance(schema, dict):
        schema = {}
    kind = schema.get("type")
    if schema.get("x-kubernetes-int-or-string") or (not kind and schema.get("x-kubernetes-preserve-unknown-fields")):
        return celpy.json_to_cel(value)
    if isinstance(value, bool):
        return celtypes.BoolType(value)
    if kind == "integer" and isinstance(value, int):
        return celtypes.IntType(value)
    if kind == "number" and isinstance(value, (int, float)):
        return celtypes.DoubleType(float(value))
    if isinstance(value, str):
        fmt = schema.get("format")
        try:
            if fmt == "byte":
                return celtypes.BytesType(base64.b64decode(value, validate=True))
            if fmt == "duration":
                return celtypes.DurationType(value)
            if fmt in ("date-time", "date"):
                return celtypes.TimestampType(value if fmt == "date-time" else value + "T00:00:00Z")
        except Exception:
            pass
        return celtypes.StringType(value)
    if isinstance(value, list):
        items = schema.get("items") if isinstance(schema.get("items"), dict) else {}
        return celtypes.ListType([to_cel(items, item) for item in value])
    if isinstance(value, dict):
        properties = schema.get("properties") or {}
        additional = schema.get("additionalProperties")
        out = {}
        if root or schema.get("x-kubernetes-embedded-resource"):
            for name in ("apiVersion", "kind"):
                if isinstance(value.get(name), str):
                    out[celtypes.StringType(name)] = celtypes.StringType(value[name])
            metadata = value.get("metadata")
            if isinstance(metadata, dict):
                out[celtypes.StringType("metadata")] = celtypes.MapType({
                    celtypes.StringType(k): celtypes.StringType(metadata[k])
                    for k in ("name", "generateName") if isinstance(metadata.get(k), str)})
        if properties:
            for name, item in value.items():
                if name in out or (name == "metadata" and (root or schema.get("x-kubernetes-embedded-resource"))):
                    continue
                escaped = cel_escape(name)
                if escaped is None:
                    continue
                if name in properties:
                    out[celtypes.StringType(escaped)] = to_cel(properties[name], item)
                elif schema.get("x-kubernetes-preserve-unknown-fields"):
                    out[celtypes.StringType(escaped)] = celpy.json_to_cel(item)
        elif isinstance(additional, dict):
            for name, item in value.items():
                out[celtypes.StringType(name)] = to_cel(additional, item)
        elif not out:
            return celpy.json_to_cel(value)
        return celtypes.MapType(out)
    return celpy.json_to_cel(value)


def cel_error_text(error):
    """A celpy evaluation error in a line, phrased near cel-go's where the cause is plain."""
    args = getattr(error, "args", ())
    text = str(args[0]) if args else str(error)
    cause = args[2] if len(args) > 2 else None
    if text == "return error for overflow" and cause:
        text = " ".join(str(c) for c in cause)
    if text.startswith("no such member in mapping: "):
        text = "no such key: " + text[len("no such member in mapping: "):].strip("'")
    return " ".join(text.split())[:300]


class CelValidator:
    def __init__(self):
        self.environment = celpy.Environment()
        self.library = cel_library()
        self.rules = {}
        self.reported = set()

    def compiled(self, rule):
        key = json.dumps(rule, sort_keys=True, default=str)
        if key not in self.rules:
            self.rules[key] = CelRule(rule, self.environment, self.library)
        return self.rules[key]

    def validate(self, schema, value, path, problems, notes, verbose, label, counts, root=False):
        """Evaluates the rules on every schema node whose value is present (after defaulting)."""
        if not isinstance(schema, dict) or value is None:
            return
        rules = schema.get("x-kubernetes-validations") or []
        if rules:
            self_value = None
            for raw in rules:
                if not isinstance(raw, dict):
                    continue
                rule = self.compiled(raw)
                where = f"{label}: {format_path(path)}"
                if rule.skip:
                    counts["skipped"] += 1
                    if verbose:
                        notes.append(f"{where}: CEL rule skipped, {rule.skip}: {rule.one_line(rule.text)}")
                    continue
                if rule.unsupported:
                    counts["unsupported"] += 1
                    notes.append(f"{where}: CEL rule not checked, {rule.unsupported}: {rule.one_line(rule.text)}")
                    continue
                if self_value is None:
                    self_value = to_cel(schema, value, root=root)
                self.evaluate(rule, self_value, path, problems, notes, where, counts)
        if isinstance(value, dict):
            properties = schema.get("properties") or {}
            additional = schema.get("additionalProperties")
            for name, item in value.items():
                if root and name == "metadata":
                    continue
                if name in properties:
                    self.validate(properties[name], item, path + [name], problems, notes, verbose, label, counts)
                elif isinstance(additional, dict) and not properties:
                    self.validate(additional, item, path + [name], problems, notes, verbose, label, counts)
        elif isinstance(value, list) and isinstance(schema.get("items"), dict):
            for i, item in enumerate(value):
                self.validate(schema["items"], item, path + [i], problems, notes, verbose, label, counts)

    def evaluate(self, rule, self_value, path, problems, notes, where, counts):
        counts["evaluated"] += 1
        try:
            result = rule.program.evaluate({"self": self_value})
        except celpy.CELEvalError as error:
            result = error
        except Exception as error:  # a limitation of cel-python, not the object's fault
            counts["unsupported"] += 1
            notes.append(f"{where}: CEL rule could not be evaluated by cel-python "
                         f"({type(error).__name__}: {' '.join(str(error).split())[:200]}): "
                         f"{rule.one_line(rule.text)}")
            return
        if isinstance(result, celpy.CELEvalError):
            text = cel_error_text(result)
            if text.startswith("no such overload") or "no such overload" in text:
                message = (f"'{text}': call arguments did not match a supported operator, function or macro "
                           f"signature for rule: {rule.error_string()}")
            else:
                message = f"{text} evaluating rule: {rule.error_string()}"
            problems.append((path, message))
            return
        if not isinstance(result, celtypes.BoolType):
            problems.append((path, f"rule evaluated to {type(result).__name__}, not a bool: {rule.error_string()}"))
            return
        if result:
            return
        message = rule.default_message()
        if rule.message_program is not None:
            try:
                evaluated = rule.message_program.evaluate({"self": self_value})
                if (isinstance(evaluated, str) and evaluated.strip()
                        and "\n" not in evaluated and len(evaluated) <= 5000):
                    message = str(evaluated).strip()
            except Exception:
                pass
        target = path
        if isinstance(rule.field_path, str) and rule.field_path:
            parts = field_path_parts(rule.field_path)
            if parts is not None:
                target = path + parts
        problems.append((target, CEL_REASON_PREFIX.get(rule.reason, "") + message))


def schema_has_rules(schema):
    if isinstance(schema, dict):
        if schema.get("x-kubernetes-validations"):
            return True
        return any(schema_has_rules(v) for v in schema.values() if isinstance(v, (dict, list)))
    if isinstance(schema, list):
        return any(schema_has_rules(v) for v in schema)
    return False


# ---------------------------------------------------------------------------------------------------
# Built-in kinds: kubernetes-validate's bundled upstream schemas


def major_minor(text):
    match = re.fullmatch(r"v?(\d+)\.(\d+)(\.\d+)?([-+].*)?", text.strip())
    if not match:
        raise Fatal(f"--kubernetes-version {text}: expected MAJOR.MINOR, such as 1.33")
    return Version(f"{match.group(1)}.{match.group(2)}")


class BuiltinSchemas:
    def __init__(self, requested):
        self.requested = major_minor(requested)
        schemas = importlib.resources.files("kubernetes_validate") / "kubernetes-json-schema"
        try:
            # all_versions() lists each version twice (the plain and the strict schemas).
            bundled = sorted(set(kv_utils.all_versions()), key=Version)
        except Exception as error:  # a broken installation
            raise Fatal(f"kubernetes-validate lists no bundled schemas: {error}")
        usable = []
        for version in bundled:
            try:
                if major_minor(version) <= self.requested and (schemas / f"v{version}-local-strict").is_dir():
                    usable.append(version)
            except (Fatal, InvalidVersion):
                continue
        if not usable:
            raise Fatal(f"kubernetes-validate {kubernetes_validate.__version__} bundles no schemas for "
                        f"Kubernetes {self.requested} or older (it has {', '.join(bundled)})")
        self.version = usable[-1]
        self.used = major_minor(self.version)
        self.bundled = bundled
        self.root = schemas / f"v{self.version}-local-strict"
        self.registry = None
        self.validators = {}

    def _definitions_registry(self):
        if self.registry is None:
            definitions = json.loads((self.root / "_definitions.json").read_text(encoding="utf-8"))
            quantity = "io.k8s.apimachinery.pkg.api.resource.Quantity"
            if quantity in definitions.get("$defs", {}):
                # The bundled schema accepts any string; the API server parses it.
                definitions["$defs"][quantity] = {"type": ["string", "number", "null"], "pattern": QUANTITY}
            self.registry = Resource.from_contents(definitions) @ Registry()
        return self.registry

    def validator(self, api_version, kind):
        key = (api_version, kind)
        if key not in self.validators:
            self.validators[key] = self._load(api_version, kind)
        return self.validators[key]

    def _load(self, api_version, kind):
        group, _, version = api_version.rpartition("/")
        # kubernetes-validate's file naming: rbac.authorization.k8s.io/v1 -> rbac-v1, v1 -> v1.
        file_version = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
        schema_file = self.root / f"{kind.lower()}-{file_version}.json"
        if not schema_file.is_file():
            return None
        schema = json.loads(schema_file.read_text(encoding="utf-8"))
        gvks = schema.get("x-kubernetes-group-version-kind") or []
        if not any(g.get("group") == group and g.get("version") == version and g.get("kind") == kind
                   for g in gvks):
            return None
        registry = Resource.from_contents(schema) @ self._definitions_registry()
        return jsonschema.Draft202012Validator(schema, registry=registry)


# ---------------------------------------------------------------------------------------------------
# Metadata


def qualified_name_problems(key):
    """IsQualifiedName: an optional DNS subdomain prefix and '/', then a name of at most 63 characters."""
    parts = key.split("/")
    if len(parts) > 2:
        return ["must be a name of alphanumeric characters, '-', '_' or '.' with an optional DNS subdomain "
                "prefix and '/' (e.g. 'example.com/MyName')"]
    problems = []
    if len(parts) == 2:
        prefix = parts[0]
        if not prefix:
            problems.append("prefix part must be non-empty")
        elif len(prefix) > 253 or not re.fullmatch(DNS1123_SUBDOMAIN, prefix):
            problems.append("prefix part must be a lowercase RFC 1123 subdomain of at most 253 characters")
    name = parts[-1]
    if not name:
        problems.append("name part must be non-empty")
    elif len(name) > 63:
        problems.append("name part must be no more than 63 characters")
    elif not re.fullmatch(QUALIFIED_NAME, name):
        problems.append("name part must consist of alphanumeric characters, '-', '_' or '.', and must start "
                        "and end with an alphanumeric character")
    return problems


def name_problems(kind, group, name):
    if kind == "Namespace" and group == "":
        if len(name) > 63 or not re.fullmatch(DNS1123_LABEL, name):
            return ["must be a lowercase RFC 1123 label of at most 63 characters (lowercase alphanumerics "
                    "and '-', starting and ending with an alphanumeric)"]
    elif kind == "Service" and group == "":
        if len(name) > 63 or not re.fullmatch(DNS1035_LABEL, name):
            return ["must be an RFC 1035 label of at most 63 characters (lowercase alphanumerics and '-', "
                    "starting with a letter and ending with an alphanumeric)"]
    elif kind in RBAC_KINDS and group == "rbac.authorization.k8s.io":
        if name in (".", "..") or "/" in name or "%" in name:
            return ["may not be '.' or '..' and may not contain '/' or '%'"]
    elif len(name) > 253 or not re.fullmatch(DNS1123_SUBDOMAIN, name):
        return ["must be a lowercase RFC 1123 subdomain of at most 253 characters (lowercase alphanumerics, "
                "'-' and '.', starting and ending with an alphanumeric)"]
    return []


def metadata_problems(obj, group, custom):
    """The API server's own ObjectMeta checks. Structural problems (wrong types, unknown fields) are only
    reported for custom resources: for built-in kinds the upstream schema reports them."""
    problems = []
    metadata = obj.get("metadata")
    if metadata is None:
        return [(["metadata"], "required field is missing")]
    if not isinstance(metadata, dict):
        return [(["metadata"], f"expected object, got {json_type(metadata)} {show(metadata)}")] if custom else []
    kind = obj.get("kind")
    if custom:
        for key in metadata:
            if key not in OBJECT_META_FIELDS:
                problems.append((["metadata", key], f'unknown field "{key}"'))
        for key in ("name", "generateName", "namespace"):
            if key in metadata and not isinstance(metadata[key], str):
                problems.append((["metadata", key], f"expected string, got {json_type(metadata[key])} "
                                                    f"{show(metadata[key])}"))

    name = metadata.get("name")
    if isinstance(name, str) and name:
        problems += [(["metadata", "name"], f"{show(name)} {p}") for p in name_problems(kind, group, name)]
    elif not metadata.get("generateName"):
        problems.append((["metadata", "name"], "required field is missing"))
    namespace = metadata.get("namespace")
    if isinstance(namespace, str) and namespace and (len(namespace) > 63
                                                     or not re.fullmatch(DNS1123_LABEL, namespace)):
        problems.append((["metadata", "namespace"], f"{show(namespace)} must be a lowercase RFC 1123 label "
                                                    "of at most 63 characters"))

    for field in ("labels", "annotations"):
        entries = metadata.get(field)
        if entries is None:
            continue
        if not isinstance(entries, dict):
            if custom:
                problems.append((["metadata", field], f"expected object, got {json_type(entries)} {show(entries)}"))
            continue
        total = 0
        for key, value in entries.items():
            where = ["metadata", field, key]
            for p in qualified_name_problems(key.lower() if field == "annotations" else key):
                problems.append((where, f"key {show(key)}: {p}"))
            if not isinstance(value, str):
                if custom or value is not None:
                    problems.append((where, f"expected string, got {json_type(value)} {show(value)}"))
                continue
            total += len(key) + len(value)
            if field == "labels":
                if len(value) > 63:
                    problems.append((where, f"{show(value)} must be no more than 63 characters"))
                elif not re.fullmatch(LABEL_VALUE, value):
                    problems.append((where, f"{show(value)} is not a valid label value: it must be empty or "
                                            "consist of alphanumeric characters, '-', '_' or '.', and must "
                                            "start and end with an alphanumeric character"))
        if field == "annotations" and total > TOTAL_ANNOTATION_SIZE_LIMIT:
            problems.append((["metadata", field], f"may not be more than {TOTAL_ANNOTATION_SIZE_LIMIT} bytes "
                                                  f"in total (is {total})"))

    finalizers = metadata.get("finalizers")
    if isinstance(finalizers, list):
        for i, finalizer in enumerate(finalizers):
            if isinstance(finalizer, str):
                for p in qualified_name_problems(finalizer):
                    problems.append((["metadata", "finalizers", i], f"{show(finalizer)}: {p}"))
            elif custom:
                problems.append((["metadata", "finalizers", i], f"expected string, got {json_type(finalizer)}"))
    elif finalizers is not None and custom:
        problems.append((["metadata", "finalizers"], f"expected array, got {json_type(finalizers)}"))
    return problems


# ---------------------------------------------------------------------------------------------------


def object_label(obj, position):
    if not isinstance(obj, dict):
        return f"?//#{position}"
    metadata = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
    kind = obj.get("kind") if isinstance(obj.get("kind"), str) and obj.get("kind") else "?"
    namespace = metadata.get("namespace") if isinstance(metadata.get("namespace"), str) else ""
    name = metadata.get("name") if isinstance(metadata.get("name"), str) else ""
    if not name:
        generate_name = metadata.get("generateName")
        name = generate_name + "*" if isinstance(generate_name, str) and generate_name else f"#{position}"
    return f"{kind}/{namespace}/{name}"


def check_object(obj, crds, builtins, converted, notes, verbose, label, cel=None):
    if not isinstance(obj, dict):
        return [([], f"expected a Kubernetes object, got {json_type(obj)} {show(obj)}")]
    api_version, kind = obj.get("apiVersion"), obj.get("kind")
    problems = []
    if not isinstance(api_version, str) or not api_version:
        problems.append((["apiVersion"], "required field is missing"))
    if not isinstance(kind, str) or not kind:
        problems.append((["kind"], "required field is missing"))
    if problems:
        return problems
    group, _, version = api_version.rpartition("/")

    crd = crds.get((group, version, kind))
    if crd is not None:
        if not crd["served"]:
            problems.append((["apiVersion"], f"{api_version} {kind} is not served (served: false in "
                                             f"{crd['source']})"))
        if crd["deprecated"] and verbose:
            notes.append(f"{label}: {api_version} {kind} is deprecated"
                         + (f": {crd['warning']}" if crd["warning"] else ""))
        if crd["schema"] is None:
            notes.append(f"{label}: the CustomResourceDefinition has no schema for {api_version}; not checked")
            return problems + metadata_problems(obj, group, custom=True)
        key = (group, version, kind)
        if key not in converted:
            schema = crd_root_schema(crd["schema"])
            jsonschema.Draft202012Validator.check_schema(schema)
            converted[key] = jsonschema.Draft202012Validator(schema)
        defaulted = copy.deepcopy(obj)
        walk_extensions(crd["schema"], defaulted, [], problems, notes, verbose, label)
        blocking = False
        for error in converted[key].iter_errors(defaulted):
            problems += describe(error)
            blocking = blocking or error.validator in CEL_BLOCKING_VALIDATORS
        meta = metadata_problems(obj, group, custom=True)
        blocking = blocking or any(message == "required field is missing" for _, message in meta)
        if cel is not None and crd.setdefault("has_rules", schema_has_rules(crd["schema"])):
            # As the API server: the rules run on the defaulted object unless a type, enum, required or
            # size violation makes its shape unreliable (hasBlockingErr in apiextensions-apiserver).
            if blocking:
                problems.append(([], CEL_NOT_CHECKED))
            else:
                counts = {"evaluated": 0, "skipped": 0, "unsupported": 0}
                cel.validate(crd["schema"], defaulted, [], problems, notes, verbose, label, counts, root=True)
                if verbose:
                    notes.append(f"{label}: {counts['evaluated']} CEL rules evaluated, {counts['skipped']} "
                                 f"skipped (transition rules), {counts['unsupported']} not supported")
        return problems + meta

    validator = builtins.validator(api_version, kind)
    if validator is None:
        others = sorted(v for (g, v, k) in crds if g == group and k == kind)
        hint = f" (the CustomResourceDefinition has {', '.join(others)})" if others else ""
        return [([], f"no schema for {api_version}/{kind}{hint}")]
    for error in validator.iter_errors(obj):
        problems += describe(error)
    return problems + metadata_problems(obj, group, custom=False)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--crds", action="append", default=[], metavar="DIR",
                        help="a directory searched recursively for CustomResourceDefinitions (repeatable)")
    parser.add_argument("--kubernetes-version", default=None, metavar="MAJOR.MINOR",
                        help="the Kubernetes version whose built-in schemas apply "
                             "(default: the newest bundled with kubernetes-validate)")
    parser.add_argument("--verbose", "-v", action="store_true",
                        help="also list the CEL rules skipped (transition rules) and how many were "
                             "evaluated per object, deprecated versions and which schemas were used")
    parser.add_argument("objects", metavar="OBJECTS_JSON", help='a JSON list of Kubernetes objects, "-" for stdin')
    args = parser.parse_args(argv)

    notes = []
    try:
        builtins = BuiltinSchemas(args.kubernetes_version or kv_utils.latest_version())
        if builtins.used != builtins.requested:
            notes.append(f"kubernetes-validate {kubernetes_validate.__version__} bundles no schemas for "
                         f"Kubernetes {builtins.requested}; built-in kinds checked against Kubernetes "
                         f"{builtins.used} (the newest bundled one not above it)")
        elif args.verbose:
            notes.append(f"built-in kinds checked against Kubernetes {builtins.used} "
                         f"(kubernetes-validate {kubernetes_validate.__version__})")
        if celpy is None:
            raise Fatal("cel-python is not installed (pip install cel-python): it evaluates the CRDs' "
                        "x-kubernetes-validations rules")
        crds = load_crds(args.crds, notes, args.verbose)
        try:
            if args.objects == "-":
                objects = json.load(sys.stdin)
            else:
                with open(args.objects, encoding="utf-8") as f:
                    objects = json.load(f)
        except (OSError, ValueError) as error:
            raise Fatal(f"{args.objects}: {error}")
        if not isinstance(objects, list):
            raise Fatal(f"{args.objects}: expected a JSON list of objects, got {json_type(objects)}")
    except Fatal as error:
        print(f"check-k8s-schemas: {error}", file=sys.stderr)
        return 2

    lines = []
    converted = {}
    cel = CelValidator()
    count = 0
    for position, obj in enumerate(objects):
        label = object_label(obj, position)
        problems = check_object(obj, crds, builtins, converted, notes, args.verbose, label, cel)
        unique = {}
        for path, message in problems:
            unique.setdefault((tuple(path), message), None)
        for path, message in sorted(unique, key=lambda p: (path_sort_key(p[0]), p[1])):
            lines.append(f"{label}: {format_path(list(path))}: {message}")
            count += 1

    for note in notes:
        print(f"note: {note}")
    for line in lines:
        print(line)
    print(f"{len(objects)} objects checked, {count} problems")
    return 1 if count else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
