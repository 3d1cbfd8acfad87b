#!/usr/bin/env python3
"""Prints the expected strings of ChatTemplateToolCallingTest: real tool-calling chat templates rendered by jinja2
itself, set up as Hugging Face transformers sets it up for tokenizer.apply_chat_template, with the conversations the
Java test builds through ChatMessage / ToolCall (the dicts below are what ChatTemplate.render must hand the template).

Run from the repository root with a Python that has jinja2 3.1.6 (transformers itself is not needed):

    python3 llmops-core/src/test/python/render_tool_templates.py

and paste each printed constant into the test. The environment mirrors what transformers documents for chat
templates (hf_chat_template.environment(), shared with ChatTemplateTest's script), and the variables messages,
tools (None when not given), documents (None), add_generation_prompt and the special tokens. keep_trailing_newline is
jinja2's default (False): the single newline that ends each template file is dropped.
"""
import sys
from pathlib import Path

import jinja2

from hf_chat_template import environment

assert jinja2.__version__ == "3.1.6", "expected strings were made with jinja2 3.1.6, found " + jinja2.__version__

TEMPLATES = Path(__file__).resolve().parents[1] / "resources" / "io" / "llmops4j" / "core" / "chat"


def render(template_file, special_tokens, messages, tools, add_generation_prompt):
    source = (TEMPLATES / template_file).read_text(encoding="utf-8")
    template = environment().from_string(source)
    try:
        return template.render(messages=messages, tools=tools, documents=None,
                               add_generation_prompt=add_generation_prompt, **special_tokens)
    except jinja2.exceptions.TemplateError as e:
        return "ERROR: " + str(e)


# ---------------------------------------------------------------- the data, as the Java test builds it

WEATHER = {"type": "function", "function": {
    "name": "get_weather",
    "description": "Get the current weather in a city",
    "parameters": {"type": "object", "properties": {
        "city": {"type": "string", "description": "The city, e.g. Zürich"},
        "unit": {"type": "string", "enum": ["celsius", "fahrenheit"], "description": "The temperature unit"},
        "days": {"type": "integer", "description": "Days of forecast"}},
        "required": ["city"]}}}
TIME = {"type": "function", "function": {
    "name": "get_time",
    "description": "The local time in a time zone",
    "parameters": {"type": "object", "properties": {
        "timezone": {"type": "string", "description": "An IANA time zone"}},
        "required": ["timezone"]}}}
LOCATION = {"type": "function", "function": {
    "name": "get_location",
    "description": "Where the user is",
    "parameters": {"type": "object", "properties": {}}}}
TOOLS = [WEATHER, TIME, LOCATION]
# Parameter schemas that Hermes-3's json_to_python_type macro describes by calling itself: an array (handed on as
# spec|items, whose .type is undefined, so `is iterable` is true and it writes Union[]), an object with
# additionalProperties (nested twice), and an anyOf without a type.
SEARCH = {"type": "function", "function": {
    "name": "search",
    "description": "Search the notes",
    "parameters": {"type": "object", "properties": {
        "tags": {"type": "array", "items": {"type": "string"}, "description": "Tags to match"},
        "limits": {"type": "object", "additionalProperties": {"type": "integer"}, "description": "Per-tag limits"},
        "weights": {"type": "object", "additionalProperties": {"type": "object",
                                                                "additionalProperties": {"type": "number"}},
                    "description": "Per-field weights by tag"},
        "when": {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "integer"}}],
                 "description": "A date or a list of years"}},
        "required": ["tags"]}}}


def call(call_id, name, arguments):
    # ChatTemplate: {"type": "function", "id": ..., "function": {"name": ..., "arguments": dict}}
    return {"type": "function", "id": call_id, "function": {"name": name, "arguments": arguments}}


def tool_result(call_id, name, content):
    # ChatMessage.tool(id, content).withName(name): role, content, tool_call_id, name
    return {"role": "tool", "content": content, "tool_call_id": call_id, "name": name}


SINGLE = [
    {"role": "system", "content": "You are a helpful assistant."},
    {"role": "user", "content": "What's the weather in Zürich?"},
    # ChatMessage.assistantToolCalls(calls): content is None
    {"role": "assistant", "content": None, "tool_calls": [
        call("call00001", "get_weather", {"city": "Zürich", "unit": "celsius", "days": 1})]},
    tool_result("call00001", "get_weather", '{"temperature": 21.5, "condition": "sunny"}'),
    {"role": "assistant", "content": "It is 21.5 °C and sunny in Zürich."},
]

PARALLEL = [
    {"role": "system", "content": "You are a helpful assistant."},
    {"role": "user", "content": "Weather and time in Zürich?"},
    {"role": "assistant", "content": "Let me look both up.", "tool_calls": [
        call("call00001", "get_weather", {"city": "Zürich"}),
        call("call00002", "get_time", {"timezone": "Europe/Zurich"})]},
    tool_result("call00001", "get_weather", '{"temperature": 21.5}'),
    tool_result("call00002", "get_time", '{"time": "14:05"}'),
    {"role": "assistant", "content": "21.5 °C at 14:05."},
]

CHECKPOINTS = [
    # (constant prefix, template file, special tokens)
    ("LLAMA31", "llama-3.1-instruct.jinja", {"bos_token": "<|begin_of_text|>", "eos_token": "<|eot_id|>"}),
    ("QWEN25", "qwen2.5-instruct.jinja", {"eos_token": "<|im_end|>"}),
    ("MISTRAL03", "mistral-7b-instruct-v0.3.jinja", {"bos_token": "<s>", "eos_token": "</s>"}),
    ("HERMES3", "hermes-3-llama-3.1-tool-use.jinja", {"bos_token": "<|begin_of_text|>", "eos_token": "<|im_end|>"}),
]

# Qwen3 keeps the reasoning of assistant turns after the last user query only, and enable_thinking=False writes an
# empty think block into the generation prompt.
THINKING = [
    {"role": "system", "content": "Be brief."},
    {"role": "user", "content": "2 + 2?"},
    {"role": "assistant", "content": "<think>\nAdd them.\n</think>\n\n4"},
    {"role": "user", "content": "And 3 + 3?"},
]

CASES = [
    # (constant suffix, messages, add_generation_prompt)
    ("CONVERSATION", SINGLE, False),
    ("PROMPT_AFTER_TOOL_RESULT", SINGLE[:4], True),
    ("PARALLEL_CALLS", PARALLEL, False),
]


def java_literal(text):
    """The text as a Java string expression, one source line per line of text."""
    def escape(s):
        out = []
        for ch in s:
            if ch == "\\":
                out.append("\\\\")
            elif ch == '"':
                out.append('\\"')
            elif ch == "\n":
                out.append("\\n")
            elif ch == "\t":
                out.append("\\t")
            elif ord(ch) < 0x20:
                out.append("\\u%04x" % ord(ch))
            else:
                out.append(ch)
        return "".join(out)
    lines = text.split("\n")
    parts = [escape(line + "\n") for line in lines[:-1]] + ([escape(lines[-1])] if lines[-1] else [])
    return "\n            + ".join('"%s"' % p for p in parts) if parts else '""'


# What a template can ask of the message dicts: which keys exist, which hold None, and what tojson writes.
PROBE = ("{% for m in messages %}{{ m.role }}:{{ 'tool_calls' in m }},{{ m.tool_calls is defined }},"
         "{{ m.content is none }},{{ m.content is defined }},{{ m.tool_call_id is defined }},{{ m.name is defined }},"
         "{{ m | length }},{{ m.keys() | list | join('/') }};{% endfor %}\n"
         "{{ messages[2] | tojson }}\n"
         "{% for k, v in messages[2].tool_calls[0].function.arguments | items %}{{ k }}={{ v }};{% endfor %}"
         "{{ messages[2].tool_calls[0].function.arguments is mapping }}\n"
         "{{ tools | length }} {{ tools[1].function.parameters.required | tojson }} {{ documents is none }}")


def main():
    for prefix, template_file, tokens in CHECKPOINTS:
        for suffix, messages, add_generation_prompt in CASES:
            text = render(template_file, tokens, messages, TOOLS, add_generation_prompt)
            sys.stdout.write("    private static final String %s_%s = %s;\n\n" % (prefix, suffix, java_literal(text)))
    # Qwen3 tests `'</think>' in message.content`, which fails on the None content of a call-only message (as in
    # transformers); with "" it renders
    single_empty = [dict(m, content="") if m.get("tool_calls") else m for m in SINGLE]
    template = environment().from_string((TEMPLATES / "qwen3.jinja").read_text(encoding="utf-8"))
    for suffix, messages, tools, add_generation_prompt, variables in (
            ("THINKING", THINKING, None, True, {}),
            ("NO_THINKING", THINKING, None, True, {"enable_thinking": False}),
            ("CONVERSATION", single_empty, TOOLS, False, {}),
            ("PARALLEL_CALLS", PARALLEL, TOOLS, False, {}),
            ("NONE_CONTENT", SINGLE, TOOLS, False, {})):
        try:
            text = template.render(messages=messages, tools=tools, documents=None,
                                   add_generation_prompt=add_generation_prompt, eos_token="<|im_end|>", **variables)
        except TypeError as e:
            text = "ERROR: TypeError: " + str(e)
        sys.stdout.write("    static final String QWEN3_%s = %s;\n\n" % (suffix, java_literal(text)))
    text = render("hermes-3-llama-3.1-tool-use.jinja", CHECKPOINTS[3][2], SINGLE[:2], [SEARCH], True)
    sys.stdout.write("    private static final String HERMES3_NESTED_PARAMETERS = %s;\n\n" % java_literal(text))
    probe = environment().from_string(PROBE).render(messages=SINGLE, tools=TOOLS, documents=None,
                                                     add_generation_prompt=False)
    sys.stdout.write("    private static final String PROBE_OUTPUT = %s;\n" % java_literal(probe))


if __name__ == "__main__":
    main()
