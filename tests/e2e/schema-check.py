#!/usr/bin/python3
"""tests/e2e/schema-check.py -- check recipes against docs/recipe.schema.json.

    schema-check.py SCHEMA RECIPE...

Prints one line per recipe, "RECIPE: valid" or "RECIPE: invalid: REASON", and exits 0 when every
recipe is valid, 1 when one is not, 2 on a usage error or a broken schema.

Why a custom YAML loader: PyYAML's safe loader follows YAML 1.1, where `2025-08-25` is a date
object and `on`, `yes`, `no` are booleans. coursectl (libyaml events, typed by its checkers) and the
YAML language servers that read the schema follow YAML 1.2's core schema: only true/false, null,
integers and floats are typed; every other plain scalar is a string. The loader below resolves
plain scalars that way, so the schema sees what coursectl sees. It has no merge-key (<<)
resolver either: coursectl refuses merge keys, and here `<<` stays an ordinary, unknown key.

A file that PyYAML cannot load (a syntax error, an unknown alias, two documents) is invalid, as it
is for coursectl. The schema itself is checked first against its meta-schema (draft 2020-12).
"""
import json
import re
import sys

import jsonschema
import yaml


class Yaml12Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 core-schema resolution of plain scalars."""


Yaml12Loader.yaml_implicit_resolvers = {}
_RESOLVERS = [
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    ("tag:yaml.org,2002:float",
     r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
     "-+0123456789."),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
]
for tag, rx, first in _RESOLVERS:
    Yaml12Loader.add_implicit_resolver(tag, re.compile(rx), list(first))


def _bool(loader, node):
    return loader.construct_scalar(node) in ("true", "True", "TRUE")


def _int(loader, node):
    s = loader.construct_scalar(node)
    if s.startswith("0o"):
        return int(s[2:], 8)
    if s.startswith("0x"):
        return int(s[2:], 16)
    return int(s, 10)


Yaml12Loader.add_constructor("tag:yaml.org,2002:bool", _bool)
Yaml12Loader.add_constructor("tag:yaml.org,2002:int", _int)


def check(validator, path):
    try:
        with open(path, encoding="utf-8") as f:
            doc = yaml.load(f, Loader=Yaml12Loader)
    except (yaml.YAMLError, UnicodeDecodeError) as e:
        return "YAML: " + " ".join(str(e).split())
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    if not errors:
        return None
    e = errors[0]
    where = "/".join(str(p) for p in e.absolute_path) or "(top)"
    return "%s: %s" % (where, e.message[:300])


def main(argv):
    if len(argv) < 3:
        print("usage: schema-check.py SCHEMA RECIPE...", file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    try:
        jsonschema.Draft202012Validator.check_schema(schema)
    except jsonschema.SchemaError as e:
        print("%s: not a valid draft 2020-12 schema: %s" % (argv[1], e.message), file=sys.stderr)
        return 2
    validator = jsonschema.Draft202012Validator(schema)
    rc = 0
    for path in argv[2:]:
        why = check(validator, path)
        if why is None:
            print("%s: valid" % path)
        else:
            print("%s: invalid: %s" % (path, why))
            rc = 1
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv))
