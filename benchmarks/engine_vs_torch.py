"""The engine against PyTorch's CPU autograd, one thread each (prints numbers, asserts nothing).

One full-batch epoch (forward, backward, SGD update) of a tanh MLP with a sigmoid
cross-entropy output on two spirals, for every case of issue 16's grid: n in
{10, 32, 200, 1000, 10000, 100000} x {2-8-8-1, 2-16-16-1, 8 hidden layers of 16}
x {float32, float64}. The two run interleaved in rounds in one process
(``playground.timing.interleaved_ms``) and the median per-round ratio is printed,
engine / torch: below 1 the engine is the faster.

One thread each, checked: the environment limits OpenBLAS, OpenMP and MKL before
numpy and torch load, ``torch.set_num_threads(1)`` sets torch's intra-op pool and
threadpoolctl (a project dependency) limits and then lists every BLAS and OpenMP pool
in the process, printed above the table. ``--clock cpu`` times each turn by this
thread's CPU time instead of the wall clock: on a machine shared with other work it
leaves out the time spent waiting for a core (both sides run in this one thread).
The load average is printed before and after.

torch stays out of the project's dependencies; run this with a Python that has
torch, numpy and threadpoolctl, from the repository's root (the engine needs numpy only):

    python3 -m venv .venv-torch && .venv-torch/bin/pip install torch==2.13.0 numpy threadpoolctl
    .venv-torch/bin/python benchmarks/engine_vs_torch.py [--rounds N] [--only-n 10000 100000] [--clock cpu]
"""

from __future__ import annotations

import os

# One thread each, as the issue asks: set before numpy and torch start their pools.
os.environ["OPENBLAS_NUM_THREADS"] = os.environ["OMP_NUM_THREADS"] = os.environ["MKL_NUM_THREADS"] = "1"

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
from threadpoolctl import threadpool_info, threadpool_limits  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playground.bench import engine_epoch_fn, two_spirals  # noqa: E402
from playground.engine.allocator import tune_allocator  # noqa: E402
from playground.timing import interleaved_ms, median_ratio  # noqa: E402

SIZES = (10, 32, 200, 1000, 10_000, 100_000)
CLOCKS = {"wall": time.perf_counter, "cpu": time.thread_time}
NETWORKS = {"2-8-8-1": [2, 8, 8, 1], "2-16-16-1": [2, 16, 16, 1], "8 x 16": [2] + [16] * 8 + [1]}


def torch_epoch_fn(X: np.ndarray, y: np.ndarray, sizes: list[int], dtype: np.dtype) -> Callable[[], float]:
    """The same epoch written the way a PyTorch user would: nn.Sequential, BCEWithLogitsLoss, optim.SGD."""
    torch_dtype = torch.float32 if dtype == np.float32 else torch.float64
    layers: list[torch.nn.Module] = []
    for a, b in zip(sizes[:-2], sizes[1:-1]):
        layers += [torch.nn.Linear(a, b), torch.nn.Tanh()]
    layers.append(torch.nn.Linear(sizes[-2], sizes[-1]))
    model = torch.nn.Sequential(*layers).to(torch_dtype)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    x = torch.from_numpy(X.astype(dtype))
    target = torch.from_numpy(y.astype(dtype))[:, None]

    def epoch() -> float:
        optimizer.zero_grad()
        loss = loss_fn(model(x), target)
        loss.backward()
        optimizer.step()
        return float(loss.detach())

    return epoch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--only-n", type=int, nargs="*", default=list(SIZES))
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="wall", help="wall clock or this thread's CPU time")
    args = parser.parse_args()
    torch.set_num_threads(1)
    threadpool_limits(limits=1)  # every BLAS and OpenMP pool loaded so far: numpy's OpenBLAS, torch's OpenMP
    tune_allocator()  # as the app's main() does
    pools = ", ".join(f"{pool['internal_api']} {pool['num_threads']}" for pool in threadpool_info())
    print(
        f"torch {torch.__version__}, numpy {np.__version__}; threads: torch intra-op {torch.get_num_threads()}, {pools}"
    )
    print(
        f"full-batch epoch, interleaved in {args.rounds} rounds, {args.clock} clock; medians (ms) and the median "
        f"ratio engine / torch; load average {os.getloadavg()[0]:.1f}"
    )
    print(f"{'n':>7} {'network':<10} {'dtype':<8}{'engine ms':>11}{'torch ms':>11}{'ratio':>8}")
    for n in args.only_n:
        X, y = two_spirals(n)
        for name, sizes in NETWORKS.items():
            for dtype in (np.float32, np.float64):
                times = interleaved_ms(
                    {
                        "engine": engine_epoch_fn(X, y, sizes, np.dtype(dtype)),
                        "torch": torch_epoch_fn(X, y, sizes, np.dtype(dtype)),
                    },
                    rounds=args.rounds,
                    clock=CLOCKS[args.clock],
                )
                ratio = median_ratio(times["engine"], times["torch"])
                print(
                    f"{n:>7} {name:<10} {np.dtype(dtype).name:<8}{np.median(times['engine']):>11.3f}"
                    f"{np.median(times['torch']):>11.3f}{ratio:>8.2f}",
                    flush=True,
                )
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
