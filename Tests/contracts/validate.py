#!/usr/bin/env python3
"""Validates readiness JSON outputs against the JSON Schemas under schemas/.

Usage: validate.py SCHEMA_DIR NAME=OUTPUT.json...   (NAME is the schema's file name without
.schema.json). Prints one line per failure and exits 1 when any output does not validate.
Uses python3-jsonschema (Debian's package), a real validator of draft 2020-12.
"""
import json
import pathlib
import sys

import jsonschema

schema_dir = pathlib.Path(sys.argv[1]).resolve()
store = {}
for path in schema_dir.glob("*.schema.json"):
    schema = json.loads(path.read_text(encoding="utf-8"))
    store[schema["$id"]] = schema
    store[path.as_uri()] = schema

failures = 0
for argument in sys.argv[2:]:
    name, output = argument.split("=", 1)
    schema = store[f"{name}.schema.json"]
    resolver = jsonschema.RefResolver(base_uri=(schema_dir / f"{name}.schema.json").as_uri(), referrer=schema, store=store)
    validator = jsonschema.Draft202012Validator(schema, resolver=resolver)
    instance = json.loads(pathlib.Path(output).read_text(encoding="utf-8"))
    for error in validator.iter_errors(instance):
        failures += 1
        where = "/".join(str(part) for part in error.absolute_path)
        print(f"{name}: {output}: at /{where}: {error.message}")
sys.exit(1 if failures else 0)
