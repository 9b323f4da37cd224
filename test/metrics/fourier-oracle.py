# Writes fixtures/fourier.json: embeddings E (p, d) and, from numpy's rfft along the token axis, the power per
# frequency k = 1..floor(p/2) (k and p-k merged, as for a real E) summed over columns, and the share of
# non-constant power in the 5 strongest. The oracle for test/metrics/fourier.test.ts; run once:
#   python3 test/metrics/fourier-oracle.py  (numpy only). Not a reimplementation of src/metrics/fourier.ts.
import json
import pathlib

import numpy as np


def case(name, E):
    p = E.shape[0]
    X = np.fft.rfft(E, axis=0)  # (p//2 + 1, d)
    power = (np.abs(X) ** 2).sum(axis=1)  # per rfft bin, summed over columns
    merged = power.copy()
    # bins 1..ceil(p/2)-1 stand for k and p-k; for even p the Nyquist bin p/2 is its own mirror
    top = (p - 1) // 2
    merged[1 : top + 1] *= 2
    nonconst = merged[1:]
    share = float(np.sort(nonconst)[::-1][:5].sum() / nonconst.sum()) if nonconst.sum() > 0 else 0.0
    return {"name": name, "p": p, "d": E.shape[1], "E": E.ravel().tolist(), "power": nonconst.tolist(), "top5_share": share}


rng = np.random.default_rng(20261130)
cases = []
cases.append(case("random p=7 d=3", rng.standard_normal((7, 3))))
cases.append(case("random p=8 d=2 (even p: a Nyquist bin)", rng.standard_normal((8, 2))))
a = np.arange(59)[:, None]
cos = np.cos(2 * np.pi * np.array([[3, 3, 11, 20]]) * a / 59)
cases.append(case("p=59 d=4, three key frequencies plus noise", cos + 0.05 * rng.standard_normal((59, 4))))
cases.append(case("random p=59 d=5", rng.standard_normal((59, 5))))
cases.append(case("constant along tokens", np.ones((5, 2)) * np.array([[2.0, -1.0]])))

out = pathlib.Path(__file__).parent / "fixtures" / "fourier.json"
out.write_text(json.dumps({"generator": "numpy " + np.__version__ + " rfft", "cases": cases}) + "\n")
