#!/usr/bin/env python3
"""Writes the tiny ONNX models and the tokenizer that OnnxEmbedderLayoutTest loads.

Each model stands in for a transformer with one of the input/output layouts real exports have (no
token_type_ids, int32 inputs with position_ids, fp16 output, pooling inside the graph, no attention mask, ...)
or one the embedder must reject. They compute something simple enough for the test to recompute with plain
loops, in values that float16 holds exactly:

    token vector = E[input_id] (+ T[token_type_id]) (+ P[position_id]) + 0.125 * n

where n is the number of real tokens of the row (the attention mask's sum) or, without a mask input, the padded
length of the batch. The tables are defined by formulas the test repeats (see table_e, table_t, table_p).

Run from this directory with Debian's python3-onnx and python3-numpy (no network, no torch):

    python3 make_layouts.py
"""
import json

import numpy as np
import onnx
from onnx import TensorProto, helper

HIDDEN = 4
VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", " ", "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta",
         "theta", "query:", "iota", "kappa"]
POSITIONS = 64
OPSET = 13


def table_e():
    return np.array([[((v * 5 + h * 3) % 11 - 5) / 4.0 for h in range(HIDDEN)] for v in range(len(VOCAB))],
                    dtype=np.float32)


def table_t():
    return np.array([[0.25 * (k + 1) * (h + 1) for h in range(HIDDEN)] for k in range(2)], dtype=np.float32)


def table_p():
    return np.array([[((p * 7 + h) % 13 - 6) / 8.0 for h in range(HIDDEN)] for p in range(POSITIONS)],
                    dtype=np.float32)


def const(name, array):
    return helper.make_tensor(name, TensorProto.FLOAT if array.dtype == np.float32 else TensorProto.INT64,
                              array.shape, array.flatten().tolist())


def model(name, inputs, int32=False, fp16=False, mask=True, types=False, positions=False, pooled=None,
          token_output="last_hidden_state", extra_inputs=(), seq_dims=("batch", "sequence"), output_type=None,
          float_mask=False):
    """Builds one model: inputs in the order given, then the token vectors and, if asked, their masked mean."""
    index_type = TensorProto.INT32 if int32 else TensorProto.INT64
    graph_inputs = [helper.make_tensor_value_info(
        n, TensorProto.FLOAT if float_mask and n == "attention_mask" else index_type, list(seq_dims)) for n in inputs]
    graph_inputs += [helper.make_tensor_value_info(n, t, shape) for n, t, shape in extra_inputs]
    init = [const("E", table_e()), const("eighth", np.array(0.125, dtype=np.float32)),
            const("axis1", np.array([1], dtype=np.int64))]
    init += [const("axis2", np.array([2], dtype=np.int64))] if mask else []
    init += [const("T", table_t())] if types else []
    init += [const("P", table_p())] if positions else []
    init += [] if mask else [const("one", np.array([1], dtype=np.int64))]
    nodes = [helper.make_node("Gather", ["E", "input_ids"], ["emb0"])]
    last = "emb0"
    if types:
        nodes.append(helper.make_node("Gather", ["T", "token_type_ids"], ["type_emb"]))
        nodes.append(helper.make_node("Add", [last, "type_emb"], ["emb1"]))
        last = "emb1"
    if positions:
        nodes.append(helper.make_node("Gather", ["P", "position_ids"], ["pos_emb"]))
        nodes.append(helper.make_node("Add", [last, "pos_emb"], ["emb2"]))
        last = "emb2"
    if mask:
        nodes.append(helper.make_node("Cast", ["attention_mask"], ["maskf"], to=TensorProto.FLOAT))
        nodes.append(helper.make_node("ReduceSum", ["maskf", "axis1"], ["count"], keepdims=1))  # [b, 1]
    else:
        nodes.append(helper.make_node("Shape", ["input_ids"], ["shape"]))
        nodes.append(helper.make_node("Gather", ["shape", "one"], ["length"], axis=0))  # [1]
        nodes.append(helper.make_node("Cast", ["length"], ["count"], to=TensorProto.FLOAT))
    nodes.append(helper.make_node("Mul", ["count", "eighth"], ["ctx2"]))
    nodes.append(helper.make_node("Unsqueeze", ["ctx2", "axis2"] if mask else ["ctx2", "axis1"], ["ctx"]))
    nodes.append(helper.make_node("Add", [last, "ctx"], ["tokens"]))
    graph_outputs = []
    if token_output:
        out_type = output_type or (TensorProto.FLOAT16 if fp16 else TensorProto.FLOAT)
        if out_type == TensorProto.FLOAT:
            nodes.append(helper.make_node("Identity", ["tokens"], [token_output]))
        else:
            nodes.append(helper.make_node("Cast", ["tokens"], [token_output], to=out_type))
        graph_outputs.append(helper.make_tensor_value_info(token_output, out_type, ["batch", "sequence", HIDDEN]))
    if pooled:
        nodes.append(helper.make_node("Unsqueeze", ["maskf", "axis2"], ["mask3"]))
        nodes.append(helper.make_node("Mul", ["tokens", "mask3"], ["masked"]))
        nodes.append(helper.make_node("ReduceSum", ["masked", "axis1"], ["summed"], keepdims=0))
        nodes.append(helper.make_node("Div", ["summed", "count"], [pooled]))
        graph_outputs.append(helper.make_tensor_value_info(pooled, TensorProto.FLOAT, ["batch", HIDDEN]))
    graph = helper.make_graph(nodes, name, graph_inputs, graph_outputs, init)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="make_layouts.py")
    m.ir_version = 8
    onnx.checker.check_model(m)
    onnx.save(m, name + ".onnx")


def tokenizer():
    """A case-sensitive word-level tokenizer that keeps spaces as tokens, so stripping and lowercasing show."""
    special = [{"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False,
                "special": True} for i, t in enumerate(VOCAB[:4])]
    cls = {"SpecialToken": {"id": "[CLS]", "type_id": 0}}
    sep = {"SpecialToken": {"id": "[SEP]", "type_id": 0}}
    tok = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": special,
        "normalizer": None,
        "pre_tokenizer": {"type": "Split", "pattern": {"String": " "}, "behavior": "Isolated", "invert": False},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [cls, {"Sequence": {"id": "A", "type_id": 0}}, sep],
            "pair": [cls, {"Sequence": {"id": "A", "type_id": 0}}, sep, {"Sequence": {"id": "B", "type_id": 1}},
                     {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
            "special_tokens": {t: {"id": t, "ids": [VOCAB.index(t)], "tokens": [t]} for t in ("[CLS]", "[SEP]")},
        },
        "decoder": None,
        "model": {"type": "WordLevel", "vocab": {t: i for i, t in enumerate(VOCAB)}, "unk_token": "[UNK]"},
    }
    with open("tokenizer.json", "w") as f:
        json.dump(tok, f, indent=1)
        f.write("\n")


BERT = ["input_ids", "attention_mask"]

# Supported layouts
model("token_embeddings_no_types", BERT, token_output="token_embeddings", pooled="sentence_embedding")
model("decoder_int32_positions_fp16", BERT + ["position_ids"], int32=True, fp16=True, positions=True)
model("token_types", BERT + ["token_type_ids"], types=True)
model("pooled_only", BERT, token_output=None, pooled="sentence_embedding")
model("ids_only", ["input_ids"], mask=False)
model("static_batch", BERT, seq_dims=(1, "sequence"))
# Layouts the embedder rejects
model("extra_input", BERT, extra_inputs=[("task_id", TensorProto.INT64, [1])])
model("static_length", BERT, seq_dims=("batch", 8))
model("pooler_output_only", BERT, token_output=None, pooled="pooler_output")
model("double_output", BERT, output_type=TensorProto.DOUBLE)
model("float_mask", BERT, float_mask=True)
tokenizer()
