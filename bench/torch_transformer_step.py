#!/usr/bin/env python3
"""PyTorch baseline: the one-layer transformer's training step (docs/study.md §3), written the usual way.

Mirrors torch_paper_step.py (next to this file) for the transformer: tokens [a, b, =] ("=" is token p),
d_model 128, 4 heads, learned positional embedding, causal attention (Q, K, V, O, no biases) and a
GELU MLP 128-512-128 with residuals, unembedding read at the last position; S seeds batched in one
tensor, full batch, AdamW with decoupled decay on every matrix, the global norm clamp, and the
evaluation on all p^2 pairs every --eval-every steps. Prints one JSON line: ms_per_seed_step (wall),
cpu_ms_per_seed_step (this process's CPU time, which other load on a shared machine disturbs less).

By default every position goes through attention and the MLP, as transformer code is written
(Nanda et al. style); --last-only 1 computes only what the last position needs (its query, all keys
and values, the MLP at the last position), the same shortcut grokscale's model takes.

  pip install torch numpy        # a CPU wheel is available offline on these machines
  python3 torch_transformer_step.py --p 59 --seeds 1 --threads 1 --dtype f32 --steps 60
  python3 torch_transformer_step.py --p 59 --seeds 12 --threads 2 --last-only 1
"""
import argparse, json, math, time
import torch
import torch.nn.functional as F

ap = argparse.ArgumentParser()
ap.add_argument("--p", type=int, default=59)
ap.add_argument("--seeds", type=int, default=1)
ap.add_argument("--threads", type=int, default=1)
ap.add_argument("--dtype", choices=["f32", "f64"], default="f32")
ap.add_argument("--steps", type=int, default=60)
ap.add_argument("--warmup", type=int, default=10)
ap.add_argument("--eval-every", type=int, default=25)
ap.add_argument("--train-frac", type=float, default=0.4)
ap.add_argument("--layernorm", choices=["none", "pre"], default="none")
ap.add_argument("--last-only", type=int, choices=[0, 1], default=0, help="1: compute only what the last position needs")
args = ap.parse_args()
torch.set_num_threads(args.threads)
dt = torch.float32 if args.dtype == "f32" else torch.float64
p, S, d, nh, M = args.p, args.seeds, 128, 4, 512
dh = d // nh
N = p * p
ntr = int(args.train_frac * N)
a = torch.arange(p).repeat_interleave(p); b = torch.arange(p).repeat(p); y = (a + b) % p
tr_idx = torch.stack([torch.randperm(N, generator=torch.Generator().manual_seed(1000 + s))[:ntr] for s in range(S)])
g = torch.Generator().manual_seed(0)
rn = lambda *sh, fan: (torch.randn(*sh, generator=g) / math.sqrt(fan)).to(dt)
P = dict(WE=rn(S, p + 1, d, fan=d), Wpos=rn(S, 3, d, fan=d), WQ=rn(S, d, d, fan=d), WK=rn(S, d, d, fan=d),
         WV=rn(S, d, d, fan=d), WO=rn(S, d, d, fan=d), Win=rn(S, d, M, fan=d), Wout=rn(S, M, d, fan=M),
         WU=rn(S, d, p, fan=d))
for k in P: P[k].requires_grad_(True)
m = {k: torch.zeros_like(P[k]) for k in P}; v = {k: torch.zeros_like(P[k]) for k in P}
mask = torch.ones(3, 3, dtype=torch.bool).tril()
ln = (lambda x: F.layer_norm(x, (d,))) if args.layernorm == "pre" else (lambda x: x)

def fwd(Ai, Bi):
    Sn, n = Ai.shape
    tok = torch.stack([Ai, Bi, torch.full_like(Ai, p)], -1)                       # (S, n, 3)
    x = torch.gather(P["WE"], 1, tok.reshape(Sn, -1, 1).expand(-1, -1, d)).view(Sn, n, 3, d) + P["Wpos"][:, None]
    h = ln(x).reshape(Sn, n * 3, d)                                              # (S, 3n, d)
    k = torch.bmm(h, P["WK"]).view(Sn, n, 3, nh, dh).transpose(2, 3)             # (S, n, nh, 3, dh)
    vv = torch.bmm(h, P["WV"]).view(Sn, n, 3, nh, dh).transpose(2, 3)            # (S, n, nh, 3, dh)
    if args.last_only:
        q = torch.bmm(h.view(Sn, n, 3, d)[:, :, 2], P["WQ"]).view(Sn, n, nh, 1, dh)
        att = (q @ k.transpose(-1, -2)) / math.sqrt(dh)                          # (S, n, nh, 1, 3)
        o = (att.softmax(-1) @ vv).reshape(Sn, n, d)                             # (S, n, d)
        r = x[:, :, 2] + torch.bmm(o, P["WO"])                                   # (S, n, d)
    else:
        q = torch.bmm(h, P["WQ"]).view(Sn, n, 3, nh, dh).transpose(2, 3)         # (S, n, nh, 3, dh)
        att = ((q @ k.transpose(-1, -2)) / math.sqrt(dh)).masked_fill(~mask, float("-inf"))
        o = (att.softmax(-1) @ vv).transpose(2, 3).reshape(Sn, n * 3, d)         # (S, 3n, d)
        r = x.reshape(Sn, n * 3, d) + torch.bmm(o, P["WO"])                      # (S, 3n, d)
    r = r + torch.bmm(F.gelu(torch.bmm(ln(r), P["Win"])), P["Wout"])             # (S, n or 3n, d)
    last = r if args.last_only else r.view(Sn, n, 3, d)[:, :, 2]
    return torch.bmm(ln(last), P["WU"])                                          # (S, n, p)

Ai, Bi, Yi = a[tr_idx], b[tr_idx], y[tr_idx]
Aall, Ball = a.expand(S, N), b.expand(S, N)
lr, lam, b1e, b2e, eps, target = 5e-4, 1.0, 0.9, 0.999, 1e-8, 32.49

def step(t):
    logits = fwd(Ai, Bi)
    L = -F.log_softmax(logits, -1).gather(-1, Yi.unsqueeze(-1)).squeeze(-1).mean(1).sum()
    for k in P: P[k].grad = None
    L.backward()
    with torch.no_grad():
        for k in P:
            gk = P[k].grad
            m[k].mul_(b1e).add_(gk, alpha=1 - b1e); v[k].mul_(b2e).addcmul_(gk, gk, value=1 - b2e)
            P[k].addcdiv_(m[k] / (1 - b1e ** t), (v[k] / (1 - b2e ** t)).sqrt().add_(eps), value=-lr)
            P[k].add_(P[k], alpha=-lr * lam)  # every parameter is a matrix (no biases)
        sc = target / torch.sqrt(sum((P[k] ** 2).flatten(1).sum(1) for k in P))
        for k in P: P[k].mul_(sc.view(-1, *([1] * (P[k].dim() - 1))))
        if t % args.eval_every == 0:
            fwd(Aall, Ball).argmax(-1)

for t in range(1, args.warmup + 1): step(t)
times, cpu = [], []
for t in range(args.warmup + 1, args.warmup + args.steps + 1):
    t0, c0 = time.perf_counter(), time.process_time()
    step(t)
    times.append(time.perf_counter() - t0); cpu.append(time.process_time() - c0)
mean = sum(times) / len(times)  # mean over steps, so eval steps are amortised
cpu_mean = sum(cpu) / len(cpu)  # CPU seconds of this process: robust to other processes on the machine
print(json.dumps(dict(impl="torch-transformer" + ("-last-only" if args.last_only else ""), torch=torch.__version__,
                      model="transformer", layernorm=args.layernorm, p=p, seeds=S, threads=args.threads,
                      dtype=args.dtype, n_train=ntr, steps=args.steps, ms_per_step=round(mean * 1e3, 3),
                      ms_per_seed_step=round(mean * 1e3 / S, 3), ms_min=round(min(times) * 1e3, 3),
                      cpu_ms_per_seed_step=round(cpu_mean * 1e3 / S, 3))))
