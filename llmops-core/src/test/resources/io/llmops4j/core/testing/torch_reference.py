#!/usr/bin/python3
"""Golden logits for the TinyCheckpoints variants, computed with PyTorch in float64.

A second, independent forward pass (besides ReferenceModel.java) written from transformers' modeling code
(modeling_llama.py, modeling_mistral.py, modeling_qwen2.py, modeling_gpt2.py, modeling_rope_utils.py) on
torch primitives (F.silu, F.layer_norm, F.gelu(approximate="tanh"), softmax). transformers itself is not
packaged by Debian; torch is (python3-torch 1.13). The safetensors files are parsed here with the standard
library and numpy, independently of the Java reader.

Regenerate (from the repository root):
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
  mvn -o -q -B -pl llmops-core test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
  $JAVA_HOME/bin/java -cp llmops-core/target/test-classes:llmops-core/target/classes:$(cat /tmp/cp.txt) \
      io.llmops4j.core.testing.TinyCheckpoints /tmp/tiny
  /usr/bin/python3 llmops-core/src/test/resources/io/llmops4j/core/testing/torch_reference.py /tmp/tiny \
      > llmops-core/src/test/resources/io/llmops4j/core/testing/torch_reference_logits.json
"""
import hashlib
import json
import math
import os
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as F

TOKENS = [1, 17, 5, 42, 88, 3, 60, 9, 71, 33, 12, 95, 0, 50, 27, 64, 8, 90]


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n].decode("utf-8"))
    body = data[8 + n:]
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        raw = body[begin:end]
        dtype = info["dtype"]
        if dtype == "F32":
            arr = np.frombuffer(raw, dtype="<f4")
        elif dtype == "F16":
            arr = np.frombuffer(raw, dtype="<f2").astype(np.float32)
        elif dtype == "BF16":
            arr = (np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16).view(np.float32)
        else:
            raise ValueError(f"{path}: unexpected dtype {dtype} for {name}")
        out[name] = torch.from_numpy(arr.astype(np.float64)).reshape(info["shape"])
    return out


def read_weights(d):
    if os.path.exists(os.path.join(d, "model.safetensors")):
        return read_safetensors(os.path.join(d, "model.safetensors"))
    with open(os.path.join(d, "model.safetensors.index.json")) as f:
        weight_map = json.load(f)["weight_map"]
    weights = {}
    for shard in sorted(set(weight_map.values())):
        weights.update(read_safetensors(os.path.join(d, shard)))
    return weights


def dir_digest(d):
    h = hashlib.sha256()
    for name in sorted(os.listdir(d)):
        h.update(name.encode("utf-8"))
        with open(os.path.join(d, name), "rb") as f:
            h.update(f.read())
    return h.hexdigest()


# ---- RoPE (modeling_rope_utils.py) -------------------------------------------------------------------

def rope_inv_freq(cfg, head_dim, seq_len):
    if "rope_parameters" in cfg:
        params = cfg["rope_parameters"]
        base = params["rope_theta"]
    else:
        params = cfg.get("rope_scaling") or {}
        base = cfg.get("rope_theta", 10000.0)
    rope_type = params.get("rope_type", params.get("type", "default"))
    dim = head_dim
    if rope_type == "dynamic":
        max_pos = cfg["max_position_embeddings"]
        factor = params["factor"]
        seq_len = seq_len if seq_len > max_pos else max_pos
        base = base * ((factor * seq_len / max_pos) - (factor - 1)) ** (dim / (dim - 2))
    inv_freq = 1.0 / (base ** (torch.arange(0, dim, 2, dtype=torch.int64).to(torch.float64) / dim))
    if rope_type == "linear":
        inv_freq = inv_freq / params["factor"]
    elif rope_type == "llama3":
        factor = params["factor"]
        lo, hi = params["low_freq_factor"], params["high_freq_factor"]
        old_ctx = params["original_max_position_embeddings"]
        wavelen = 2 * math.pi / inv_freq
        scaled = torch.where(wavelen > old_ctx / lo, inv_freq / factor, inv_freq)
        smooth = (old_ctx / wavelen - lo) / (hi - lo)
        blended = (1 - smooth) * scaled / factor + smooth * scaled
        medium = ~(wavelen < old_ctx / hi) & ~(wavelen > old_ctx / lo)
        inv_freq = torch.where(medium, blended, scaled)
    elif rope_type not in ("default", "dynamic"):
        raise ValueError(rope_type)
    return inv_freq


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def apply_rope(x, cos, sin):  # x: [heads, seq, head_dim]
    return x * cos + rotate_half(x) * sin


def causal_attention(q, k, v, scale, window=None):  # [heads, seq, dim]
    n = q.shape[1]
    scores = torch.matmul(q, k.transpose(-1, -2)) * scale
    i = torch.arange(n).unsqueeze(1)
    j = torch.arange(n).unsqueeze(0)
    masked = j > i
    if window is not None:
        masked = masked | (i - j >= window)
    scores = scores.masked_fill(masked, float("-inf"))
    return torch.matmul(torch.softmax(scores, dim=-1), v)


# ---- Llama / Mistral / Qwen2 --------------------------------------------------------------------------

def rms_norm(x, w, eps):
    return w * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps))


def llama_family(cfg, w, ids):
    arch = cfg["architectures"][0]
    hidden = cfg["hidden_size"]
    heads = cfg["num_attention_heads"]
    kv_heads = cfg.get("num_key_value_heads") or heads
    head_dim = cfg.get("head_dim") or hidden // heads
    eps = cfg["rms_norm_eps"]
    window = cfg.get("sliding_window") if arch == "MistralForCausalLM" else None
    assert not cfg.get("use_sliding_window", False)
    n = len(ids)
    x = w["model.embed_tokens.weight"][torch.tensor(ids)]
    inv_freq = rope_inv_freq(cfg, head_dim, n)
    freqs = torch.outer(torch.arange(n, dtype=torch.float64), inv_freq)
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos(), emb.sin()

    def lin(name, t):
        return F.linear(t, w[name + ".weight"], w.get(name + ".bias"))

    for layer in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{layer}."
        h = rms_norm(x, w[p + "input_layernorm.weight"], eps)
        q = lin(p + "self_attn.q_proj", h).view(n, heads, head_dim).transpose(0, 1)
        k = lin(p + "self_attn.k_proj", h).view(n, kv_heads, head_dim).transpose(0, 1)
        v = lin(p + "self_attn.v_proj", h).view(n, kv_heads, head_dim).transpose(0, 1)
        q, k = apply_rope(q, cos, sin), apply_rope(k, cos, sin)
        rep = heads // kv_heads  # repeat_kv: [kv, n, d] -> [kv, rep, n, d] -> [kv * rep, n, d]
        k = k[:, None].expand(kv_heads, rep, n, head_dim).reshape(heads, n, head_dim)
        v = v[:, None].expand(kv_heads, rep, n, head_dim).reshape(heads, n, head_dim)
        ctx = causal_attention(q, k, v, head_dim ** -0.5, window).transpose(0, 1).reshape(n, heads * head_dim)
        x = x + lin(p + "self_attn.o_proj", ctx)
        h = rms_norm(x, w[p + "post_attention_layernorm.weight"], eps)
        x = x + lin(p + "mlp.down_proj", F.silu(lin(p + "mlp.gate_proj", h)) * lin(p + "mlp.up_proj", h))
    x = rms_norm(x, w["model.norm.weight"], eps)
    head = w["model.embed_tokens.weight"] if cfg.get("tie_word_embeddings", False) else w["lm_head.weight"]
    return F.linear(x, head)


# ---- GPT-2 --------------------------------------------------------------------------------------------

def gpt2(cfg, w, ids):
    e, heads = cfg["n_embd"], cfg["n_head"]
    eps = cfg["layer_norm_epsilon"]
    assert cfg["activation_function"] == "gelu_new"
    n = len(ids)
    d = e // heads
    x = w["transformer.wte.weight"][torch.tensor(ids)] + w["transformer.wpe.weight"][:n]

    def conv1d(name, t):  # Conv1D: weight [in, out]
        return torch.addmm(w[name + ".bias"], t, w[name + ".weight"])

    def ln(name, t):
        return F.layer_norm(t, (e,), w[name + ".weight"], w[name + ".bias"], eps)

    for layer in range(cfg["n_layer"]):
        p = f"transformer.h.{layer}."
        q, k, v = conv1d(p + "attn.c_attn", ln(p + "ln_1", x)).split(e, dim=-1)
        q, k, v = (t.view(n, heads, d).transpose(0, 1) for t in (q, k, v))
        scale = (d ** -0.5 if cfg.get("scale_attn_weights", True) else 1.0)
        if cfg.get("scale_attn_by_inverse_layer_idx", False):
            scale /= layer + 1
        ctx = causal_attention(q, k, v, scale).transpose(0, 1).reshape(n, e)
        x = x + conv1d(p + "attn.c_proj", ctx)
        x = x + conv1d(p + "mlp.c_proj", F.gelu(conv1d(p + "mlp.c_fc", ln(p + "ln_2", x)), approximate="tanh"))
    x = ln("transformer.ln_f", x)
    return F.linear(x, w["transformer.wte.weight"])


def main(root):
    out = {"generator": f"torch_reference.py with torch {torch.__version__}, float64", "tokens": TOKENS,
           "variants": {}}
    for variant in sorted(os.listdir(root)):
        d = os.path.join(root, variant)
        with open(os.path.join(d, "config.json")) as f:
            cfg = json.load(f)
        w = read_weights(d)
        with torch.no_grad():
            if cfg["architectures"][0] == "GPT2LMHeadModel":
                logits = gpt2(cfg, w, TOKENS)
            else:
                logits = llama_family(cfg, w, TOKENS)
        out["variants"][variant] = {
            "sha256": dir_digest(d),
            "logits": [[float("%.10g" % v) for v in row] for row in logits.tolist()],
        }
    json.dump(out, sys.stdout, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
