//! A small seeded generator, identical on native and wasm32.
//!
//! Candle's CPU device cannot be seeded (`Device::Cpu.set_seed` errors), so every random number the
//! model uses (weight init, ε, shuffling) comes from here: same seed, same run, on any target.

/// SplitMix64: tiny, fast, passes BigCrush; plenty for init, noise and shuffles.
#[derive(Clone, Debug)]
pub struct Rng {
    state: u64,
    /// Box–Muller yields normals in pairs; the second waits here.
    spare_normal: Option<f32>,
}

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self { state: seed, spare_normal: None }
    }

    /// The generator's whole state, to be saved with a training checkpoint.
    pub fn parts(&self) -> (u64, Option<f32>) {
        (self.state, self.spare_normal)
    }

    /// A generator that goes on exactly where the one that gave `parts` stood.
    pub fn from_parts(state: u64, spare_normal: Option<f32>) -> Self {
        Self { state, spare_normal }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 53 bits of precision.
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform integer in [0, n), without modulo bias worth caring about for n ≪ 2⁶⁴.
    pub fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() as u128 * n as u128) >> 64) as usize
    }

    /// Standard normal N(0, 1).
    pub fn normal(&mut self) -> f32 {
        if let Some(z) = self.spare_normal.take() {
            return z;
        }
        // 1 - u keeps the logarithm's argument in (0, 1].
        let r = (-2.0 * (1.0 - self.uniform()).ln()).sqrt();
        let theta = std::f64::consts::TAU * self.uniform();
        self.spare_normal = Some((r * theta.sin()) as f32);
        (r * theta.cos()) as f32
    }

    /// A (rows, cols) tensor of independent N(0, 1) draws.
    pub fn normal_tensor(&mut self, rows: usize, cols: usize) -> candle_core::Result<candle_core::Tensor> {
        candle_core::Tensor::from_vec(self.normals(rows * cols), (rows, cols), &candle_core::Device::Cpu)
    }

    pub fn normals(&mut self, n: usize) -> Vec<f32> {
        (0..n).map(|_| self.normal()).collect()
    }

    /// Fisher–Yates shuffle in place.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream() {
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        assert_eq!(a.normals(100), b.normals(100));
        assert_ne!(Rng::new(8).normals(4), Rng::new(7).normals(4));
    }

    #[test]
    fn normals_have_unit_moments() {
        let xs = Rng::new(1).normals(200_000);
        let mean = xs.iter().map(|&x| x as f64).sum::<f64>() / xs.len() as f64;
        let var = xs.iter().map(|&x| (x as f64 - mean).powi(2)).sum::<f64>() / xs.len() as f64;
        assert!(mean.abs() < 0.01, "mean {mean}");
        assert!((var - 1.0).abs() < 0.01, "variance {var}");
    }

    #[test]
    fn shuffle_is_a_permutation() {
        let mut v: Vec<usize> = (0..1000).collect();
        Rng::new(3).shuffle(&mut v);
        assert_ne!(v, (0..1000).collect::<Vec<_>>());
        v.sort();
        assert_eq!(v, (0..1000).collect::<Vec<_>>());
    }
}
