//! One error type for the crate: either the input was unusable (a message for the user) or a
//! tensor operation failed (a bug or an exhausted resource).

use std::fmt;

#[derive(Debug)]
pub enum LabError {
    /// Bad input: a file, a parameter, a request. The message says what and why.
    Invalid(String),
    Candle(candle_core::Error),
    /// Training blew up (a NaN or infinite loss or gradient, or an exploding loss) at `step`;
    /// the model was rolled back to its state at step `restored_to`.
    Diverged { step: u64, restored_to: u64, learning_rate: f64 },
}

pub type Result<T> = std::result::Result<T, LabError>;

impl fmt::Display for LabError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LabError::Invalid(msg) => f.write_str(msg),
            LabError::Candle(e) => write!(f, "tensor error: {e}"),
            LabError::Diverged { step, restored_to, learning_rate } => write!(
                f,
                "training diverged at step {step} (the loss exploded or became NaN). The model was rolled \
                 back to step {restored_to}, its last healthy state; try a lower learning rate than {learning_rate}."
            ),
        }
    }
}

impl std::error::Error for LabError {}

impl From<candle_core::Error> for LabError {
    fn from(e: candle_core::Error) -> Self {
        LabError::Candle(e)
    }
}

impl From<String> for LabError {
    fn from(msg: String) -> Self {
        LabError::Invalid(msg)
    }
}

/// Shorthand for returning an `Invalid` error with a formatted message.
macro_rules! invalid {
    ($($arg:tt)*) => { return Err($crate::error::LabError::Invalid(format!($($arg)*))) };
}
pub(crate) use invalid;
