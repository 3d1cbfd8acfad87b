"""Expected reasoning/answer splits for ThinkBlocksTest, from a second implementation of its rules (modelled on
vLLM's qwen3 / deepseek_r1 reasoning parsers: partition at the first </think>; a block must open the reply or be
opened by the prompt) with newlines trimmed as Qwen3's chat template trims them. For replies with one well-formed block the script checks that Qwen3's template (qwen3.jinja, lines
34-36) reads the turn back the same way. Run: python3 think_split.py  (prints Java array rows)."""
import json

def split(reply, opened):
    if opened:
        body = reply
        lead = reply.lstrip('\n')
        if lead.startswith('<think>'):  # the reply repeats the prompt's <think>
            body = lead[len('<think>'):]
    else:
        lead = reply.lstrip('\n')
        if not lead.startswith('<think>'):
            return '', reply
        body = lead[len('<think>'):]
    reasoning, closed, content = body.partition('</think>')
    return reasoning.strip('\n'), content.lstrip('\n') if closed else ''

def template_reading(content):
    answer = content.split('</think>')[-1].lstrip('\n')
    reasoning = content.split('</think>')[0].rstrip('\n').split('<think>')[-1].lstrip('\n')
    return reasoning, answer

WELL_FORMED = [
    "<think>\nplan\n</think>\n\nanswer",
    "<think>\n\n</think>\n\nanswer",
    "\n\n<think>\n  hmm \n\n</think>\nok\n",
    "<think>\na\nb\n</think>\n\nline 1\nline 2",
]
OTHERS = [  # (reply, opened)
    ("plan\n</think>\n\nanswer", True),
    ("plan\n</think>\n\nanswer", False),
    ("<think>a</think>b</think>c", False),
    ("x<think>y</think>z", False),
    ("<think>one<think>two\n</think>", False),
    ("</think>", True),
    ("<think>\nstill going", False),
    ("\n<think>", False),
    ("still going\n", True),
    ("\nParis.\n", False),
    ("\n\n<thi", False),
    ("<think>\ncut at </thi", False),
    ("\n\n", True),
    ("", False),
    ("<think>\nplan\n</think>\n\nanswer", True),
    ("\n<think>", True),
    ("\n\n<thi", True),
    ("<think><think>x</think>y", False),
    ("a\n\n\n</thinking>\n</think>\n\n\nb\n", True),
]

rows = []
for reply in WELL_FORMED:
    assert split(reply, False) == template_reading(reply), reply
    assert split(reply, False) == split(reply[reply.index('<think>') + 7:], True), reply
    rows.append((reply, False))
rows += OTHERS
for reply, opened in rows:
    r, c = split(reply, opened)
    print(f"{{{json.dumps(reply)}, \"{str(opened).lower()}\", {json.dumps(r)}, {json.dumps(c)}}},")
