//! Review queries
