"""Expected reasoning/answer splits for ThinkBlocksTest: how the Qwen3 and QwQ chat templates read an earlier
assistant turn back (qwen3.jinja, lines 34-36), evaluated in Python for replies that close their think block.
Run: python3 think_split.py  (prints Java string literals)."""
import json

REPLIES = [
    "<think>\nplan\n</think>\n\nanswer",
    "plan\n</think>\n\nanswer",
    "<think>\n\n</think>\n\nanswer",
    "<think>a</think>b</think>c",
    "x<think>y</think>z",
    "\n\n<think>\n  hmm \n\n</think>\nok\n",
    "<think>one<think>two\n</think>",
    "</think>",
]

for content in REPLIES:
    answer = content.split('</think>')[-1].lstrip('\n')
    reasoning = content.split('</think>')[0].rstrip('\n').split('<think>')[-1].lstrip('\n')
    print(f"{{{json.dumps(content)}, {json.dumps(reasoning)}, {json.dumps(answer)}}},")
