//! Data augmentation for training a classifier: random shifts and mirrored images, drawn from
//! the project's seeded stream.

use crate::data::Dataset;
use crate::rng::Rng;

/// Data augmentation for training: each image shifted by a random whole number of pixels in
/// [−shift, shift] along each axis (zeros move in), and with `flip` mirrored left–right half of
/// the time (for garments, not digits).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Augment {
    pub shift: usize,
    pub flip: bool,
}

impl Augment {
    /// Pixels of the samples at `indices` as f32 in [0, 1], each moved as drawn from `rng`.
    pub fn batch_pixels(&self, data: &Dataset, indices: &[usize], rng: &mut Rng) -> Vec<f32> {
        if *self == Augment::default() {
            return data.batch_pixels(indices);
        }
        let (rows, cols) = (data.rows as isize, data.cols as isize);
        let span = 2 * self.shift + 1;
        let mut out = vec![0.0f32; indices.len() * data.pixels()];
        for (k, &i) in indices.iter().enumerate() {
            let dy = rng.below(span) as isize - self.shift as isize;
            let dx = rng.below(span) as isize - self.shift as isize;
            let flip = self.flip && rng.below(2) == 1;
            let (src, dst) = (data.image(i), &mut out[k * data.pixels()..(k + 1) * data.pixels()]);
            for r in 0..rows {
                let sr = r - dy;
                if !(0..rows).contains(&sr) {
                    continue;
                }
                for c in 0..cols {
                    let sc = if flip { cols - 1 - (c - dx) } else { c - dx };
                    if (0..cols).contains(&sc) {
                        dst[(r * cols + c) as usize] = src[(sr * cols + sc) as usize] as f32 * (1.0 / 255.0);
                    }
                }
            }
        }
        out
    }
}
