#!/usr/bin/env python3
"""PyTorch oracle for grokscale's training step (run by hand; PyTorch is an optional dependency).

Writes test/fixtures/oracle/: for a tiny MLP and a tiny transformer, an init file (initial weights and
the train/test split, the format of the run-config option `init_from`, src/train/init-file.ts) and
the trajectory PyTorch computes from it: full-batch AdamW with decoupled decay written as the paper's
released runner writes it (m, v by hand, decay w += -lr*wd*w on weight matrices after the update),
the global clamp w *= target/(||W|| + 1e-12) from t_int, temperature tau, CE or MSE. Per step: the
loss and each weight matrix's gradient norm; at the end, the weights. Also a few cross-entropy rows
(the issue's saturated ones) with torch's loss and gradient. Beyond the paper (docs/study.md §11),
written as Prieto et al.'s published code (github EIFY/grokking-at-the-edge-of-numerical-stability,
utils.py and orthograd.py) computes them: StableMax cross-entropy rows (loss and autograd gradient,
f64 and f32, normal and saturated), the ⊥Grad projection of given (w, g), and f64 MLP runs with loss
stablemax, with ⊥Grad before AdamW, and with lr·rho after t_int under the clamp (lr_scale_with_rho). The vitest files under test/oracle/
compare grokscale against these files; they need no PyTorch. Not here: evaluation or grokking.

    pip install torch numpy && python3 scripts/torch-oracle.py      # rewrites the fixture
"""
import json, math, os, sys

import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "oracle")
FORMAT = "grokscale-init/1"


# ----------------------------------------------------------------------------- models (grokscale's)
def mlp_shapes(p, d, H):
    return {"E": [p, d], "W1": [2 * d, H], "W2": [H, p], "b1": [H], "b2": [p]}, ["E", "W1", "W2"]


def mlp_init(p, d, H, g, dt):
    fan = {"E": d, "W1": 2 * d, "W2": H}
    shapes, _ = mlp_shapes(p, d, H)
    P = {}
    for k, sh in shapes.items():
        P[k] = (torch.randn(*sh, generator=g, dtype=torch.float64) / math.sqrt(fan[k])) if k in fan else torch.zeros(*sh, dtype=torch.float64)
    return {k: v.to(dt) for k, v in P.items()}


def mlp_forward(P, a, b, cfg):
    x = torch.cat([P["E"][a], P["E"][b]], -1)  # (n, 2d)
    h = F.gelu(x @ P["W1"] + P["b1"])  # (n, H)
    return h @ P["W2"] + P["b2"]  # (n, p)


TF = ["W_E", "W_pos", "W_Q", "W_K", "W_V", "W_O", "W_in", "W_out", "W_U"]


def tf_shapes(p, d, M):
    return {"W_E": [p + 1, d], "W_pos": [3, d], "W_Q": [d, d], "W_K": [d, d], "W_V": [d, d], "W_O": [d, d],
            "W_in": [d, M], "W_out": [M, d], "W_U": [d, p]}, TF


def tf_init(p, d, M, g, dt):
    shapes, _ = tf_shapes(p, d, M)
    P = {}
    for k in TF:
        fan = d if k in ("W_E", "W_pos") else shapes[k][0]
        P[k] = (torch.randn(*shapes[k], generator=g, dtype=torch.float64) / math.sqrt(fan)).to(dt)
    return P


def tf_forward(P, a, b, cfg):
    p, heads = cfg["p"], cfg["heads"]
    ln = (lambda x: F.layer_norm(x, (x.shape[-1],), eps=1e-5)) if cfg["layernorm"] == "pre" else (lambda x: x)
    tok = torch.stack([a, b, torch.full_like(a, p)], 1)  # (n, 3)
    x = P["W_E"][tok] + P["W_pos"]  # (n, 3, d)
    n, T, d = x.shape
    dh = d // heads
    xn = ln(x)
    q, k, v = ((xn @ P[w]).view(n, T, heads, dh).transpose(1, 2) for w in ("W_Q", "W_K", "W_V"))  # (n, h, 3, dh)
    s = (q @ k.transpose(-1, -2)) / math.sqrt(dh)  # (n, h, 3, 3)
    s = s.masked_fill(torch.triu(torch.ones(T, T, dtype=torch.bool), 1), float("-inf"))
    att = (s.softmax(-1) @ v).transpose(1, 2).reshape(n, T, d)  # (n, 3, d)
    r1 = x + att @ P["W_O"]
    r2 = r1 + F.gelu(ln(r1) @ P["W_in"]) @ P["W_out"]
    return ln(r2)[:, -1] @ P["W_U"]  # (n, p)


# ----------------------------------------------------------------------------- the release's step
def stablemax_s(x):
    # s(x) = x + 1 for x >= 0, 1/(1 - x) for x < 0, with the published code's 1e-30 under the reciprocal
    return torch.where(x < 0, 1 / (1 - x + 1e-30), x + 1)


def stablemax_ce(logits, y):
    # the published order: log of (s / row sum of s), gather the label, minus the mean over rows
    sx = stablemax_s(logits)
    logp = torch.log(sx / torch.sum(sx, dim=-1, keepdim=True))
    return -torch.mean(torch.gather(logp, -1, y[:, None]))


def loss_of(logits, y, cfg):
    if cfg["tau"] != 1.0:
        logits = logits / cfg["tau"]
    if cfg["loss"] == "stablemax":
        return stablemax_ce(logits, y)
    if cfg["loss"] == "ce":
        return (-F.log_softmax(logits, -1).gather(-1, y[:, None]).squeeze(-1)).mean()
    return ((logits - F.one_hot(y, cfg["p"]).to(logits.dtype)) ** 2).sum(-1).mean()


@torch.no_grad()
def orthograd_(w, g):
    """⊥Grad of one tensor, in place on g, as the published OrthoGrad does it in the working dtype:
    g_orth = g - (w.g / (w.w + 1e-30)) w, then g = g_orth * (||g|| / (||g_orth|| + 1e-30))."""
    wf, gf = w.view(-1), g.view(-1)
    proj = torch.dot(wf, gf) / (torch.dot(wf, wf) + 1e-30)
    go = gf - proj * wf
    g.copy_((go * (gf.norm(2) / (go.norm(2) + 1e-30))).view_as(g))


@torch.no_grad()
def clamp_global(P, mats, target):
    sc = target / (torch.sqrt(sum((P[k] ** 2).sum() for k in mats)) + 1e-12)
    for k in mats:
        P[k].mul_(sc)


def train(P, mats, fwd, a, b, y, cfg, record_weights=()):
    P = {k: v.clone().requires_grad_(True) for k, v in P.items()}
    m = {k: torch.zeros_like(v) for k, v in P.items()}
    v2 = {k: torch.zeros_like(v) for k, v in P.items()}
    b1e, b2e, eps, lam = cfg["beta1"], cfg["beta2"], cfg["eps"], cfg["wd"]
    steps, snaps = [], {}
    for t in range(1, cfg["steps"] + 1):
        L = loss_of(fwd(P, a, b, cfg), y, cfg)
        for k in P:
            P[k].grad = None
        L.backward()
        if cfg.get("orthograd"):
            for k in P:
                orthograd_(P[k].detach(), P[k].grad)
        steps.append({"loss": L.item(), "grad_norms": {k: P[k].grad.double().norm().item() for k in mats}})
        # lr_scale_with_rho: lr * rho on the steps after t_int while the clamp holds
        lr = cfg["lr"] * cfg["rho"] if cfg.get("lr_scale_with_rho") and cfg["wc"] is not None and t > cfg["t_int"] else cfg["lr"]
        with torch.no_grad():
            for k in P:
                g = P[k].grad
                m[k].mul_(b1e).add_(g, alpha=1 - b1e)
                v2[k].mul_(b2e).addcmul_(g, g, value=1 - b2e)
                mh = m[k] / (1 - b1e ** t)
                vh = v2[k] / (1 - b2e ** t)
                P[k].addcdiv_(mh, vh.sqrt().add_(eps), value=-lr)
                if k in mats:
                    P[k].add_(P[k], alpha=-lr * lam)
            if cfg["wc"] is not None and t >= cfg["t_int"]:
                clamp_global(P, mats, cfg["rho"] * cfg["wc"])
        if t in record_weights:
            snaps[str(t)] = flat(P)
    return steps, flat(P), snaps


def flat(P):
    return {k: [float(x) for x in v.detach().double().flatten().tolist()] for k, v in P.items()}


# ----------------------------------------------------------------------------- cases
def split(p, frac, g):
    n = p * p
    perm = torch.randperm(n, generator=g).tolist()
    ntr = int(frac * n)
    return perm[:ntr], sorted(perm[ntr:])


def pairs(p, idx):
    t = torch.tensor(idx, dtype=torch.long)
    return t // p, t % p, (t // p + t % p) % p


def write(name, obj):
    path = os.path.join(OUT, name)
    with open(path, "w") as f:
        json.dump(obj, f, separators=(",", ":"))
    print(f"wrote {os.path.relpath(path)} ({os.path.getsize(path)} bytes)")


def case(name, model, cfg, seed, record_weights=(), init_override=None, init_of=None):
    """init_of: the case whose init file this one shares (it must hold the same weights and split)."""
    dt = torch.float64 if cfg["dtype"] == "f64" else torch.float32
    g = torch.Generator().manual_seed(seed)
    p = cfg["p"]
    if model == "mlp":
        shapes, mats = mlp_shapes(p, cfg["d_embed"], cfg["hidden"])
        P, fwd = mlp_init(p, cfg["d_embed"], cfg["hidden"], g, dt), mlp_forward
    else:
        shapes, mats = tf_shapes(p, cfg["d_model"], cfg["d_mlp"])
        P, fwd = tf_init(p, cfg["d_model"], cfg["d_mlp"], g, dt), tf_forward
    tr, te = split(p, cfg["train_frac"], g)
    if init_override is not None:
        P, tr, te = init_override(P, tr, te, fwd)
    if cfg["wc"] == "init":  # clamp at the starting norm (rho is then the multiple of it)
        cfg["wc"] = math.sqrt(sum(float((P[k].double() ** 2).sum()) for k in mats))
    init = {"format": FORMAT, "model": model, "p": p, "params": flat(P), "train": tr, "test": te}
    if init_of is not None:
        with open(os.path.join(OUT, f"{init_of}.init.json")) as f:
            assert json.load(f) == init, f"{name}: its init differs from {init_of}'s"
    init_name = init_of or name
    a, b, y = pairs(p, tr)
    steps, final, snaps = train(P, mats, fwd, a, b, y, cfg, record_weights)
    run = {**cfg, "model": model, "init_from": f"test/fixtures/oracle/{init_name}.init.json", "stop_on_grok": False,
           "eval_every": cfg["steps"], "log_every": cfg["steps"]}
    out = {"torch": torch.__version__, "cpu_capability": torch.backends.cpu.get_cpu_capability(),
           "config": run, "steps": steps, "final": final, "weights_after": snaps}
    if init_of is None:
        write(f"{name}.init.json", init)
    write(f"{name}.json", out)
    return P, tr, fwd, a, b, y


def base(**kw):
    c = {"p": 11, "train_frac": 0.4, "loss": "ce", "tau": 1.0, "rho": 1.0, "wc": None, "t_int": 0,
         "lr": 1e-3, "wd": 1.0, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "steps": 300}
    c.update(kw)
    return c


MLP = {"d_embed": 8, "hidden": 16}
SAT_P = 17  # ≥ 16 classes: torch sums in lanes
TFS = {"d_model": 8, "heads": 2, "d_mlp": 16, "layernorm": "none"}


def saturate(P, tr, te, fwd):
    """Scales W2 and b2 of a memorised float32 MLP so that many train rows are saturated: torch's
    log_softmax, (x − m) − log s, still gives the correct class a loss (log s ≥ an ulp of 1), but m + log s
    rounds to m, so the old order (x − (m + log s)) would give it exactly zero loss and gradient."""
    cfg = base(p=SAT_P, dtype="f32", steps=400, lr=1e-2, **MLP)
    a, b, y = pairs(SAT_P, tr)
    _, final, _ = train(P, ["E", "W1", "W2"], fwd, a, b, y, cfg)
    Q = {k: torch.tensor(v, dtype=torch.float32).view(P[k].shape) for k, v in final.items()}
    best = None
    for c in [1.0 + 0.02 * i for i in range(500)]:
        R = dict(Q, W2=Q["W2"] * c, b2=Q["b2"] * c)
        z = fwd(R, a, b, None)
        lp = F.log_softmax(z, -1)
        m = z.max(-1).values
        ls = -lp.max(-1).values  # (m − m) − log s = −log s
        old_zero = (m + ls) == m  # float32: m + log s rounds to m
        hit = ((lp.gather(-1, y[:, None]).squeeze(-1) != 0) & old_zero & (z.argmax(-1) == y)).sum().item()
        if best is None or hit > best[0]:
            best = (hit, c, R)
    print(f"saturate: W2, b2 scaled by {best[1]:.2f}: {best[0]} of {len(tr)} train rows in the zone")
    return best[2], tr, te


def ce_rows():
    """The issue's rows: max logit 20, 58 rivals at margin 14..19, label = the max, N = 1."""
    rows = []
    for margin in (14, 15, 16, 17, 18, 19):
        for ylab in (0, 58):
            z = torch.full((59,), 20.0 - margin, dtype=torch.float32)
            z[ylab] = 20.0
            zz = z.clone().requires_grad_(True)
            L = F.cross_entropy(zz[None], torch.tensor([ylab]))
            L.backward()
            rows.append({"z": z.tolist(), "y": ylab, "loss": L.item(), "dz": zz.grad.tolist(),
                         "softmax_py": torch.softmax(z, -1)[ylab].item()})
    return rows


def stablemax_rows(dt):
    """StableMax rows in dtype dt: two normal batches (one with tau != 1, one wider than torch's lanes)
    and a saturated one, where every row's correct logit stands so far above the rest that softmax
    rounds its probability to exactly 1 (softmax cross-entropy: zero loss, zero gradient)."""
    g = torch.Generator().manual_seed(7)
    out = []
    for kind, rows, cols, tau in (("normal", 6, 13, 1.0), ("normal", 5, 23, 1.7), ("saturated", 6, 23, 1.0)):
        z = torch.randn(rows, cols, generator=g, dtype=torch.float64) * 3
        y = torch.randint(0, cols, (rows,), generator=g)
        if kind == "saturated":
            z[torch.arange(rows), y] = 50.0 * (torch.arange(rows, dtype=torch.float64) + 1)
        z = z.to(dt)
        zz = z.clone().requires_grad_(True)
        L = loss_of(zz, y, {"tau": tau, "loss": "stablemax"})
        L.backward()
        assert torch.isfinite(zz.grad).all()
        sm = torch.softmax(z / tau, -1).gather(-1, y[:, None]).squeeze(-1)
        out.append({"kind": kind, "rows": rows, "cols": cols, "tau": tau, "z": z.flatten().tolist(), "y": y.tolist(),
                    "loss": L.item(), "dz": zz.grad.flatten().tolist(), "softmax_collapsed": int((sm >= 1).sum()),
                    "softmax_ce": F.cross_entropy(z / tau, y).item()})
    return out


def orthograd_rows(dt):
    """⊥Grad of given (w, g) in dtype dt: a general pair, a gradient nearly parallel to w (the projection
    cancels), a zero tensor (a bias at init: nothing to remove) and a small odd-sized one."""
    g = torch.Generator().manual_seed(8)
    out = []
    for shape, kind in (((13, 8), "general"), ((9, 11), "nearly_parallel"), ((24,), "zero_w"), ((7,), "general")):
        w = torch.randn(*shape, generator=g, dtype=torch.float64) * 0.3
        gr = torch.randn(*shape, generator=g, dtype=torch.float64)
        if kind == "nearly_parallel":
            gr = 2.5 * w + 0.02 * gr
        if kind == "zero_w":
            w = torch.zeros(*shape, dtype=torch.float64)
        w, gr = w.to(dt), gr.to(dt)
        go = gr.clone()
        orthograd_(w, go)
        out.append({"kind": kind, "shape": list(shape), "w": w.flatten().tolist(), "g": gr.flatten().tolist(), "g_orth": go.flatten().tolist()})
    return out


def main():
    torch.set_num_threads(1)
    os.makedirs(OUT, exist_ok=True)
    case("mlp-ce-f64", "mlp", base(dtype="f64", tau=1.3, wc=6.0, rho=1.1, t_int=50, **MLP), 1)
    case("mlp-mse-f64", "mlp", base(dtype="f64", loss="mse", wc=6.0, t_int=20, **MLP), 2)
    case("tf-ce-f64", "transformer", base(dtype="f64", lr=5e-4, wc=9.0, t_int=30, **TFS), 3)
    case("tf-ln-mse-f64", "transformer", base(dtype="f64", loss="mse", lr=5e-4, wc=9.0, t_int=30, **dict(TFS, layernorm="pre")), 5)
    case("mlp-mse-f32", "mlp", base(dtype="f32", loss="mse", wc=6.0, t_int=5, steps=40, **MLP), 2, record_weights=(1, 2, 3))
    case("mlp-ce-f32", "mlp", base(dtype="f32", tau=1.3, wc=6.0, rho=1.1, t_int=5, steps=40, **MLP), 1, record_weights=(1, 2, 3))
    case("tf-ce-f32", "transformer", base(dtype="f32", lr=5e-4, wc=9.0, t_int=5, steps=40, **TFS), 3, record_weights=(1, 2, 3))
    P, tr, fwd, a, b, y = case("mlp-saturated-f32", "mlp", base(p=SAT_P, dtype="f32", steps=20, wc="init", rho=1.0, t_int=1, **MLP), 4,
                                record_weights=(1, 2, 3), init_override=saturate)
    # the saturated start: logits and torch's gradient of the loss with respect to them
    z = fwd(P, a, b, None).detach().requires_grad_(True)
    L = loss_of(z, y, {"tau": 1.0, "loss": "ce", "p": SAT_P})
    L.backward()
    pr = z.detach().softmax(-1)
    write("ce-rows-f32.json", {"torch": torch.__version__, "cpu_capability": torch.backends.cpu.get_cpu_capability(),
                               "issue_rows": ce_rows(),
                               "saturated_start": {"rows": len(tr), "cols": SAT_P, "z": z.detach().flatten().tolist(),
                                                   "y": y.tolist(), "loss": L.item(), "dz": z.grad.flatten().tolist(),
                                                   "softmax_py": pr.gather(-1, y[:, None]).squeeze(-1).tolist(),
                                                   "softmax_pmax": pr.max(-1).values.tolist()}})
    # beyond the paper (docs/study.md §11): rows, projections, and f64 runs from mlp-ce-f64's init
    write("beyond-rows.json", {"torch": torch.__version__, "cpu_capability": torch.backends.cpu.get_cpu_capability(),
                               "stablemax": {"f64": stablemax_rows(torch.float64), "f32": stablemax_rows(torch.float32)},
                               "orthograd": {"f64": orthograd_rows(torch.float64), "f32": orthograd_rows(torch.float32)}})
    case("mlp-stablemax-f64", "mlp", base(dtype="f64", loss="stablemax", tau=1.3, wc=6.0, rho=1.1, t_int=50, **MLP), 1, init_of="mlp-ce-f64")
    case("mlp-orthograd-f64", "mlp", base(dtype="f64", orthograd=True, **MLP), 1, init_of="mlp-ce-f64")
    case("mlp-lrscale-f64", "mlp", base(dtype="f64", lr_scale_with_rho=True, wc=6.0, rho=0.8, t_int=50, **MLP), 1, init_of="mlp-ce-f64")


if __name__ == "__main__":
    sys.exit(main())
