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
uniqueness is checked; `x-kubernetes-validations` (CEL) rules and `format` are not (--verbose lists the
CEL rules that applied). Built-in kinds are checked against kubernetes-validate's strict schemas for the
newest bundled Kubernetes version not above --kubernetes-version (quantities must also parse). For every
object, metadata is checked as the API server does: the name's syntax (DNS-1123 subdomain; a DNS label
for Namespace, a DNS-1035 label for Service, a path segment for RBAC kinds), the namespace's, label keys
and values, annotation keys and size.

Output: one line per problem, `<kind>/<namespace>/<name>: <path>: <message>` (the namespace is empty for
objects without one; the path is kubectl-style, `.spec.resourceGroups[0].flavors[0]`, `.` for the object
itself), informational lines starting with `note: `, then a last line `N objects checked, M problems`.
Exit status: 0 without problems, 1 with problems, 2 when the check itself could not run (bad arguments,
unreadable input, a Kubernetes version older than any bundled one). A file under --crds that mentions
CustomResourceDefinition but is not valid YAML (a Helm template, say) is skipped with a warning on stderr.
"""
import argparse
import copy
import importlib.resources
import json
import os
import re
import sys

import jsonschema
import kubernetes_validate
import kubernetes_validate.utils as kv_utils
import yaml
from packaging.version import InvalidVersion, Version
from referencing import Registry, Resource

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
    """Applies the schema's defaults to value in place (as the API server does before validating), checks
    x-kubernetes-list-type uniqueness and collects the x-kubernetes-validations rules that apply."""
    if not isinstance(schema, dict) or value is None:
        return
    if verbose:
        for rule in schema.get("x-kubernetes-validations") or []:
            notes.append(f"{describe_object}: {format_path(path)}: CEL rule not checked: "
                         f"{' '.join(str(rule.get('rule', '')).split())}")
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


def check_object(obj, crds, builtins, converted, notes, verbose, label):
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
        for error in converted[key].iter_errors(defaulted):
            problems += describe(error)
        return problems + metadata_problems(obj, group, custom=True)

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
                        help="also list the CEL rules that were not checked, deprecated versions and "
                             "which schemas were used")
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
    count = 0
    for position, obj in enumerate(objects):
        label = object_label(obj, position)
        problems = check_object(obj, crds, builtins, converted, notes, args.verbose, label)
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
