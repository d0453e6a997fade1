//! The failure every port (the traits the server implements) reports.

/// A failure inside an adapter. Never shown to users; logged with a reference.
#[derive(Debug)]
pub enum PortError {
    /// A uniqueness or other constraint refused the change; names the constraint.
    Conflict(String),
    /// Anything else (connection lost, bad SQL…), with context for the log.
    Internal(String),
}

impl std::fmt::Display for PortError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PortError::Conflict(c) => write!(f, "constraint {c}"),
            PortError::Internal(m) => f.write_str(m),
        }
    }
}

pub type PortResult<T> = Result<T, PortError>;
