# The page's downloaded weights in PyTorch: python3 examples/web/load_in_pytorch.py lenet5-mnist-stepN.safetensors
# loads them strictly into the same LeNet-5 as nn.Sequential. Parses the safetensors format by hand (an 8-byte LE header
# length, a JSON header, raw little-endian data), so it needs only torch, not the safetensors package.
import json, struct, sys, torch
from torch import nn
raw = open(sys.argv[1], 'rb').read()
n = struct.unpack('<Q', raw[:8])[0]
header = json.loads(raw[8:8 + n])
meta = header.pop('__metadata__', {})
data = raw[8 + n:]
state = {k: torch.frombuffer(bytearray(data[v['data_offsets'][0]:v['data_offsets'][1]]), dtype=torch.float32).reshape(v['shape']) for k, v in header.items()}
model = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                      nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
print(model.load_state_dict(state, strict=True), meta, list(state)[:4])
