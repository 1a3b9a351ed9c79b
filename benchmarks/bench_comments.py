"""Benchmark: comment themes with the packaged model vs a keyword baseline (speed and quality).

Speed: ``clinwell.comments.classify`` on N distinct comments (default 10,000) of one to three
sentences, assembled from the sentences of the labelled sets and the synthetic-comment phrases
(every comment distinct, so no repeat is skipped), timed end to end after loading the model;
the keyword baseline — regular expressions per theme and a small sentiment word list, what an
analyst would write first — on the same comments. Wall time, CPU time and the load average
are printed because the machine is shared: on a busy machine the wall time exceeds the CPU
time divided by the cores.

Quality: both on the held-out labelled set (``clinwell comments evaluate`` prints the same
figures for the model), macro-F1 over the ten themes and sentiment accuracy.

Run:  .venv/bin/python benchmarks/bench_comments.py [--comments 10000]
"""

from __future__ import annotations

import argparse
import os
import re
import time

import numpy as np

from clinwell.comments import THEME_KEYS, Classification, classify
from clinwell.comments.encoder import default_workers, load_encoder
from clinwell.comments.evaluation import evaluate
from clinwell.comments.labelled import HELDOUT, TRAIN, load_labelled
from clinwell.synth.comments import PHRASES

KEYWORDS: dict[str, str] = {
    "ehr_documentation": r"\b(ehr|emr|epic|cerner|chart\w*|note|notes|document\w*|inbox|in-basket|"
    r"portal|click\w*|template\w*|scribe\w*|dictat\w*|pajama|log ?in|alert\w*|message\w*)\b",
    "workload_staffing": r"\b(staff\w*|short[- ]staffed|understaff\w*|workload|volume|patients? "
    r"(a|per) day|ratio\w*|census|panel|productivity|rvu\w*|overbook\w*|vacanc\w*|hire\w*|"
    r"hiring|pace|too many patients|break)\b",
    "leadership_support": r"\b(leader\w*|manage\w*|director|chair|executive\w*|administration|"
    r"supervisor|cmo|cno|ceo|c-suite|chief|listen\w*|transparen\w*|trust)\b",
    "teamwork_culture": r"\b(colleague\w*|coworker\w*|team\w*|culture|bully\w*|clique\w*|"
    r"respect\w*|incivility|belong\w*|excluded|toxic|gossip|camaraderie)\b",
    "administrative_burden": r"\b(prior auth\w*|authori[sz]ation\w*|insur\w*|payer\w*|denial\w*|"
    r"denied|appeal\w*|billing|coding|compliance|regulat\w*|paperwork|forms?|mips|hedis|"
    r"quality (measure|metric|report)\w*|modules?)\b",
    "schedule_flexibility": r"\b(schedul\w*|call|shift\w*|weekend\w*|nights?|vacation|pto|"
    r"time off|part[- ]time|fte|childcare|child care|daycare|holiday\w*|leave|flexib\w*)\b",
    "compensation_recognition": r"\b(pay|paid|salar\w*|raise\w*|bonus\w*|compensat\w*|benefits?|"
    r"wage\w*|underpaid|valued|appreciat\w*|recogni\w*|thank\w*|award\w*)\b",
    "mental_health_support": r"\b(mental health|counsel\w*|therap\w*|eap|peer support|stigma|"
    r"suicid\w*|depress\w*|anxiety|grie\w*|debrief\w*|psychiatr\w*|burn\w*out|crisis)\b",
    "safety_violence": r"\b(violen\w*|assault\w*|threat\w*|security|attack\w*|punch\w*|hit|"
    r"kick\w*|bitten|abuse|unsafe|safe|weapon|gun|knife|panic button\w*|aggressive)\b",
    "positive_meaning": r"\b(love|joy|meaning\w*|purpose|grateful|gratitude|proud|privilege\w*|"
    r"fulfill\w*|rewarding|happy|thankful)\b",
}
NEGATIVE = re.compile(
    r"\b(not|no|never|nobody|nothing|too|unsafe|hate|awful|worse|burn\w*|exhaust\w*|"
    r"frustrat\w*|ridiculous|absurd|unfair|short|lack|afraid|dread|impossible)\b"
)
POSITIVE = re.compile(
    r"\b(love|great|thank\w*|grateful|appreciat\w*|proud|wonderful|amazing|happy|best|improv\w*)\b"
)
PATTERNS = {k: re.compile(p) for k, p in KEYWORDS.items()}


def keyword_classify(texts: list[str]) -> list[Classification]:
    """The baseline: a theme when its pattern matches; sentiment by counting cue words."""
    out = []
    for text in texts:
        lower = text.lower()
        themes = tuple(k for k in THEME_KEYS if PATTERNS[k].search(lower))
        score = len(POSITIVE.findall(lower)) - len(NEGATIVE.findall(lower))
        sentiment = "positive" if score > 0 else "negative" if score < 0 else "neutral"
        out.append(Classification(themes, sentiment))
    return out


def benchmark_comments(n: int, seed: int = 5) -> list[str]:
    """``n`` distinct comments of 1–3 sentences (50%, 35%, 15%)."""
    sentences: set[str] = set()
    for name in (TRAIN, HELDOUT):
        for text in load_labelled(name).texts:
            sentences.update(s for s in re.split(r"(?<=[.!?])\s+", text) if len(s.split()) >= 3)
    sentences.update(s.replace("{place}", "the clinic") for v in PHRASES.values() for s, _ in v)
    pool = sorted(sentences)
    rng = np.random.default_rng(seed)
    seen: set[str] = set()
    texts: list[str] = []
    while len(texts) < n:
        k = int(rng.choice([1, 2, 3], p=[0.5, 0.35, 0.15]))
        text = " ".join(pool[i] for i in rng.choice(len(pool), k, replace=False))
        if text not in seen:
            seen.add(text)
            texts.append(text)
    return texts


def timed(label: str, fn, *args):  # type: ignore[no-untyped-def]
    load = os.getloadavg()[0]
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn(*args)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{label:34s} wall {wall:7.2f} s   cpu {cpu:7.2f} s   load before {load:.1f}")
    return result, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--comments", type=int, default=10_000)
    args = parser.parse_args()
    encoder, _ = timed("load the model (once per process)", load_encoder)
    texts = benchmark_comments(args.comments)
    tokens = np.mean([len(encoder.tokenizer.encode(t)) for t in texts])
    words = np.mean([len(t.split()) for t in texts])
    workers = default_workers()
    print(
        f"{len(texts):,} distinct comments, mean {words:.1f} words / {tokens:.1f} word pieces; "
        f"{workers} worker thread(s), {os.cpu_count()} CPUs"
    )
    _, model_wall = timed("model: classify", classify, texts)
    _, keyword_wall = timed("keyword baseline", keyword_classify, texts)
    print(
        f"model: {len(texts) / model_wall:,.0f} comments/s; "
        f"keywords {len(texts) / keyword_wall:,.0f}/s"
    )

    heldout = load_labelled(HELDOUT)
    for name, fn in (("model", classify), ("keyword baseline", keyword_classify)):
        result = evaluate(heldout, fn(list(heldout.texts)))
        per_theme = " ".join(f"{s.f1:.2f}" for s in result.themes)
        print(
            f"{name:17s} held-out macro-F1 {result.macro_f1:.3f}  sentiment accuracy "
            f"{result.sentiment_accuracy:.3f}  per theme F1: {per_theme}"
        )


if __name__ == "__main__":
    main()
