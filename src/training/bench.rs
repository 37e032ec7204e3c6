//! The matrix-product benchmark (`vae-lab bench`, the page's `Lab.matmulGflops`): the kernel
//! that nearly all of a training step's time goes to, timed alone on the training shapes.

use crate::error::{invalid, Result};
use crate::rng::Rng;

/// GFLOP/s of Candle's gemm on an (m×k)·(k×n) product as training runs it, the benchmark's figure
/// natively and in the page alike: after a warm-up, three trials of about 0.3 s in batches of
/// five products, the best. `now`: a millisecond clock (`Instant` natively, `performance.now()`
/// in the page). Sizes up to 4096.
pub fn matmul_gflops(m: usize, k: usize, n: usize, now: &dyn Fn() -> f64) -> Result<f64> {
    bench_matmul(m, k, n, 3)?; // warm-up
    let mut best = 0.0f64;
    for _ in 0..3 {
        let (start, mut reps) = (now(), 0u32);
        while now() - start < 300.0 {
            bench_matmul(m, k, n, 5)?;
            reps += 5;
        }
        best = best.max(2.0 * (m * k * n) as f64 * f64::from(reps) / ((now() - start) / 1e3) / 1e9);
    }
    Ok(best)
}

/// `reps` products of an (m×k) and a (k×n) matrix; returns one element of the last product, so
/// that the work cannot be skipped. Sizes up to 4096, reps up to 10,000.
fn bench_matmul(m: usize, k: usize, n: usize, reps: u32) -> Result<f32> {
    if [m, k, n].iter().any(|&d| !(1..=4096).contains(&d)) || reps > 10_000 {
        invalid!("matmul benchmark: sizes must be 1 to 4096 and repetitions at most 10000");
    }
    let mut rng = Rng::new(m as u64 * 31 + k as u64 * 7 + n as u64);
    let a = rng.normal_tensor(m, k)?;
    let b = rng.normal_tensor(k, n)?;
    let mut last = 0.0;
    for _ in 0..reps {
        last = a.matmul(&b)?.get(0)?.get(0)?.to_scalar::<f32>()?;
    }
    Ok(last)
}

