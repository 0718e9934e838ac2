#!/usr/bin/env python3
"""The spec of a rendered PrometheusRule (helm template output) as a Prometheus rule file,
which promtool and a plain Prometheus server read.

usage: rule_file.py PROMETHEUS_RULE_YAML RULE_FILE"""
import sys

import yaml


def block_style_for_multiline(dumper, text):
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


def main():
    docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
    rules = [d for d in docs if d.get("kind") == "PrometheusRule"]
    if len(rules) != 1:
        sys.exit(f"{sys.argv[1]}: expected one PrometheusRule, found {len(rules)}")
    yaml.add_representer(str, block_style_for_multiline, Dumper=yaml.SafeDumper)
    with open(sys.argv[2], "w") as out:
        yaml.safe_dump(rules[0]["spec"], out, sort_keys=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
