"""BERT WordPiece tokenizer (uncased), in pure Python.

The same algorithm as the ``BertTokenizer`` that all-MiniLM-L6-v2 was trained with (Devlin et
al., 2019; Hugging Face ``BasicTokenizer`` + ``WordpieceTokenizer``): clean control characters,
put spaces around CJK ideographs, lower-case, strip accents (NFD, drop combining marks), split
on whitespace and punctuation, then split each word greedily into the longest pieces found in
the vocabulary (continuations prefixed ``##``); a word with no such split becomes ``[UNK]``.
Checked token-for-token against the reference tokenizer in ``tests/comments/test_encoder.py``.

References
----------
Devlin J, Chang M-W, Lee K, Toutanova K. BERT: pre-training of deep bidirectional transformers
for language understanding. NAACL 2019. arXiv:1810.04805.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

MAX_WORD_CHARS = 100


def _is_whitespace(ch: str) -> bool:
    return ch in " \t\n\r" or unicodedata.category(ch) == "Zs"


def _is_control(ch: str) -> bool:
    if ch in "\t\n\r":
        return False
    return unicodedata.category(ch) in ("Cc", "Cf")


def _is_punctuation(ch: str) -> bool:
    cp = ord(ch)
    # BERT treats every non-alphanumeric ASCII character as punctuation ("$", "^", "`").
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def _is_cjk(cp: int) -> bool:
    return (
        0x4E00 <= cp <= 0x9FFF
        or 0x3400 <= cp <= 0x4DBF
        or 0x20000 <= cp <= 0x2A6DF
        or 0x2A700 <= cp <= 0x2B73F
        or 0x2B740 <= cp <= 0x2B81F
        or 0x2B820 <= cp <= 0x2CEAF
        or 0xF900 <= cp <= 0xFAFF
        or 0x2F800 <= cp <= 0x2FA1F
    )


def basic_words(text: str) -> list[str]:
    """Lower-cased, accent-stripped words and punctuation marks of ``text`` (BERT's basic step)."""
    chars: list[str] = []
    for ch in text:
        cp = ord(ch)
        if cp == 0 or cp == 0xFFFD or _is_control(ch):
            continue
        if _is_whitespace(ch):
            chars.append(" ")
        elif _is_cjk(cp):
            chars.extend((" ", ch, " "))
        else:
            chars.append(ch)
    words: list[str] = []
    for token in "".join(chars).split():
        token = unicodedata.normalize("NFD", token.lower())
        token = "".join(ch for ch in token if unicodedata.category(ch) != "Mn")
        current: list[str] = []
        for ch in token:
            if _is_punctuation(ch):
                if current:
                    words.append("".join(current))
                    current = []
                words.append(ch)
            else:
                current.append(ch)
        if current:
            words.append("".join(current))
    return words


class WordPieceTokenizer:
    """Text to vocabulary ids, framed as ``[CLS] ... [SEP]`` and cut to ``max_length`` ids."""

    def __init__(self, vocab_file: Path, max_length: int) -> None:
        tokens = vocab_file.read_text(encoding="utf-8").split("\n")
        if tokens and tokens[-1] == "":
            tokens.pop()
        self.vocab: dict[str, int] = {tok: i for i, tok in enumerate(tokens)}
        self.max_length = max_length
        self.cls_id = self.vocab["[CLS]"]
        self.sep_id = self.vocab["[SEP]"]
        self.unk_id = self.vocab["[UNK]"]
        self.pad_id = self.vocab["[PAD]"]
        # Comments repeat the same words; caching each word's pieces makes tokenizing 10,000
        # comments a fraction of a second.
        self._pieces: dict[str, tuple[int, ...]] = {}

    def word_ids(self, word: str) -> tuple[int, ...]:
        """Greedy longest-match-first WordPiece ids of one basic word."""
        cached = self._pieces.get(word)
        if cached is not None:
            return cached
        ids: list[int] = []
        start = 0
        while start < len(word) and len(word) <= MAX_WORD_CHARS:
            end = len(word)
            found = None
            while start < end:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                found = self.vocab.get(piece)
                if found is not None:
                    break
                end -= 1
            if found is None:
                break
            ids.append(found)
            start = end
        if start < len(word) or not ids:
            ids = [self.unk_id]
        result = tuple(ids)
        self._pieces[word] = result
        return result

    def encode(self, text: str) -> list[int]:
        """Ids of ``[CLS] text [SEP]``, the text truncated so the whole fits ``max_length``."""
        ids = [self.cls_id]
        room = self.max_length - 2
        for word in basic_words(text):
            ids.extend(self.word_ids(word))
            if len(ids) - 1 >= room:
                del ids[room + 1 :]
                break
        ids.append(self.sep_id)
        return ids
