#!/usr/bin/env python3
"""Writes tiny random-weights llama GGUF models with a real Qwen tokenizer and chat template.

    python3 scripts/make-test-models.py <out-dir> --src <llama.cpp source dir>

The source dir (cloned from node-llama-cpp's llama/gitRelease.bundle) provides gguf-py, the
vocab-only GGUFs under models/ and the chat templates under models/templates/. Output, made in a
few seconds and bit-for-bit the same on every run:

  tiny-plain.gguf    Qwen2.5 template, answers a chat turn in a handful of tokens, then <|im_end|>
  tiny-think.gguf    Qwen3.5 template (generation prompt opens <think>), reasons a few tokens,
                     closes </think>, answers, then <|im_end|>
  tiny-runaway.gguf  Qwen2.5 template, never emits an end-of-turn / end-of-text / special token

How the weights steer the output: the residual stream has a "bias" channel (constant 1 in every
token embedding) and one "stage" channel per position of a short scripted phrase (every token's
embedding has 1 in its own stage's channel). No layer writes to those channels (their rows in
attn_output and ffn_down are zero), so after the final norm the output matrix sees them intact and
turns them into logits: the bias channel gives every token a global preference (JSON punctuation
and the phrase words up, control tokens far down), and the stage channel of the current token
strongly favours the next words of the phrase. Everything else is random noise small enough to
only break ties, so greedy and sampled decoding both follow the phrase, while under a grammar the
global preference closes strings and objects as soon as the grammar allows.
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
from pathlib import Path

SEED = 20240601
N_EMBD = 64
N_LAYER = 2
N_HEAD = 4
N_HEAD_KV = 2
N_FF = 256
N_CTX = 4096
RMS_EPS = 1e-6
ROPE_BASE = 1000000.0

# Qwen2.5's added tokens (token ids 151643..151664) and Qwen3's extra ones (..151668). The vocab-only
# GGUFs in llama.cpp carry them as "[PAD<id>]" placeholders; real Qwen GGUFs carry the real text.
QWEN25_ADDED = [
    '<|endoftext|>', '<|im_start|>', '<|im_end|>', '<|object_ref_start|>', '<|object_ref_end|>',
    '<|box_start|>', '<|box_end|>', '<|quad_start|>', '<|quad_end|>', '<|vision_start|>', '<|vision_end|>',
    '<|vision_pad|>', '<|image_pad|>', '<|video_pad|>', '<tool_call>', '</tool_call>', '<|fim_prefix|>',
    '<|fim_middle|>', '<|fim_suffix|>', '<|fim_pad|>', '<|repo_name|>', '<|file_sep|>',
]
QWEN3_ADDED = QWEN25_ADDED + ['<tool_response>', '</tool_response>', '<think>', '</think>']
FIRST_ADDED = 151643
TOKEN_NORMAL, TOKEN_CONTROL, TOKEN_USER_DEFINED = 1, 3, 4

# The scripted phrases: each inner list is one position; any of its tokens may be picked there.
ANSWER = [['Hello', 'Sure', 'OK'], [','], ['ĠI'], ['Ġcan', 'Ġwill'], ['Ġhelp', 'Ġcheck'], ['Ġwith'],
          ['Ġthat', 'Ġthis'], ['.']]
REASONING = [['Okay', 'Alright'], ['Ġso'], ['Ġthe'], ['Ġuser', 'Ġquestion'], ['Ġis', 'Ġseems'],
             ['Ġsimple', 'Ġclear'], ['.Ċ']]
RUNAWAY_LINK = ['ĠThen', 'ĠAlso']  # "... with that. Then, I can ..." (loops back to the comma)
STRING_CLOSE = ['"', '"}', '",', '"]']  # favoured after a phrase: a grammar-bound string value ends there
JSON_PUNCT = ['"', '{', '}', '[', ']', ':', ',', '":', '",', '"}', '{"', '":"', 'Ġ"', '"]', '["', '},', '}]']

# Logit levels (before temperature).
G_WORD = 6.0      # phrase words, everywhere
G_PUNCT = 12.0    # JSON punctuation, everywhere: wins among grammar-allowed tokens
G_SPECIAL = -30.0  # control / user-defined / unused tokens
G_EOT = 4.0       # <|im_end|> globally (plain/think); the phrase end adds T_NEXT on top
G_NEVER = -60.0   # every end token in the runaway model
T_NEXT = 24.0     # the next phrase position, given the current token's stage
T_CLOSE = 10.0    # STRING_CLOSE after the last answer position (plain/think), below <|im_end|>
NOISE_EMBD = 0.15
NOISE_OUT = 0.10


def read_gguf_kv(path: Path) -> dict:
    """Reads the KV section of a GGUF file (enough for the vocab-only files; tensors are ignored)."""
    data = path.read_bytes()
    if data[:4] != b'GGUF':
        raise SystemExit(f'{path} is not a GGUF file')
    version, _n_tensors, n_kv = struct.unpack_from('<IQQ', data, 4)
    if version != 3:
        raise SystemExit(f'{path}: GGUF version {version} is not supported')
    off = 24
    scalar = {0: 'B', 1: 'b', 2: 'H', 3: 'h', 4: 'I', 5: 'i', 6: 'f', 7: '?', 10: 'Q', 11: 'q', 12: 'd'}

    def read_value(vtype: int):
        nonlocal off
        if vtype == 8:
            (n,) = struct.unpack_from('<Q', data, off)
            off += 8
            s = data[off:off + n].decode('utf-8')
            off += n
            return s
        if vtype == 9:
            etype, count = struct.unpack_from('<IQ', data, off)
            off += 12
            if etype in scalar:
                fmt = scalar[etype]
                size = struct.calcsize(fmt)
                values = list(struct.unpack_from(f'<{count}{fmt}', data, off))
                off += size * count
                return (etype, values)
            return (etype, [read_value(etype) for _ in range(count)])
        fmt = scalar[vtype]
        (v,) = struct.unpack_from('<' + fmt, data, off)
        off += struct.calcsize(fmt)
        return v

    kv = {}
    for _ in range(n_kv):
        (n,) = struct.unpack_from('<Q', data, off)
        off += 8
        key = data[off:off + n].decode('utf-8')
        off += n
        (vtype,) = struct.unpack_from('<I', data, off)
        off += 4
        kv[key] = read_value(vtype)
    return kv


def load_tokenizer(src: Path, vocab: str, added: list[str]):
    kv = read_gguf_kv(src / 'models' / f'ggml-vocab-{vocab}.gguf')
    tokens = list(kv['tokenizer.ggml.tokens'][1])
    types = list(kv['tokenizer.ggml.token_type'][1])
    merges = list(kv['tokenizer.ggml.merges'][1])
    for i, text in enumerate(added):
        tid = FIRST_ADDED + i
        if tokens[tid] != text and not tokens[tid].startswith('[PAD'):
            raise SystemExit(f'unexpected token {tid} {tokens[tid]!r} in the {vocab} vocab')
        tokens[tid] = text
        looks_special = text.startswith('<|') and text.endswith('|>')
        types[tid] = TOKEN_CONTROL if looks_special else TOKEN_USER_DEFINED
    return kv, tokens, types, merges


def build(src: Path, out: Path, variant: str, np, gguf) -> None:
    think = variant == 'think'
    runaway = variant == 'runaway'
    vocab = 'qwen35' if think else 'qwen2'
    template_name = 'Qwen3.5-4B.jinja' if think else 'Qwen-Qwen2.5-7B-Instruct.jinja'
    template = (src / 'models' / 'templates' / template_name).read_text(encoding='utf-8')
    if think and "{{- '<think>\\n' }}" not in template:
        raise SystemExit(f'{template_name}: the generation prompt no longer opens <think>')
    kv, tokens, types, merges = load_tokenizer(src, vocab, QWEN3_ADDED if think else QWEN25_ADDED)
    n_vocab = len(tokens)
    index = {t: i for i, t in enumerate(tokens)}

    def tid(text: str) -> int:
        if text not in index:
            raise SystemExit(f'token {text!r} is missing from the {vocab} vocab')
        return index[text]

    im_end, endoftext = tid('<|im_end|>'), tid('<|endoftext|>')

    # Stages: one per phrase position plus a few structural ones. Every token not listed sits in 'default'.
    stage_of: dict[int, str] = {}
    stages = ['default', 'nl', 'nlnl', 'think_end', 'link']
    for name, phrase in (('a', ANSWER), ('r', REASONING if think else [])):
        for pos, words in enumerate(phrase):
            stages.append(f'{name}{pos}')
            for w in words:
                stage_of[tid(w)] = f'{name}{pos}'
    stage_of[tid('Ċ')] = 'nl'
    stage_of[tid('ĊĊ')] = 'nlnl'
    if think:
        stage_of[tid('</think>')] = 'think_end'
    if runaway:
        for w in RUNAWAY_LINK:
            stage_of[tid(w)] = 'link'
    ch = {s: 1 + i for i, s in enumerate(stages)}
    n_struct = 1 + len(stages)
    assert n_struct < N_EMBD // 2

    # Transitions: stage -> tokens favoured next.
    nxt: dict[str, list[int]] = {}
    answer_start = [tid(w) for w in ANSWER[0]]
    nxt['default'] = answer_start
    nxt['nlnl'] = answer_start
    nxt['nl'] = [tid(w) for w in REASONING[0]] if think else answer_start
    for pos in range(len(ANSWER) - 1):
        nxt[f'a{pos}'] = [tid(w) for w in ANSWER[pos + 1]]
    last = f'a{len(ANSWER) - 1}'
    close: dict[str, list[int]] = {}
    if runaway:
        nxt[last] = [tid(w) for w in RUNAWAY_LINK]
        nxt['link'] = [tid(w) for w in ANSWER[1]]
    else:
        nxt[last] = [im_end]
        close[last] = [tid(w) for w in STRING_CLOSE]
    if think:
        for pos in range(len(REASONING) - 1):
            nxt[f'r{pos}'] = [tid(w) for w in REASONING[pos + 1]]
        nxt[f'r{len(REASONING) - 1}'] = [tid('</think>')]
        nxt['think_end'] = [tid('ĊĊ')]

    rng = np.random.default_rng(SEED)

    # Global preference (bias channel).
    bias = np.zeros(n_vocab, dtype=np.float32)
    types_np = np.array(types)
    bias[types_np != TOKEN_NORMAL] = G_SPECIAL
    for phrase in (ANSWER, REASONING if think else [], [RUNAWAY_LINK] if runaway else []):
        for words in phrase:
            for w in words:
                bias[tid(w)] = G_WORD
    for w in JSON_PUNCT:
        bias[tid(w)] = G_PUNCT
    if runaway:
        bias[[im_end, endoftext]] = G_NEVER
    else:
        bias[im_end] = G_EOT
    if think:
        bias[tid('</think>')] = G_EOT  # like <|im_end|>: only the end of the reasoning phrase picks it

    # Token embeddings: [bias=1, one-hot stage, noise].
    n_noise = N_EMBD - n_struct
    embd = np.zeros((n_vocab, N_EMBD), dtype=np.float32)
    embd[:, 0] = 1.0
    stage_col = np.full(n_vocab, ch['default'], dtype=np.int64)
    for t, s in stage_of.items():
        stage_col[t] = ch[s]
    embd[np.arange(n_vocab), stage_col] = 1.0
    embd[:, n_struct:] = rng.standard_normal((n_vocab, n_noise), dtype=np.float32) * NOISE_EMBD

    # Expected 1/rms of the final residual (layers add roughly as much noise again as the embedding holds).
    k = 1.0 / np.sqrt((2.0 + 2.0 * n_noise * NOISE_EMBD ** 2) / N_EMBD)

    out_w = np.zeros((n_vocab, N_EMBD), dtype=np.float32)
    out_w[:, 0] = bias / k
    for s, targets in nxt.items():
        out_w[targets, ch[s]] = T_NEXT / k
    for s, targets in close.items():
        out_w[targets, ch[s]] = T_CLOSE / k
    out_w[:, n_struct:] = rng.standard_normal((n_vocab, n_noise), dtype=np.float32) * NOISE_OUT

    head_dim = N_EMBD // N_HEAD
    writer = gguf.GGUFWriter(str(out), 'llama')
    writer.add_name(f'duck-tiny-{variant}')
    writer.add_description('Random-weights test model for Duck (scripts/make-test-models.py); not a language model.')
    writer.add_context_length(N_CTX)
    writer.add_embedding_length(N_EMBD)
    writer.add_block_count(N_LAYER)
    writer.add_feed_forward_length(N_FF)
    writer.add_head_count(N_HEAD)
    writer.add_head_count_kv(N_HEAD_KV)
    writer.add_rope_dimension_count(head_dim)
    writer.add_rope_freq_base(ROPE_BASE)
    writer.add_layer_norm_rms_eps(RMS_EPS)
    writer.add_vocab_size(n_vocab)
    writer.add_file_type(gguf.LlamaFileType.MOSTLY_Q8_0)
    writer.add_tokenizer_model(kv['tokenizer.ggml.model'])
    writer.add_tokenizer_pre(kv['tokenizer.ggml.pre'])
    writer.add_token_list(tokens)
    writer.add_token_types(types)
    writer.add_token_merges(merges)
    # As in Qwen's own instruct GGUFs: eos is <|im_end|>, bos/pad <|endoftext|>, no bos added.
    writer.add_bos_token_id(kv['tokenizer.ggml.bos_token_id'])
    writer.add_eos_token_id(im_end)
    writer.add_pad_token_id(kv['tokenizer.ggml.padding_token_id'])
    writer.add_add_bos_token(False)
    writer.add_chat_template(template)
    writer.add_quantization_version(gguf.GGML_QUANT_VERSION)

    def q8(name: str, a) -> None:
        writer.add_tensor(name, gguf.quantize(a, gguf.GGMLQuantizationType.Q8_0), raw_dtype=gguf.GGMLQuantizationType.Q8_0)

    def f16(name: str, a) -> None:
        writer.add_tensor(name, a.astype(np.float16))

    def rand(rows: int, cols: int, scale: float = 1.0):
        return (rng.standard_normal((rows, cols), dtype=np.float32) * (scale / np.sqrt(cols))).astype(np.float32)

    q8('token_embd.weight', embd)
    for i in range(N_LAYER):
        writer.add_tensor(f'blk.{i}.attn_norm.weight', np.ones(N_EMBD, dtype=np.float32))
        f16(f'blk.{i}.attn_q.weight', rand(N_EMBD, N_EMBD))
        f16(f'blk.{i}.attn_k.weight', rand(N_HEAD_KV * head_dim, N_EMBD))
        f16(f'blk.{i}.attn_v.weight', rand(N_HEAD_KV * head_dim, N_EMBD))
        wo = rand(N_EMBD, N_EMBD, 0.1)
        wo[:n_struct, :] = 0.0  # no layer writes to the bias/stage channels
        f16(f'blk.{i}.attn_output.weight', wo)
        writer.add_tensor(f'blk.{i}.ffn_norm.weight', np.ones(N_EMBD, dtype=np.float32))
        f16(f'blk.{i}.ffn_gate.weight', rand(N_FF, N_EMBD))
        f16(f'blk.{i}.ffn_up.weight', rand(N_FF, N_EMBD))
        wd = rand(N_EMBD, N_FF, 0.1)
        wd[:n_struct, :] = 0.0
        f16(f'blk.{i}.ffn_down.weight', wd)
    writer.add_tensor('output_norm.weight', np.ones(N_EMBD, dtype=np.float32))
    q8('output.weight', out_w)

    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('out_dir')
    parser.add_argument('--src', default=os.environ.get('LLAMA_CPP_SRC'), help='llama.cpp source dir')
    parser.add_argument('--only', choices=['plain', 'think', 'runaway'], action='append')
    args = parser.parse_args()
    if not args.src:
        raise SystemExit('pass --src <llama.cpp source dir> (or set LLAMA_CPP_SRC)')
    src = Path(args.src).resolve()
    sys.path.insert(0, str(src / 'gguf-py'))
    import numpy as np  # noqa: E402
    import gguf  # noqa: E402

    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for variant in args.only or ['plain', 'think', 'runaway']:
        build(src, out_dir / f'tiny-{variant}.gguf', variant, np, gguf)


if __name__ == '__main__':
    main()
