//! Runs the unit tests of the build code in `build/` (the spec fixes), which cargo does
//! not run for a build script.

#[allow(dead_code)]
#[path = "../build/normalize.rs"]
mod normalize;
