#!/usr/bin/env python3
"""Trains the synthetic-lesion classifier (clean or shortcut variant) and writes ONNX + card.

Usage: train.py --variant clean|shortcut --train DIR --test DIR
DIRs are written by `lrp-report synth lesions` (PNG + truth JSON + index.json). Deterministic: fixed seeds,
single-threaded deterministic torch. Run with Debian's /usr/bin/python3 (python3-torch, -numpy, -yaml, -pil).
"""
import argparse
import hashlib
import json
import os
import sys

import numpy as np
import torch
import yaml
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from metrics import ece, roc_auc  # noqa: E402  (models/metrics.py)
SEED = 20261127


def load_set(directory):
    index = json.load(open(os.path.join(directory, 'index.json')))
    images, labels, ink = [], [], []
    for entry in index['images']:
        images.append(np.asarray(Image.open(os.path.join(directory, entry['image'])).convert('RGB'), dtype=np.float32) / 255.0)
        truth = json.load(open(os.path.join(directory, entry['truth'])))
        labels.append(1.0 if truth['label'] == 'suspicious' else 0.0)
        ink.append(truth['artefacts']['ink'])
    x = np.stack(images).transpose(0, 3, 1, 2).copy()  # NCHW
    return x, np.array(labels, dtype=np.float32), np.array(ink), index['seed']


class LesionNet(torch.nn.Module):
    """Conv/BatchNorm/ReLU/MaxPool stages, one residual block, GlobalAveragePool, Gemm, Sigmoid."""

    def __init__(self):
        super().__init__()

        def stage(cin, cout):
            return [torch.nn.Conv2d(cin, cout, 3, padding=1, bias=False), torch.nn.BatchNorm2d(cout), torch.nn.ReLU(), torch.nn.MaxPool2d(2)]

        self.features = torch.nn.Sequential(*stage(3, 16), *stage(16, 32), *stage(32, 48))
        self.res_conv1 = torch.nn.Conv2d(48, 48, 3, padding=1, bias=False)
        self.res_bn1 = torch.nn.BatchNorm2d(48)
        self.res_conv2 = torch.nn.Conv2d(48, 48, 3, padding=1, bias=False)
        self.res_bn2 = torch.nn.BatchNorm2d(48)
        self.pool = torch.nn.AdaptiveAvgPool2d(1)
        self.fc = torch.nn.Linear(48, 1)

    def forward(self, x):
        h = self.features(x)
        r = torch.relu(self.res_bn1(self.res_conv1(h)))
        h = torch.relu(h + self.res_bn2(self.res_conv2(r)))
        return torch.sigmoid(self.fc(torch.flatten(self.pool(h), 1)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--variant', choices=['clean', 'shortcut'], required=True)
    parser.add_argument('--train', required=True)
    parser.add_argument('--test', required=True)
    parser.add_argument('--epochs', type=int, default=14)
    args = parser.parse_args()
    torch.manual_seed(SEED)
    torch.set_num_threads(2)
    torch.use_deterministic_algorithms(True)
    rng = np.random.RandomState(SEED)

    x, y, ink, train_seed = load_set(args.train)
    x_test, y_test, ink_test, test_seed = load_set(args.test)
    mean = x.mean(axis=(0, 2, 3))
    std = x.std(axis=(0, 2, 3))
    norm = lambda a: (a - mean[None, :, None, None]) / std[None, :, None, None]
    perm = rng.permutation(len(x))
    n_val = len(x) // 5
    val, train = perm[:n_val], perm[n_val:]
    X = torch.from_numpy(norm(x).astype(np.float32))
    Y = torch.from_numpy(y)

    model = LesionNet()
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3, weight_decay=1e-4)
    loss_fn = torch.nn.BCELoss()
    best = (-1.0, None, 0)
    for epoch in range(args.epochs):
        model.train()
        order = rng.permutation(train)
        for start in range(0, len(order), 64):
            batch = torch.from_numpy(order[start:start + 64])
            xb = X[batch]
            if rng.rand() < 0.5:  # flips keep the label (ABCD is orientation-free)
                xb = torch.flip(xb, dims=[3])
            optimizer.zero_grad()
            loss = loss_fn(model(xb).squeeze(1), Y[batch])
            loss.backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            p_val = torch.cat([model(X[torch.from_numpy(val[i:i + 256])]) for i in range(0, len(val), 256)]).squeeze(1).numpy()
        auc = roc_auc(y[val], p_val)
        print(f'epoch {epoch}: validation ROC AUC {auc:.4f}', flush=True)
        if auc > best[0]:
            best = (auc, {k: v.clone() for k, v in model.state_dict().items()}, epoch)
    model.load_state_dict(best[1])
    model.eval()
    with torch.no_grad():
        p_val = torch.cat([model(X[torch.from_numpy(val[i:i + 256])]) for i in range(0, len(val), 256)]).squeeze(1).numpy().astype(np.float64)
        Xt = torch.from_numpy(norm(x_test).astype(np.float32))
        p_test = torch.cat([model(Xt[i:i + 256]) for i in range(0, len(Xt), 256)]).squeeze(1).numpy().astype(np.float64)

    # Operating threshold: the highest one that keeps validation sensitivity ≥ 0.90 (a missed melanoma costs more).
    positives = np.sort(p_val[y[val] == 1])
    threshold = float(positives[int(np.floor(0.10 * len(positives)))])
    predicted = p_test >= threshold
    evaluation = {
        'validation': {'n': int(len(val)), 'roc_auc': round(best[0], 4), 'best_epoch': best[2]},
        'test': {
            'n': int(len(y_test)),
            'generator_seed': test_seed,
            'roc_auc': round(roc_auc(y_test, p_test), 4),
            'sensitivity': round(float(predicted[y_test == 1].mean()), 4),
            'specificity': round(float((~predicted)[y_test == 0].mean()), 4),
            'ece_10_bins': round(ece(y_test, p_test), 4),
            'roc_auc_with_ink': round(roc_auc(y_test[ink_test], p_test[ink_test]), 4) if 0 < y_test[ink_test].mean() < 1 else None,
            'roc_auc_without_ink': round(roc_auc(y_test[~ink_test], p_test[~ink_test]), 4) if 0 < y_test[~ink_test].mean() < 1 else None,
        },
    }

    name = 'lesion-classifier' if args.variant == 'clean' else 'lesion-classifier-shortcut'
    onnx_file = f'{name}.onnx'
    onnx_path = os.path.join(HERE, onnx_file)
    torch.onnx.export(model, X[:1], onnx_path, opset_version=17, do_constant_folding=False,
                      input_names=['image'], output_names=['probability'],
                      dynamic_axes={'image': {0: 'batch'}, 'probability': {0: 'batch'}},
                      training=torch.onnx.TrainingMode.PRESERVE)
    sha256 = hashlib.sha256(open(onnx_path, 'rb').read()).hexdigest()

    card = yaml.safe_load(open(os.path.join(HERE, f'card.{args.variant}.base.yaml')))
    low = [float((0 - m) / s) for m, s in zip(mean, std)]
    high = [float((1 - m) / s) for m, s in zip(mean, std)]
    card['training_data']['train_set'] = {'generator_seed': train_seed, 'images': int(len(x)), 'suspicious_share': round(float(y.mean()), 4), 'ink_share': round(float(ink.mean()), 4)}
    card['preprocessing'] = {
        'kind': 'image', 'input': 'image', 'size': [int(x.shape[2]), int(x.shape[3])], 'channel_order': 'RGB', 'layout': 'NCHW',
        'scale': 1 / 255, 'mean': [float(v) for v in mean], 'std': [float(v) for v in std], 'resize': 'fill',
        'note': 'pixel / 255, then (value - mean) / std per channel',
    }
    card['output'] = {
        'name': 'probability', 'kind': 'probability', 'head': 'sigmoid', 'classes': ['benign', 'suspicious'],
        'positive_class': 'suspicious', 'threshold': threshold,
        'threshold_selection': 'highest threshold with validation sensitivity >= 0.90',
    }
    # The base file's evaluation entries (e.g. explanation_quality, from EVALUATION.md) stay beside the computed ones.
    card['evaluation'] = {**evaluation, **card.get('evaluation', {})}
    card['model_file'] = onnx_file
    card['sha256'] = sha256
    card['explanation']['params'] = {'low': low, 'high': high}
    card['training'] = {'script': 'models/dermatology/train.py', 'seed': SEED, 'framework': f'torch {torch.__version__}', 'epochs': args.epochs,
                        'optimizer': 'Adam lr 2e-3, weight decay 1e-4, batch 64, horizontal flips; best validation ROC AUC'}
    with open(os.path.join(HERE, f'{name}.card.yaml'), 'w', encoding='utf-8') as f:
        f.write(f'# Generated by models/dermatology/train.py from card.{args.variant}.base.yaml: edit that file, then retrain.\n')
        yaml.safe_dump(card, f, sort_keys=False, allow_unicode=True, width=110)
    print(json.dumps(evaluation, indent=1))


if __name__ == '__main__':
    main()
