#!/usr/bin/env python3
"""Trains credit-lite, a logistic model on 8 German Credit attributes; writes model.onnx and card.yaml.

Reuses the MLP scorer's encoding, split and cost-based threshold (models/credit/train.py), so the two
models are comparable. Deterministic (full-batch gradient descent from zeros). Run with /usr/bin/python3
(Debian python3-numpy, python3-onnx, python3-yaml, python3-torch for the shared helpers).
"""
import hashlib
import json
import os
import sys

import numpy as np
import onnx
import yaml
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # the shared helpers live in other folders: leave no __pycache__ there
sys.path.insert(0, os.path.join(os.path.dirname(HERE), 'credit'))
sys.path.insert(0, os.path.dirname(HERE))
import train as base  # noqa: E402  (models/credit/train.py: encoding, split, cost)
from metrics import ece, roc_auc  # noqa: E402

L2 = 1e-2
STEPS = 4000
LEARNING_RATE = 0.5


def fit(X, y):
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(STEPS):
        p = 1 / (1 + np.exp(-(X @ w + b)))
        w -= LEARNING_RATE * (X.T @ (p - y) / len(y) + L2 * w)
        b -= LEARNING_RATE * float((p - y).mean())
    return w, b


def main():
    rng = np.random.RandomState(base.SEED)
    spec = json.load(open(os.path.join(HERE, 'features.json')))
    mapping = json.load(open(os.path.join(HERE, '..', 'credit', 'data', 'german_credit_tidy_mapping.json')))
    rows = base.load_rows()
    positive = spec['target']['positive_class']
    labels = [1 if r[spec['target']['column']] == positive else 0 for r in rows]
    train, val, test = base.stratified_split(labels, rng)
    features = base.build_encoding(spec, rows, mapping, train)
    X = np.array([base.encode(r, features) for r in rows], dtype=np.float64)
    y = np.array(labels, dtype=np.float64)
    w, b = fit(X[train], y[train])
    p = 1 / (1 + np.exp(-(X.astype(np.float32) @ w.astype(np.float32) + np.float32(b))))
    candidates = sorted(set(np.round(p[val], 6)))
    threshold = min(candidates, key=lambda t: (base.cost(y[val], p[val], t), t))
    yt, pt = y[test], p[test]
    refused = pt >= threshold
    evaluation = {
        'split': f'stratified 60/20/20 (train {len(train)}, validation {len(val)}, test {len(test)}), seed {base.SEED}',
        'test': {
            'n': len(test), 'roc_auc': round(roc_auc(yt, pt), 4),
            'accuracy': round(float((refused == (yt == 1)).mean()), 4),
            'cost_weighted_error': round(base.cost(yt, pt, threshold) / len(test), 4),
            'sensitivity_bad': round(float(refused[yt == 1].mean()), 4),
            'specificity_good': round(float((~refused)[yt == 0].mean()), 4),
            'ece_10_bins': round(ece(yt, pt), 4),
        },
        'validation_roc_auc': round(roc_auc(y[val], p[val]), 4),
    }

    graph = helper.make_graph(
        [helper.make_node('Gemm', ['features', 'W', 'B'], ['logit'], name='logistic', transB=1),
         helper.make_node('Sigmoid', ['logit'], ['probability'], name='head')],
        'credit_lite',
        [helper.make_tensor_value_info('features', TensorProto.FLOAT, ['batch', X.shape[1]])],
        [helper.make_tensor_value_info('probability', TensorProto.FLOAT, ['batch', 1])],
        [numpy_helper.from_array(w.astype(np.float32)[None, :], 'W'), numpy_helper.from_array(np.array([b], dtype=np.float32), 'B')])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 17)], producer_name='models/credit-lite/train.py')
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx_path = os.path.join(HERE, 'model.onnx')
    onnx.save(model, onnx_path)

    card = yaml.safe_load(open(os.path.join(HERE, 'card.base.yaml')))
    card['model_file'] = 'model.onnx'
    card['sha256'] = hashlib.sha256(open(onnx_path, 'rb').read()).hexdigest()
    card['preprocessing'] = {
        'kind': 'tabular', 'input': 'features', 'columns': int(X.shape[1]), 'features': features,
        'note': 'categorical: one-hot in the listed level order; numeric: (transform(x) - mean) / std, transform log = natural log',
    }
    card['output'] = {
        'name': 'probability', 'kind': 'probability', 'head': 'sigmoid', 'classes': spec['target']['classes'],
        'positive_class': positive, 'threshold': float(threshold),
        'decision': f'refuse when the probability of {positive} is at or above the threshold',
        'threshold_selection': 'least total cost on the validation split with the UCI cost matrix (5 for a bad predicted good, 1 for a good predicted bad)',
    }
    # The base file's evaluation entries (e.g. explanation_quality, from EVALUATION.md) stay beside the computed ones.
    card['evaluation'] = {**evaluation, **card.get('evaluation', {})}
    card['training'] = {'script': 'models/credit-lite/train.py', 'seed': base.SEED,
                        'method': f'logistic regression, L2 {L2}, full-batch gradient descent ({STEPS} steps, rate {LEARNING_RATE})'}
    with open(os.path.join(HERE, 'card.yaml'), 'w', encoding='utf-8') as f:
        f.write('# Generated by models/credit-lite/train.py from card.base.yaml: edit that file, then retrain.\n')
        yaml.safe_dump(card, f, sort_keys=False, allow_unicode=True, width=110)
    print(json.dumps(evaluation, indent=1))


if __name__ == '__main__':
    sys.exit(main())
