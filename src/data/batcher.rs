//! The order an epoch walks the training set in: shuffled at the start of every epoch, cut into
//! minibatches; saved with a training checkpoint so that training resumes where it stood.

use crate::rng::Rng;

/// Walks a data set in minibatches, reshuffling at the start of every epoch.
/// A last partial batch is dropped so every step sees exactly `batch` samples.
#[derive(Clone, Debug)]
pub struct Batcher {
    order: Vec<usize>,
    cursor: usize,
    pub epoch: usize,
}

impl Batcher {
    pub fn new(len: usize, rng: &mut Rng) -> Self {
        let mut order: Vec<usize> = (0..len).collect();
        rng.shuffle(&mut order);
        Self { order, cursor: 0, epoch: 0 }
    }

    /// The order, position and epoch, to be saved with a training checkpoint.
    pub fn parts(&self) -> (&[usize], usize, usize) {
        (&self.order, self.cursor, self.epoch)
    }

    /// A batcher that goes on where the one that gave `parts` stood (callers check the order).
    pub fn from_parts(order: Vec<usize>, cursor: usize, epoch: usize) -> Self {
        Self { cursor: cursor.min(order.len()), order, epoch }
    }

    /// The next `batch` indices; starts a new, reshuffled epoch when too few remain.
    pub fn next(&mut self, batch: usize, rng: &mut Rng) -> &[usize] {
        let batch = batch.min(self.order.len());
        if self.cursor + batch > self.order.len() {
            rng.shuffle(&mut self.order);
            self.cursor = 0;
            self.epoch += 1;
        }
        let start = self.cursor;
        self.cursor += batch;
        &self.order[start..self.cursor]
    }

    /// Share of the current epoch already seen, in [0, 1].
    pub fn progress(&self) -> f64 {
        self.cursor as f64 / self.order.len().max(1) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batcher_covers_every_sample_once_per_epoch() {
        let mut rng = Rng::new(5);
        let mut b = Batcher::new(10, &mut rng);
        let mut seen: Vec<usize> = (0..5).flat_map(|_| b.next(2, &mut rng).to_vec()).collect();
        assert_eq!(b.epoch, 0);
        seen.sort();
        assert_eq!(seen, (0..10).collect::<Vec<_>>());
        b.next(2, &mut rng);
        assert_eq!(b.epoch, 1);
    }
}
