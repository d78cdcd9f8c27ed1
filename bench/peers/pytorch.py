"""PyTorch (CPU) under the shared protocol of bench/peers/protocol.ts: a long-lived child that reads commands on
stdin (setup <model> <mode> <warm-up steps> <warm-up ms> / run <steps> / quit) and answers READY {json} / TIME <ms> / ERROR <message>.
--threads sets torch.set_num_threads; --data-dir is where bench/run.ts wrote the batch files."""
import argparse
import json
import sys
import time

import torch
from torch import nn

BATCH, CLASSES = 64, 10
# (channels, size) of each model's input, as in bench/networks.ts.
INPUTS = {'lenet5': (1, 28), 'seedcnn': (1, 28), 'cifarcnn': (3, 32), 'mlp': (1, 28), 'resnetish': (3, 32)}


class ResidualBlock(nn.Module):
    """conv-BN-ReLU-conv-BN plus the identity, then ReLU: torchvision's BasicBlock without downsampling."""

    def __init__(self, channels):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)

    def forward(self, x):
        h = torch.relu(self.bn1(self.conv1(x)))
        return torch.relu(self.bn2(self.conv2(h)) + x)


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
    if name == 'seedcnn':
        return nn.Sequential(
            nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(1600, 128), nn.ReLU(),
            nn.Linear(128, CLASSES),
        )
    if name == 'cifarcnn':
        return nn.Sequential(
            nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(4096, 128), nn.ReLU(),
            nn.Linear(128, CLASSES),
        )
    if name == 'mlp':
        return nn.Sequential(
            nn.Flatten(),
            nn.Linear(784, 512), nn.ReLU(),
            nn.Linear(512, 256), nn.ReLU(),
            nn.Linear(256, CLASSES),
        )
    if name == 'resnetish':
        return nn.Sequential(
            nn.Conv2d(3, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU(),
            ResidualBlock(16), ResidualBlock(16),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(),
            nn.Linear(16, CLASSES),
        )
    raise ValueError(f"peer: unknown model '{name}'")


def read_batch(data_dir, model):
    channels, size = INPUTS[model]
    path = f'{data_dir}/batch-{channels}x{size}x{size}.bin'
    pixels = BATCH * channels * size * size
    with open(path, 'rb') as f:
        raw = bytearray(f.read())
    expected = 4 * (pixels + BATCH)
    if len(raw) != expected:
        raise ValueError(f'peer: {path} has {len(raw)} bytes, expected {expected}')
    images = torch.frombuffer(raw, dtype=torch.float32, count=pixels).reshape(BATCH, channels, size, size).clone()
    labels = torch.frombuffer(raw, dtype=torch.int32, count=BATCH, offset=4 * pixels).long()
    return images, labels


def setup(name, mode, data_dir):
    torch.manual_seed(0)
    if name not in INPUTS:
        raise ValueError(f"peer: unknown model '{name}'")
    x, y = read_batch(data_dir, name)
    model = build_model(name)
    if mode == 'infer':
        model.eval()

        def step():
            with torch.no_grad():
                model(x)
        return step
    if mode != 'train':
        raise ValueError(f"peer: mode must be train or infer, got '{mode}'")
    model.train()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()

    def step():
        loss = loss_fn(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return step


def reply(line):
    sys.stdout.write(line + '\n')
    sys.stdout.flush()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--data-dir', required=True)
    parser.add_argument('--threads', type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    threads = torch.get_num_threads()
    detail = f'{torch.__version__}, CPU, torch.get_num_threads() = {threads}'
    step = None
    for line in sys.stdin:
        words = line.split()
        try:
            if not words:
                raise ValueError('peer: empty command')
            if words[0] == 'quit':
                break
            if words[0] == 'setup':
                name, mode, min_steps, min_ms = words[1], words[2], max(1, int(words[3])), int(words[4])
                step = None
                ready = setup(name, mode, args.data_dir)
                last, done, start = 0.0, 0, time.perf_counter()
                while done < min_steps or (time.perf_counter() - start) * 1000 < min_ms:
                    t0 = time.perf_counter()
                    ready()
                    last = (time.perf_counter() - t0) * 1000
                    done += 1
                step = ready
                reply('READY ' + json.dumps({'framework': 'PyTorch', 'detail': detail, 'warmupStepMs': last, 'warmupSteps': done}))
            elif words[0] == 'run':
                if step is None:
                    raise ValueError('peer: run before a successful setup')
                steps = int(words[1])
                t0 = time.perf_counter()
                for _ in range(steps):
                    step()
                reply(f'TIME {(time.perf_counter() - t0) * 1000}')
            else:
                raise ValueError(f"peer: unknown command '{line.strip()}'")
        except Exception as e:  # the bench shows the message; the child keeps serving
            reply('ERROR ' + ' '.join(str(e).split()))


if __name__ == '__main__':
    main()
