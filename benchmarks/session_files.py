"""Cost of session files: long histories, and hostile files the readers refuse (prints numbers, asserts nothing).

Each case runs in its own child process, so its peak memory (maximum resident
set size, minus the child's size after its imports) is its own. Cases:

- save and open a session of the default network with 300,000 epochs of
  history, and one with ``MAX_HISTORY_EPOCHS`` epochs (the longest a file holds);
- refuse a 200 MiB file of empty JSON lists (once accepted after 12 to 58 s
  and 5 GB), a symlink to /dev/zero and a FIFO with no writer.

Run: ``python benchmarks/session_files.py`` (Linux: the peak memory comes from /proc).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import textwrap

_CHILD = textwrap.dedent("""
    import dataclasses, json, sys, time
    import numpy as np
    from playground.data import make_dataset
    from playground.training import History, Trainer, TrainingConfig, load_session, save_session
    from playground.training.history import PER_LAYER, SCALARS

    def rss():
        # The peak resident size of this process since its exec, in MiB (getrusage's
        # maximum would include the parent's peak before the exec).
        with open("/proc/self/status") as status:
            line = next(line for line in status if line.startswith("VmHWM:"))
        return int(line.split()[1]) / 1024

    case, path = sys.argv[1], sys.argv[2]
    out = {}
    if case.startswith("history:"):
        epochs = int(case.split(":")[1])
        trainer = Trainer(make_dataset("spiral", n=400, noise=0.1, seed=0, test_fraction=0.5),
                          TrainingConfig(hidden=(8, 8), optimizer="adam", seed=0))
        rng = np.random.default_rng(0)
        columns = {"n_layers": 3, "epoch": np.arange(1, epochs + 1, dtype=np.float64)}
        columns.update({name: rng.random(epochs) for name in SCALARS[1:]})
        columns.update({name: rng.random((epochs, 3)) for name in PER_LAYER})
        trainer.history = History.from_dict(columns)
        trainer.restore(dataclasses.replace(trainer.snapshot(), epoch=epochs))
        base = rss()
        start = time.perf_counter()
        save_session(path, trainer)
        out["save_s"] = time.perf_counter() - start
        out["file_mib"] = __import__("os").path.getsize(path) / 2**20
        del trainer, columns
        start = time.perf_counter()
        loaded = load_session(path)
        out["open_s"] = time.perf_counter() - start
        out["epochs"] = loaded.epoch
        out["peak_mib_above_start"] = rss() - base
    else:
        base = rss()
        start = time.perf_counter()
        try:
            load_session(path)
            out["outcome"] = "loaded"
        except ValueError as exc:
            out["outcome"] = str(exc)[:110]
        out["refuse_s"] = time.perf_counter() - start
        out["peak_mib_above_start"] = rss() - base
    print(json.dumps(out))
""")


def run(case: str, path: str) -> dict:
    done = subprocess.run([sys.executable, "-c", _CHILD, case, path], capture_output=True, text=True, timeout=600)
    if done.returncode:
        return {"error": done.stderr.strip().splitlines()[-1]}
    return json.loads(done.stdout)


def main() -> None:
    from playground.training.sessions import MAX_BYTES, MAX_HISTORY_EPOCHS

    print(f"MAX_BYTES = {MAX_BYTES:,} ({MAX_BYTES / 2**20:.0f} MiB), MAX_HISTORY_EPOCHS = {MAX_HISTORY_EPOCHS:,}")
    with tempfile.TemporaryDirectory() as folder:
        for epochs in (300_000, MAX_HISTORY_EPOCHS):
            result = run(f"history:{epochs}", os.path.join(folder, f"h{epochs}.playground.json"))
            print(f"history of {epochs:,} epochs: {json.dumps(result)}")
        hostile = os.path.join(folder, "empty-lists.playground.json")
        with open(hostile, "w") as out:
            out.write('{"format":"playground-session","x":[')
            for _ in range(200):
                out.write("[]," * (2**20 // 3))
            out.write("[]]}")
        print(f"200 MiB of empty lists: {json.dumps(run('hostile', hostile))}")
        os.remove(hostile)
        if os.name == "posix":
            zero = os.path.join(folder, "zero.playground.json")
            os.symlink("/dev/zero", zero)
            print(f"symlink to /dev/zero: {json.dumps(run('hostile', zero))}")
            fifo = os.path.join(folder, "fifo.playground.json")
            os.mkfifo(fifo)
            print(f"FIFO without a writer: {json.dumps(run('hostile', fifo))}")


if __name__ == "__main__":
    main()
