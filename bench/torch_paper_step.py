#!/usr/bin/env python3
"""PyTorch yardstick for `grokscale bench`: the paper's MLP training step (docs/study.md §3-4) as plain
PyTorch tensor code, the way research code writes it.

S seeds are batched in one tensor (each seed with its own train split and weights). A step is:
  - the forward on the full train split: x = [E_a ; E_b], h = GELU(x·W1 + b1), z = h·W2 + b2;
  - the mean cross-entropy per seed, summed over seeds, and its backward;
  - AdamW written out as tensor ops (bias-corrected moments, then the decoupled decay on E, W1, W2);
  - the global norm clamp of E, W1, W2 per seed;
  - every --eval-every steps, the forward on all p^2 pairs and its argmax.
It prints one JSON line; ms_per_seed_step is the mean over the timed steps (evaluations amortised)
divided by S. Run it in the same session as `grokscale bench` and compare ratios, not times.

  pip install torch numpy        # a CPU wheel is available offline on these machines
  python3 torch_paper_step.py --p 59 --seeds 12 --threads 2 --dtype f32 --steps 100
"""
import argparse
import json
import math
import time

import torch
import torch.nn.functional as F


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--p", type=int, default=59)
    ap.add_argument("--seeds", type=int, default=1)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--dtype", choices=["f32", "f64"], default="f32")
    ap.add_argument("--steps", type=int, default=60, help="timed steps")
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--eval-every", type=int, default=25)
    ap.add_argument("--train-frac", type=float, default=0.4)
    ap.add_argument("--norm", type=float, default=60.0, help="the clamp's target norm")
    return ap.parse_args()


class PaperStep:
    D_EMBED, HIDDEN = 128, 256
    LR, WD, BETA1, BETA2, EPS = 1e-3, 1.0, 0.9, 0.999, 1e-8
    MATRICES = ("E", "W1", "W2")

    def __init__(self, p, seeds, dtype, train_frac, norm):
        self.p, self.S, self.norm = p, seeds, norm
        d, H, S = self.D_EMBED, self.HIDDEN, seeds
        n = p * p
        self.a = torch.arange(n) // p  # pair k is (k // p, k % p)
        self.b = torch.arange(n) % p
        self.y = (self.a + self.b) % p
        n_train = int(train_frac * n)
        splits = [torch.randperm(n, generator=torch.Generator().manual_seed(7 + s))[:n_train] for s in range(S)]
        self.train = torch.stack(splits)  # (S, n_train)
        self.every = torch.arange(n).expand(S, n)  # (S, p^2): all pairs, for the evaluation
        gen = torch.Generator().manual_seed(3)

        def normal(shape, fan_in):
            return (torch.randn(shape, generator=gen, dtype=torch.float64) / math.sqrt(fan_in)).to(dtype)

        self.params = {
            "E": normal((S, p, d), d),
            "W1": normal((S, 2 * d, H), 2 * d),
            "b1": torch.zeros(S, 1, H, dtype=dtype),
            "W2": normal((S, H, p), H),
            "b2": torch.zeros(S, 1, p, dtype=dtype),
        }
        for t in self.params.values():
            t.requires_grad_(True)
        self.m = {k: torch.zeros_like(t) for k, t in self.params.items()}
        self.v = {k: torch.zeros_like(t) for k, t in self.params.items()}

    def logits(self, pairs):
        """pairs (S, rows) -> logits (S, rows, p)."""
        P = self.params
        E = P["E"]  # (S, p, d)

        def embed(tokens):  # (S, rows) -> (S, rows, d)
            return torch.gather(E, 1, tokens.unsqueeze(-1).expand(-1, -1, E.shape[-1]))

        h = F.gelu(torch.cat([embed(self.a[pairs]), embed(self.b[pairs])], dim=-1) @ P["W1"] + P["b1"])
        return h @ P["W2"] + P["b2"]

    def step(self, t, evaluate):
        z = self.logits(self.train)
        labels = self.y[self.train]
        per_seed = F.cross_entropy(z.flatten(0, 1), labels.flatten(), reduction="none").view(self.S, -1).mean(dim=1)
        for w in self.params.values():
            w.grad = None
        per_seed.sum().backward()
        with torch.no_grad():
            bc1, bc2 = 1 - self.BETA1**t, 1 - self.BETA2**t
            for k, w in self.params.items():
                g, m, v = w.grad, self.m[k], self.v[k]
                m.mul_(self.BETA1).add_(g, alpha=1 - self.BETA1)
                v.mul_(self.BETA2).addcmul_(g, g, value=1 - self.BETA2)
                w.addcdiv_(m / bc1, (v / bc2).sqrt().add_(self.EPS), value=-self.LR)
                if k in self.MATRICES:
                    w.add_(w, alpha=-self.LR * self.WD)
            sq = sum(self.params[k].pow(2).flatten(1).sum(dim=1) for k in self.MATRICES)  # (S,)
            scale = self.norm / sq.sqrt()
            for k in self.MATRICES:
                self.params[k].mul_(scale.view(-1, 1, 1))
            if evaluate:
                self.logits(self.every).argmax(dim=-1)


def main():
    args = parse_args()
    torch.set_num_threads(args.threads)
    dtype = torch.float32 if args.dtype == "f32" else torch.float64
    run = PaperStep(args.p, args.seeds, dtype, args.train_frac, args.norm)
    t = 0
    for _ in range(args.warmup):
        t += 1
        run.step(t, t % args.eval_every == 0)
    times = []
    for _ in range(args.steps):
        t += 1
        t0 = time.perf_counter()
        run.step(t, t % args.eval_every == 0)
        times.append(time.perf_counter() - t0)
    mean = sum(times) / len(times)
    print(json.dumps({
        "impl": "torch-paper-style", "torch": torch.__version__, "p": args.p, "seeds": args.seeds,
        "threads": args.threads, "dtype": args.dtype, "n_train": run.train.shape[1], "steps": args.steps,
        "ms_per_step": round(mean * 1e3, 3), "ms_per_seed_step": round(mean * 1e3 / args.seeds, 3),
        "ms_min": round(min(times) * 1e3, 3),
    }))


if __name__ == "__main__":
    main()
