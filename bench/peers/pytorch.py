"""PyTorch (CPU) under the shared protocol of bench/peers/protocol.ts: same arguments (plus --threads, default 2),
same batch file, warm-up then repeats of `steps` steps, median ms/step, one line `RESULT {json}` on stdout."""
import argparse
import json
import statistics
import time

import torch
from torch import nn

BATCH, IMAGE, CLASSES = 64, 28, 10


def build_model(name):
    if name == 'lenet5':
        return nn.Sequential(
            nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(400, 120), nn.ReLU(),
            nn.Linear(120, 84), nn.ReLU(),
            nn.Linear(84, CLASSES),
        )
    return nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(1600, 128), nn.ReLU(),
        nn.Linear(128, CLASSES),
    )


def read_batch(path):
    pixels = BATCH * IMAGE * IMAGE
    with open(path, 'rb') as f:
        raw = bytearray(f.read())
    expected = 4 * (pixels + BATCH)
    if len(raw) != expected:
        raise SystemExit(f'peer: {path} has {len(raw)} bytes, expected {expected}')
    images = torch.frombuffer(raw, dtype=torch.float32, count=pixels).reshape(BATCH, 1, IMAGE, IMAGE).clone()
    labels = torch.frombuffer(raw, dtype=torch.int32, count=BATCH, offset=4 * pixels).long()
    return images, labels


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--model', choices=['lenet5', 'seedcnn'], required=True)
    parser.add_argument('--mode', choices=['train', 'infer'], required=True)
    for name in ('warmup', 'repeats', 'steps'):
        parser.add_argument(f'--{name}', type=int, required=True)
    parser.add_argument('--data', required=True)
    parser.add_argument('--threads', type=int, default=2)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    x, y = read_batch(args.data)
    model = build_model(args.model)

    if args.mode == 'infer':
        model.eval()

        def step():
            with torch.no_grad():
                model(x)
    else:
        model.train()
        optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
        loss_fn = nn.CrossEntropyLoss()

        def step():
            loss = loss_fn(model(x), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()

    for _ in range(args.warmup):
        step()
    per_step = []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        for _ in range(args.steps):
            step()
        per_step.append((time.perf_counter() - t0) * 1000 / args.steps)
    ms = statistics.median(per_step)
    threads = torch.get_num_threads()
    print('RESULT ' + json.dumps({
        'framework': f'PyTorch ({threads} thread{"s" if threads > 1 else ""})',
        'detail': f'{torch.__version__}, CPU, torch.get_num_threads() = {threads}',
        'model': args.model, 'mode': args.mode, 'batch': BATCH,
        'warmup': args.warmup, 'repeats': args.repeats, 'steps': args.steps,
        'msPerStep': ms, 'samplesPerSec': BATCH * 1000 / ms,
    }), flush=True)


if __name__ == '__main__':
    main()
