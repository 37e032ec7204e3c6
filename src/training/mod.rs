//! Training: the step loop over a model family, its divergence guard and checkpoints
//! (`trainer`), and the benchmark of the matrix product a step spends its time in (`bench`).
//! The optimiser itself is `optim`'s; what a step computes is the family's (`models`).

pub mod bench;
pub mod trainer;

pub use trainer::{Progress, SettingsChange, StepOn, Trainer};
