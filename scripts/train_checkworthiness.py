"""Train the check-worthiness model and write tasks/claims/models/checkworthiness.json.gz.

    python scripts/train_checkworthiness.py ../shared/data

Needs the dev extra (scikit-learn). Trains on ClaimBuster crowdsourced.csv (CFS = check-worthy);
the regularisation strength and the decision threshold are chosen by 5-fold cross-validation on
that file. The CheckThat! 2024 dev-test split, whose balance differs, is only reported. The
evaluation sets (ClaimBuster groundtruth.csv, which is also the CheckThat! 2024 dev split, and the
CheckThat! 2024 test split) are read only to drop training sentences with the same text.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import gzip
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sklearn.feature_extraction import DictVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import f1_score  # noqa: E402
from sklearn.model_selection import StratifiedKFold, cross_val_predict  # noqa: E402

from tasks.claims.checkworthiness import MODEL_FILE, LinearModel, featurize  # noqa: E402
from tasks.claims.extract import score_sentence  # noqa: E402
from tasks.claims.quantities import extract_quantities  # noqa: E402


def features_of(text: str) -> dict[str, float]:
    _, reasons = score_sentence(text, extract_quantities(text), False)
    return featurize(text, reasons)


def _key(text: str) -> str:
    return " ".join(text.lower().split())


def evaluation_texts(data: Path) -> set[str]:
    """Sentences of the evaluation sets, read only to keep them out of training."""
    with (data / "claimbuster" / "groundtruth.csv").open(encoding="utf-8") as handle:
        texts = {_key(r["Text"]) for r in csv.DictReader(handle)}
    test = data / "checkthat2024_task1_en" / "CT24_checkworthy_english_test_gold.tsv"
    texts.update(_key(t) for t in load_checkthat(test)[0])
    return texts


def load_crowdsourced(data: Path) -> tuple[list[str], list[int]]:
    """crowdsourced.csv, less any sentence whose text is also in an evaluation set (15 short
    ones such as "Thank you." share their text with groundtruth.csv, though not their ids)."""
    excluded = evaluation_texts(data)
    with (data / "claimbuster" / "crowdsourced.csv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if _key(r["Text"]) not in excluded]
    return [r["Text"] for r in rows], [1 if r["Verdict"] == "1" else 0 for r in rows]


def load_checkthat(path: Path) -> tuple[list[str], list[int]]:
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [r["Text"] for r in rows], [1 if r["class_label"] == "Yes" else 0 for r in rows]


def best_threshold(labels: list[int], probabilities: list[float]) -> tuple[float, float]:
    candidates = [t / 100 for t in range(10, 91)]
    scored = [(f1_score(labels, [p >= t for p in probabilities]), t) for t in candidates]
    f1, threshold = max(scored)
    return threshold, f1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument(
        "--out", type=Path, default=ROOT / "tasks" / "claims" / "models" / MODEL_FILE
    )
    parser.add_argument("--keep", type=int, default=60_000, help="features kept, by |weight|")
    args = parser.parse_args()

    texts, labels = load_crowdsourced(args.data_dir)
    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform([features_of(t) for t in texts]).tocsr()
    matrix.indices = matrix.indices.astype("int32")  # liblinear wants 32-bit indices
    matrix.indptr = matrix.indptr.astype("int32")
    folds = StratifiedKFold(5, shuffle=True, random_state=7)
    results = []
    for c in (2.0, 4.0, 8.0):
        model = LogisticRegression(C=c, max_iter=2000, solver="liblinear")
        probabilities = cross_val_predict(model, matrix, labels, cv=folds, method="predict_proba")
        threshold, f1 = best_threshold(labels, list(probabilities[:, 1]))
        print(f"C={c}: cross-validated CFS F1 {f1:.3f} at threshold {threshold:.2f}")
        results.append((f1, c, threshold))
    cv_f1, c, threshold = max(results)
    model = LogisticRegression(C=c, max_iter=2000, solver="liblinear").fit(matrix, labels)

    names = vectorizer.get_feature_names_out()
    ranked = sorted(zip(model.coef_[0], names, strict=True), key=lambda x: -abs(x[0]))
    weights = {str(n): round(float(w), 5) for w, n in ranked[: args.keep] if abs(w) > 1e-4}
    final = LinearModel(weights, float(model.intercept_[0]), threshold, {})

    dev_texts, dev_labels = load_checkthat(
        args.data_dir / "checkthat2024_task1_en" / "CT24_checkworthy_english_dev-test.tsv"
    )
    dev_predictions = [final.probability(features_of(t)) >= threshold for t in dev_texts]
    dev_f1 = f1_score(dev_labels, dev_predictions)
    print(f"chosen C={c}, threshold {threshold:.2f}; CheckThat! 2024 dev-test F1 {dev_f1:.3f}")
    final = LinearModel(
        weights,
        final.intercept,
        threshold,
        {
            "trained_on": "ClaimBuster crowdsourced.csv (CFS vs rest), less evaluation-set texts",
            "training_sentences": len(texts),
            "threshold_tuned_on": "5-fold cross-validation on the training file",
            "C": c,
            "cross_validated_f1": round(cv_f1, 4),
            "checkthat2024_dev_test_f1": round(dev_f1, 4),
            "features": len(weights),
            "trained": datetime.date.today().isoformat(),
        },
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(gzip.compress(json.dumps(final.to_json()).encode(), mtime=0))
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KiB, {len(weights)} features)")


if __name__ == "__main__":
    main()
