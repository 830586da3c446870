#!/usr/bin/env python3
"""Times one R2D2 learner update in PyTorch at the shape Mnemo's `bench r2d2` uses.

`./mnemo bench r2d2` runs this script (when `import torch` works) right after timing its own learner,
passing the bench's shape as arguments, and prints both figures side by side. Run by hand:

    python3 experiments/peers/pytorch/r2d2_update.py                     # the paper shape
    python3 experiments/peers/pytorch/r2d2_update.py --batch 32 --burn-in 10 --trace 30 --core-size 64

One update is the step `R2d2Learner.update` does (see its javadoc), written with the usual PyTorch modules:

  x_t  = [obs_t, onehot(prev_action_t), prev_reward_t]
  e_t  = relu(Linear(x_t)) per encoder layer;  nn.LSTM core;  dueling head q = v + a - mean(a)
  1. burn-in: online LSTM from the stored state over the first `burn_in` steps, no gradient;
  2. online forward with gradient over the `trace` trained steps from the burn-in's final state (detached),
     then on without gradient over the `n` bootstrap steps; target network over the whole sequence, no
     gradient;
  3. y = h(sum_k gamma^k r_{t+k} + gamma^n h^-1(Q_target(s_{t+n}, argmax_a Q_online(s_{t+n}, a)))) with
     R2D2's value rescaling h (eps 1e-3), discounts multiplying gamma per step;
  4. loss = sum w * valid * delta^2 / 2 / sum valid; eta-mixed priorities max/mean |delta| per sequence;
  5. backward, global gradient-norm clipping, Adam (lr, eps), target copy every `target_period` updates.

The batch is random (as the bench's is): every step real (mask 1, discount 1), stored state zero. Only the
LSTM core is written here (the bench's main row). Timing: `--warmup` updates, then `--updates` single
updates, each timed by this thread's CPU time (time.thread_time_ns, the figure the bench reports for its
own engine) and wall time. Output: one JSON line on stdout, flat (string and number values only).
"""

import argparse
import json
import os
import sys
import time


def quantile(sorted_values, q):
    """Linear interpolation between closest ranks (the same rule as R2d2Bench.quantile)."""
    pos = q * (len(sorted_values) - 1)
    lo = int(pos)
    hi = min(len(sorted_values) - 1, lo + 1)
    return sorted_values[lo] + (pos - lo) * (sorted_values[hi] - sorted_values[lo])


def loaded_blas():
    """File names of the BLAS shared objects this process has mapped (Debian's alternatives pick which one torch gets)."""
    found = []
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                path = line.split()[-1] if len(line.split()) >= 6 else ""
                name = os.path.basename(path)
                if "blas" in name.lower() and name not in found:
                    found.append(name)
    except OSError:
        return "unknown"
    return ",".join(found) if found else "none mapped"


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--burn-in", type=int, default=40)
    p.add_argument("--trace", type=int, default=80)
    p.add_argument("--n-step", type=int, default=5)
    p.add_argument("--gamma", type=float, default=0.997)
    p.add_argument("--obs", type=int, default=8)
    p.add_argument("--actions", type=int, default=4)
    p.add_argument("--encoder", default="64", help="comma-separated Dense+ReLU widths ('' for none)")
    p.add_argument("--core", default="lstm")
    p.add_argument("--core-size", type=int, default=128)
    p.add_argument("--head-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=1e-4)
    p.add_argument("--adam-eps", type=float, default=1e-3)
    p.add_argument("--max-grad-norm", type=float, default=40.0)
    p.add_argument("--target-period", type=int, default=2500)
    p.add_argument("--eta", type=float, default=0.9)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--updates", type=int, default=20)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args(argv)
    if a.core != "lstm":
        p.error("only --core lstm is implemented here, got '%s'" % a.core)
    if a.updates < 1 or a.warmup < 0 or a.batch < 1 or a.trace < 1 or a.n_step < 1 or a.burn_in < 0:
        p.error("updates, batch, trace and n-step must be >= 1; warmup and burn-in >= 0")
    return a


def main(argv):
    args = parse_args(argv)
    import torch
    from torch import nn

    torch.set_num_threads(args.threads)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass  # already set (only possible before any parallel work)
    torch.manual_seed(args.seed)

    encoder_sizes = [int(s) for s in args.encoder.split(",") if s.strip()]
    in_size = args.obs + args.actions + 1

    class RecurrentQ(nn.Module):
        def __init__(self):
            super().__init__()
            layers = []
            width = in_size
            for size in encoder_sizes:
                layers += [nn.Linear(width, size), nn.ReLU()]
                width = size
            self.encoder = nn.Sequential(*layers)
            self.core = nn.LSTM(width, args.core_size, batch_first=True)
            self.value = nn.Sequential(nn.Linear(args.core_size, args.head_size), nn.ReLU(),
                                       nn.Linear(args.head_size, 1))
            self.advantage = nn.Sequential(nn.Linear(args.core_size, args.head_size), nn.ReLU(),
                                           nn.Linear(args.head_size, args.actions))

        def forward(self, x, state):
            out, state = self.core(self.encoder(x), state)
            v = self.value(out)
            a = self.advantage(out)
            return v + a - a.mean(dim=-1, keepdim=True), state

    online = RecurrentQ()
    target = RecurrentQ()
    target.load_state_dict(online.state_dict())
    for p in target.parameters():
        p.requires_grad_(False)
    optimizer = torch.optim.Adam(online.parameters(), lr=args.lr, eps=args.adam_eps)

    # A random batch, as R2d2Bench.batch builds one: every step real, stored state zero.
    B, L, l, m, n, A = args.batch, args.burn_in + args.trace + args.n_step, args.burn_in, args.trace, args.n_step, \
        args.actions
    gen = torch.Generator().manual_seed(args.seed)
    obs = torch.randn(B, L, args.obs, generator=gen)
    actions = torch.randint(0, A, (B, L), generator=gen)
    rewards = torch.randn(B, L, generator=gen)
    prev_onehot = torch.zeros(B, L, A)
    prev_onehot[:, 1:] = nn.functional.one_hot(actions[:, :-1], A).float()
    prev_rewards = torch.zeros(B, L)
    prev_rewards[:, 1:] = rewards[:, :-1]
    x = torch.cat([obs, prev_onehot, prev_rewards.unsqueeze(-1)], dim=-1)
    discounts = torch.ones(B, L)
    mask = torch.ones(B, L)
    weights = torch.ones(B)
    state0 = (torch.zeros(1, B, args.core_size), torch.zeros(1, B, args.core_size))

    eps = 1e-3

    def h(v):
        return torch.sign(v) * (torch.sqrt(v.abs() + 1) - 1) + eps * v

    def h_inv(v):
        root = (torch.sqrt(1 + 4 * eps * (v.abs() + 1 + eps)) - 1) / (2 * eps)
        return torch.sign(v) * (root * root - 1)

    updates_done = [0]

    def update():
        # 1-2. unrolls: burn-in (no grad), trained steps (grad), bootstrap steps (no grad); target, no grad
        with torch.no_grad():
            _, burned = online(x[:, :l], state0) if l > 0 else (None, state0)
        burned = (burned[0].detach(), burned[1].detach())
        q_train, after = online(x[:, l:l + m], burned)
        with torch.no_grad():
            q_tail, _ = online(x[:, l + m:], after)
            q_online = torch.cat([q_train.detach(), q_tail], dim=1)  # steps [l, L)
            q_target, _ = target(x, state0)
            # 3. n-step double-Q targets on steps t in [l, l + m)
            ret = torch.zeros(B, m)
            disc = torch.ones(B, m)
            for k in range(n):
                ret = ret + disc * rewards[:, l + k:l + k + m]
                disc = disc * args.gamma * discounts[:, l + k:l + k + m]
            best = q_online[:, n:n + m].argmax(dim=-1, keepdim=True)
            boot = q_target[:, l + n:l + n + m].gather(-1, best).squeeze(-1)
            y = h(ret + disc * h_inv(boot))
            valid = mask[:, l:l + m]
        # 4. loss and priorities
        q_taken = q_train.gather(-1, actions[:, l:l + m].unsqueeze(-1)).squeeze(-1)
        delta = y - q_taken
        loss = (weights.unsqueeze(1) * valid * 0.5 * delta * delta).sum() / valid.sum().clamp(min=1)
        with torch.no_grad():
            ad = delta.detach().abs() * valid
            priorities = args.eta * ad.max(dim=1).values + (1 - args.eta) * ad.sum(dim=1) / valid.sum(dim=1) \
                .clamp(min=1)
        # 5. gradient, clipping, Adam, target copy
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if args.max_grad_norm > 0:
            nn.utils.clip_grad_norm_(online.parameters(), args.max_grad_norm)
        optimizer.step()
        updates_done[0] += 1
        if updates_done[0] % args.target_period == 0:
            target.load_state_dict(online.state_dict())
        return float(loss), priorities

    first_loss, _ = update()
    for _ in range(args.warmup - 1 if args.warmup > 0 else 0):
        update()
    cpu_ms, wall_ms = [], []
    last_loss = first_loss
    for _ in range(args.updates):
        c0, w0 = time.thread_time_ns(), time.perf_counter_ns()
        last_loss, _ = update()
        cpu_ms.append((time.thread_time_ns() - c0) / 1e6)
        wall_ms.append((time.perf_counter_ns() - w0) / 1e6)
    cpu_sorted, wall_sorted = sorted(cpu_ms), sorted(wall_ms)
    print(json.dumps({
        "peer": "pytorch",
        "torch": torch.__version__,
        "python": "%d.%d.%d" % sys.version_info[:3],
        "threads": torch.get_num_threads(),
        "blas": loaded_blas(),
        "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE", ""),
        "batch": B, "burn_in": l, "trace": m, "n_step": n, "core": args.core, "core_size": args.core_size,
        "encoder": args.encoder, "head_size": args.head_size, "obs": args.obs, "actions": A,
        "warmup": max(args.warmup, 1), "updates": args.updates,
        "cpu_median_ms": round(quantile(cpu_sorted, 0.5), 3),
        "cpu_q1_ms": round(quantile(cpu_sorted, 0.25), 3),
        "cpu_q3_ms": round(quantile(cpu_sorted, 0.75), 3),
        "wall_median_ms": round(quantile(wall_sorted, 0.5), 3),
        "wall_mean_ms": round(sum(wall_ms) / len(wall_ms), 3),
        "loss_first": round(first_loss, 6), "loss_last": round(last_loss, 6),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
