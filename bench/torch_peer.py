#!/usr/bin/env python3
"""PyTorch peer of bench/axtrain_bench (issue 17): one epoch of the same MLP (784-256-10, ReLU,
softmax cross-entropy, Adam lr 1e-3, batch 128, shuffled) on Fashion-MNIST when installed (Debian
package dataset-fashion-mnist), else a synthetic set of the same shape, with torch's CPU threads
set to each count asked for. Prints one line per count:

    peer torch <version> threads <n> dtype <dtype> samples_per_second <rate>

or, without torch, "peer skipped: python3-torch not installed" (exit 0). Optional: never a test
dependency. Usage: torch_peer.py SAMPLES THREADS [THREADS...]
"""
import gzip
import os
import sys
import time

FASHION = "/usr/share/datasets/fashion-mnist"


def load_images(samples):
    path = os.path.join(FASHION, "train-images-idx3-ubyte.gz")
    labels_path = os.path.join(FASHION, "train-labels-idx1-ubyte.gz")
    if os.path.exists(path) and os.path.exists(labels_path):
        with gzip.open(path, "rb") as f:
            raw = f.read()
        with gzip.open(labels_path, "rb") as f:
            lab = f.read()
        n = min(samples, int.from_bytes(raw[4:8], "big"))
        return raw[16:16 + n * 784], lab[8:8 + n], n, "Fashion-MNIST"
    return None, None, samples, "synthetic"


def main():
    try:
        import torch
    except ImportError:
        print("peer skipped: python3-torch not installed")
        return 0
    samples = int(sys.argv[1]) if len(sys.argv) > 1 else 60000
    counts = [int(a) for a in sys.argv[2:]] or [1]
    images, labels, n, source = load_images(samples)
    gen = torch.Generator().manual_seed(1)
    if images is not None:
        x = torch.frombuffer(bytearray(images), dtype=torch.uint8).reshape(n, 784).float() / 255.0
        y = torch.frombuffer(bytearray(labels), dtype=torch.uint8).long()
    else:
        x = torch.rand(n, 784, generator=gen)
        y = torch.randint(0, 10, (n,), generator=gen)
    for threads in counts:
        torch.set_num_threads(threads)
        torch.manual_seed(1)
        net = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(),
                                  torch.nn.Linear(256, 10))
        opt = torch.optim.Adam(net.parameters(), lr=1e-3)
        loss_fn = torch.nn.CrossEntropyLoss()
        start = time.perf_counter()
        order = torch.randperm(n, generator=gen)
        for first in range(0, n, 128):
            idx = order[first:first + 128]
            opt.zero_grad()
            loss = loss_fn(net(x[idx]), y[idx])
            loss.backward()
            opt.step()
        seconds = time.perf_counter() - start
        print(f"peer torch {torch.__version__} threads {threads} dtype {x.dtype} "
              f"source {source} samples_per_second {n / seconds:.0f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
