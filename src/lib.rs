//! Temporary
mod generated;
pub mod connections;
