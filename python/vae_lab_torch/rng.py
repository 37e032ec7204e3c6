"""The lab's random stream (src/rng.rs): SplitMix64, uniforms of 53 bits, normals by Box–Muller in
pairs (cos first, sin kept for the next draw). Evaluation draws its noise from it, so PyTorch's
figures are computed with the very ε the CLI uses and agree to float rounding, not to Monte Carlo
error. Vectorised with numpy: the k-th output only depends on seed + k·golden."""
import numpy as np

GOLDEN = 0x9E3779B97F4A7C15
MASK = (1 << 64) - 1


def _mix(z):
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def u64s(seed, n, start=0):
    """The stream's outputs start+1 … start+n (next_u64 called n times after `start` calls)."""
    k = np.arange(start + 1, start + n + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        return _mix(np.uint64(seed & MASK) + k * np.uint64(GOLDEN))


def normals(seed, n):
    """The first n of `Rng::new(seed).normal()`, as f32 (Rust draws in f64 and rounds each)."""
    pairs = (n + 1) // 2
    u = (u64s(seed, 2 * pairs) >> np.uint64(11)).astype(np.float64) * (1.0 / (1 << 53))
    r = np.sqrt(-2.0 * np.log(1.0 - u[0::2]))
    theta = 2.0 * np.pi * u[1::2]
    out = np.empty(2 * pairs, dtype=np.float32)
    out[0::2] = (r * np.cos(theta)).astype(np.float32)
    out[1::2] = (r * np.sin(theta)).astype(np.float32)
    return out[:n]


def image_seed(seed, i):
    """The importance-weighted bound's stream for image i (src/evaluation/diagnostics.rs)."""
    return seed ^ (((i + 1) * GOLDEN) & MASK)
