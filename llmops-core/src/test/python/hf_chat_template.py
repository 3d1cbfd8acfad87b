#!/usr/bin/env python3
"""Renders chat templates the way Hugging Face transformers' apply_chat_template(tokenize=False) does, to produce the
expected strings of ChatTemplateTest (with jinja2 3.1.6, which the script checks).

The environment is transformers' _compile_jinja_template: an ImmutableSandboxedEnvironment with trim_blocks,
lstrip_blocks, the loopcontrols extension and a {% generation %} block, HF's tojson filter and the globals
raise_exception and strftime_now; render() gets messages, tools and documents (None unless given),
add_generation_prompt and the other variables (special tokens and extra keyword arguments).

Input on stdin: a JSON list of cases {"template": str, "messages": [...], "add_generation_prompt": bool,
"variables": {...}}. Output on stdout: a JSON list with, per case, {"output": str} or {"error": "Type: message"}.
"""
import json
import sys
from datetime import datetime

import jinja2
from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.sandbox import ImmutableSandboxedEnvironment


class GenerationBlock(Extension):
    """transformers' AssistantTracker without the mask bookkeeping: renders the body of {% generation %}."""
    tags = {"generation"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(("name:endgeneration",), drop_needle=True)
        return nodes.CallBlock(self.call_method("_render", []), [], [], body).set_lineno(lineno)

    def _render(self, caller):
        return caller()


def raise_exception(message):
    raise jinja2.exceptions.TemplateError(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def strftime_now(format):
    return datetime.now().strftime(format)


def environment():
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
                                       extensions=[GenerationBlock, jinja2.ext.loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env


def render(env, case):
    variables = dict(case.get("variables", {}))
    variables.setdefault("tools", None)
    variables.setdefault("documents", None)
    try:
        template = env.from_string(case["template"])
        return {"output": template.render(messages=case.get("messages", []),
                                          add_generation_prompt=case.get("add_generation_prompt", False),
                                          **variables)}
    except Exception as e:  # the error's type and message, as the test compares them
        return {"error": type(e).__name__ + ": " + str(e)}


if __name__ == "__main__":
    assert jinja2.__version__ == "3.1.6", "expected strings come from jinja2 3.1.6, found " + jinja2.__version__
    env = environment()
    json.dump([render(env, case) for case in json.load(sys.stdin)], sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
