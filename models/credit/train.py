#!/usr/bin/env python3
"""Trains the German Credit scorer and writes model.onnx, card.yaml and encoding-fixture.json.

Reproducible: fixed seeds, single-threaded deterministic torch. Run with Debian's python
(/usr/bin/python3 with python3-torch, python3-numpy, python3-yaml), normally via `npm run models:train`.
"""
import csv
import hashlib
import json
import math
import os
import sys

import numpy as np
import torch
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from metrics import ece, roc_auc  # noqa: E402  (models/metrics.py)
SEED = 20261126
COST_FALSE_GOOD = 5.0  # predicting good for a bad applicant (UCI cost matrix)
COST_FALSE_BAD = 1.0


def load_rows():
    with open(os.path.join(HERE, 'data', 'german_credit_tidy.csv'), newline='', encoding='utf-8') as f:
        return list(csv.DictReader(f))


def levels_of(name, rows, mapping):
    group = mapping['groups'].get(name)
    if group:
        return [m['value'] for m in sorted(group['mapping'], key=lambda m: m['uci_code'])]
    # Binary attributes without a caret group (telephone): order by UCI code.
    pairs = sorted({(r[name + '_code'], r[name]) for r in rows})
    return [value for _, value in pairs]


def transform(value, kind):
    return math.log(value) if kind == 'log' else value


def build_encoding(spec, rows, mapping, train_index):
    features = []
    for f in spec['features']:
        if f['type'] == 'categorical':
            features.append({'name': f['name'], 'type': 'categorical', 'levels': levels_of(f['name'], rows, mapping)})
        else:
            values = np.array([transform(float(rows[i][f['name']]), f['transform']) for i in train_index])
            features.append({
                'name': f['name'], 'type': 'numeric', 'transform': f['transform'],
                'mean': float(values.mean()), 'std': float(values.std()), 'valid_range': f['valid_range'],
            })
    return features


def encode(row, features):
    out = []
    for f in features:
        if f['type'] == 'categorical':
            out.extend(1.0 if row[f['name']] == level else 0.0 for level in f['levels'])
        else:
            out.append((transform(float(row[f['name']]), f['transform']) - f['mean']) / f['std'])
    return out


def column_names(features):
    names = []
    for f in features:
        if f['type'] == 'categorical':
            names.extend(f"{f['name']}={level}" for level in f['levels'])
        else:
            names.append(f['name'])
    return names


def stratified_split(labels, rng):
    """60 % train, 20 % validation, 20 % test, stratified by label."""
    train, val, test = [], [], []
    for cls in (0, 1):
        idx = [i for i, y in enumerate(labels) if y == cls]
        rng.shuffle(idx)
        n = len(idx)
        test += idx[: n // 5]
        val += idx[n // 5: 2 * (n // 5)]
        train += idx[2 * (n // 5):]
    return sorted(train), sorted(val), sorted(test)


def cost(y, p, threshold):
    predicted_bad = p >= threshold
    return float((COST_FALSE_GOOD * ((y == 1) & ~predicted_bad) + COST_FALSE_BAD * ((y == 0) & predicted_bad)).sum())


class Scorer(torch.nn.Module):
    def __init__(self, inputs):
        super().__init__()
        self.net = torch.nn.Sequential(
            torch.nn.Linear(inputs, 32), torch.nn.ReLU(), torch.nn.Linear(32, 16), torch.nn.ReLU(), torch.nn.Linear(16, 1))

    def forward(self, x):
        return torch.sigmoid(self.net(x))


def main():
    torch.manual_seed(SEED)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    rng = np.random.RandomState(SEED)
    spec = json.load(open(os.path.join(HERE, 'features.json')))
    mapping = json.load(open(os.path.join(HERE, 'data', 'german_credit_tidy_mapping.json')))
    rows = load_rows()
    positive = spec['target']['positive_class']
    labels = [1 if r[spec['target']['column']] == positive else 0 for r in rows]
    train, val, test = stratified_split(labels, rng)
    features = build_encoding(spec, rows, mapping, train)
    X = np.array([encode(r, features) for r in rows], dtype=np.float32)
    y = np.array(labels, dtype=np.float32)

    model = Scorer(X.shape[1])
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-3)
    loss_fn = torch.nn.BCELoss()
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    best = (-1.0, None, 0)
    for epoch in range(400):
        model.train()
        perm = torch.from_numpy(rng.permutation(train))
        for start in range(0, len(perm), 64):
            batch = perm[start:start + 64]
            optimizer.zero_grad()
            loss = loss_fn(model(Xt[batch]).squeeze(1), yt[batch])
            loss.backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            val_auc = roc_auc(y[val], model(Xt[val]).squeeze(1).numpy())
        if val_auc > best[0]:
            best = (val_auc, {k: v.clone() for k, v in model.state_dict().items()}, epoch)
        elif epoch - best[2] >= 40:
            break
    model.load_state_dict(best[1])
    model.eval()
    with torch.no_grad():
        p = model(Xt).squeeze(1).numpy().astype(np.float64)

    # Operating threshold: least total cost on the validation split (5 for a missed bad, 1 for a refused good).
    candidates = sorted(set(np.round(p[val], 6)))
    threshold = min(candidates, key=lambda t: (cost(y[val], p[val], t), t))
    yt_, pt_ = y[test], p[test]
    predicted_bad = pt_ >= threshold
    evaluation = {
        'split': f'stratified 60/20/20 (train {len(train)}, validation {len(val)}, test {len(test)}), seed {SEED}',
        'test': {
            'n': len(test),
            'roc_auc': round(roc_auc(yt_, pt_), 4),
            'accuracy': round(float((predicted_bad == (yt_ == 1)).mean()), 4),
            'cost_weighted_error': round(cost(yt_, pt_, threshold) / len(test), 4),
            'cost_matrix': {'bad_predicted_good': COST_FALSE_GOOD, 'good_predicted_bad': COST_FALSE_BAD},
            'sensitivity_bad': round(float(predicted_bad[yt_ == 1].mean()), 4),
            'specificity_good': round(float((~predicted_bad)[yt_ == 0].mean()), 4),
            'ece_10_bins': round(ece(yt_, pt_), 4),
        },
        'validation_roc_auc': round(best[0], 4),
        'best_epoch': best[2],
    }

    onnx_path = os.path.join(HERE, 'model.onnx')
    torch.onnx.export(model, Xt[:1], onnx_path, opset_version=17, do_constant_folding=False,
                      input_names=['features'], output_names=['probability'],
                      dynamic_axes={'features': {0: 'batch'}, 'probability': {0: 'batch'}})
    sha256 = hashlib.sha256(open(onnx_path, 'rb').read()).hexdigest()

    card = yaml.safe_load(open(os.path.join(HERE, 'card.base.yaml')))
    card['model_file'] = 'model.onnx'
    card['sha256'] = sha256
    card['preprocessing'] = {
        'kind': 'tabular',
        'input': 'features',
        'columns': len(column_names(features)),
        'features': features,
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
    card['training'] = {
        'script': 'models/credit/train.py', 'seed': SEED, 'framework': f'torch {torch.__version__}',
        'architecture': f'Linear({X.shape[1]},32)-ReLU-Linear(32,16)-ReLU-Linear(16,1)-Sigmoid',
        'optimizer': 'Adam lr 1e-3, weight decay 1e-3, batch 64, early stopping on validation ROC AUC (patience 40)',
    }
    with open(os.path.join(HERE, 'card.yaml'), 'w', encoding='utf-8') as f:
        f.write('# Generated by models/credit/train.py from card.base.yaml: edit that file, then retrain.\n')
        yaml.safe_dump(card, f, sort_keys=False, allow_unicode=True, width=110)

    # Rows the TypeScript encoder must reproduce exactly (test/models/credit-encoder.test.ts).
    sample = [0, 1, 2, 17, 123, 500, 999]
    fixture = {'columns': column_names(features), 'rows': [
        {'index': i, 'case': {k: v for k, v in rows[i].items() if not k.endswith('_code')}, 'encoded': [float(v) for v in X[i]],
         'probability': float(p[i])} for i in sample]}
    with open(os.path.join(HERE, 'encoding-fixture.json'), 'w', encoding='utf-8') as f:
        json.dump(fixture, f, indent=1)
    print(json.dumps(evaluation, indent=1))


if __name__ == '__main__':
    sys.exit(main())
