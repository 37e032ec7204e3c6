//! Adam's per-element loops: the update of a parameter (weights and both moments, in place) and
//! the gradient's sum of squares (the finite check and the norm).
//!
//! In wasm they are written with simd128 intrinsics, four lanes at a time: the wasm build
//! optimises this crate for size (Cargo.toml), and at that level LLVM leaves loops scalar, about
//! 2.6x slower (docs/performance.md). Each lane does the
//! scalar loop's operations in the same order, so the update is bit-identical to it (no fused
//! multiply-add in simd128); the sum of squares adds in another order and may differ in the last
//! bits.

/// One step's constants: moment decays, the bias-corrected step size and 1/(1 − β₂ᵗ), ε.
#[derive(Clone, Copy, Debug)]
pub struct AdamStep {
    pub b1: f32,
    pub b2: f32,
    pub step_size: f32,
    pub inv_c2: f32,
    pub eps: f32,
}

/// m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², w ← w − step·m/(√(v/c₂) + ε), element by element.
/// All four slices have the same length.
pub fn update(w: &mut [f32], m: &mut [f32], v: &mut [f32], g: &[f32], k: &AdamStep) {
    assert!(m.len() == w.len() && v.len() == w.len() && g.len() == w.len(), "Adam: slices of unequal length");
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    let done = simd::update(w, m, v, g, k);
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    let done = 0;
    update_scalar(&mut w[done..], &mut m[done..], &mut v[done..], &g[done..], k);
}

/// Σ g², added in f64 (finite exactly when every element is).
pub fn sum_of_squares(g: &[f32]) -> f64 {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    let (done, sum) = simd::sum_of_squares(g);
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    let (done, sum) = (0, 0.0);
    sum + sum_of_squares_scalar(&g[done..])
}

pub fn update_scalar(w: &mut [f32], m: &mut [f32], v: &mut [f32], g: &[f32], k: &AdamStep) {
    for (((w, m), v), g) in w.iter_mut().zip(m).zip(v).zip(g) {
        *m = k.b1 * *m + (1.0 - k.b1) * g;
        *v = k.b2 * *v + (1.0 - k.b2) * g * g;
        *w -= k.step_size * *m / ((*v * k.inv_c2).sqrt() + k.eps);
    }
}

pub fn sum_of_squares_scalar(g: &[f32]) -> f64 {
    g.iter().map(|&x| (x as f64) * (x as f64)).sum()
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd {
    use core::arch::wasm32::*;

    use super::AdamStep;

    /// The update over the first multiple of four elements; returns how many it did.
    pub fn update(w: &mut [f32], m: &mut [f32], v: &mut [f32], g: &[f32], k: &AdamStep) -> usize {
        let n = w.len() / 4 * 4;
        let (b1, b2) = (f32x4_splat(k.b1), f32x4_splat(k.b2));
        let (one_b1, one_b2) = (f32x4_splat(1.0 - k.b1), f32x4_splat(1.0 - k.b2));
        let (step, inv_c2, eps) = (f32x4_splat(k.step_size), f32x4_splat(k.inv_c2), f32x4_splat(k.eps));
        for i in (0..n).step_by(4) {
            // SAFETY: i + 4 <= n <= the length of every slice (checked equal by the caller);
            // v128 loads and stores need no alignment.
            unsafe {
                let gi = v128_load(g.as_ptr().add(i).cast());
                let mi = f32x4_add(f32x4_mul(b1, v128_load(m.as_ptr().add(i).cast())), f32x4_mul(one_b1, gi));
                let vi = f32x4_add(f32x4_mul(b2, v128_load(v.as_ptr().add(i).cast())), f32x4_mul(f32x4_mul(one_b2, gi), gi));
                let denom = f32x4_add(f32x4_sqrt(f32x4_mul(vi, inv_c2)), eps);
                let wi = f32x4_sub(v128_load(w.as_ptr().add(i).cast()), f32x4_div(f32x4_mul(step, mi), denom));
                v128_store(m.as_mut_ptr().add(i).cast(), mi);
                v128_store(v.as_mut_ptr().add(i).cast(), vi);
                v128_store(w.as_mut_ptr().add(i).cast(), wi);
            }
        }
        n
    }

    /// Σ g² over the first multiple of four elements, squares taken in f64; returns (count, sum).
    pub fn sum_of_squares(g: &[f32]) -> (usize, f64) {
        let n = g.len() / 4 * 4;
        let (mut lo, mut hi) = (f64x2_splat(0.0), f64x2_splat(0.0));
        for i in (0..n).step_by(4) {
            // SAFETY: i + 4 <= n <= g.len(); v128 loads need no alignment.
            let x = unsafe { v128_load(g.as_ptr().add(i).cast()) };
            let (a, b) = (f64x2_promote_low_f32x4(x), f64x2_promote_low_f32x4(i32x4_shuffle::<2, 3, 0, 1>(x, x)));
            lo = f64x2_add(lo, f64x2_mul(a, a));
            hi = f64x2_add(hi, f64x2_mul(b, b));
        }
        let s = f64x2_add(lo, hi);
        (n, f64x2_extract_lane::<0>(s) + f64x2_extract_lane::<1>(s))
    }
}

#[cfg(all(test, target_arch = "wasm32"))]
mod tests {
    use wasm_bindgen_test::*;

    use super::*;

    wasm_bindgen_test_configure!(run_in_browser);

    /// Values of many magnitudes and signs, from a fixed integer hash.
    fn values(n: usize, salt: u32) -> Vec<f32> {
        (0..n as u32).map(|i| (i.wrapping_mul(2654435761).wrapping_add(salt) % 20001) as f32 / 1000.0 - 10.0).collect()
    }

    #[wasm_bindgen_test]
    fn simd_update_is_bit_identical_to_the_scalar_loop() {
        let k = AdamStep { b1: 0.9, b2: 0.999, step_size: 1e-3 / 0.19, inv_c2: 1.0 / 0.002, eps: 1e-8 };
        for n in [0, 1, 3, 4, 5, 1001] {
            let (w0, m0, v0, g) = (values(n, 1), values(n, 2), values(n, 3).iter().map(|x| x.abs()).collect::<Vec<_>>(), values(n, 4));
            let (mut w, mut m, mut v) = (w0.clone(), m0.clone(), v0.clone());
            update(&mut w, &mut m, &mut v, &g, &k);
            let (mut ws, mut ms, mut vs) = (w0, m0, v0);
            update_scalar(&mut ws, &mut ms, &mut vs, &g, &k);
            let bits = |x: &[f32]| x.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
            assert_eq!((bits(&w), bits(&m), bits(&v)), (bits(&ws), bits(&ms), bits(&vs)), "n = {n}");
        }
    }

    #[wasm_bindgen_test]
    fn simd_sum_of_squares_matches_and_sees_every_non_finite_value() {
        for n in [0, 1, 4, 7, 1001] {
            let g = values(n, 5);
            let (a, b) = (sum_of_squares(&g), sum_of_squares_scalar(&g));
            assert!((a - b).abs() <= 1e-12 * b.max(1.0), "n = {n}: {a} vs {b}");
        }
        for at in [0, 2, 3, 6] {
            let mut g = values(7, 6);
            g[at] = f32::NAN;
            assert!(!sum_of_squares(&g).is_finite(), "NaN at {at}");
            g[at] = f32::INFINITY;
            assert!(!sum_of_squares(&g).is_finite(), "inf at {at}");
        }
    }
}
