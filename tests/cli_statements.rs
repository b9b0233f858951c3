#![cfg(all(feature = "cli", feature = "fake"))]
