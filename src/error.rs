//! One error type for the crate: either the input was unusable (a message for the user) or a
//! tensor operation failed (a bug or an exhausted resource).

use std::fmt;

#[derive(Debug)]
pub enum LabError {
    /// Bad input: a file, a parameter, a request. The message says what and why.
    Invalid(String),
    Candle(candle_core::Error),
}

pub type Result<T> = std::result::Result<T, LabError>;

impl fmt::Display for LabError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LabError::Invalid(msg) => f.write_str(msg),
            LabError::Candle(e) => write!(f, "tensor error: {e}"),
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
