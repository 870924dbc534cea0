//! Pure, runtime-free maths. Every function is checked: an impossible result is `None` or a
//! named error, never a panic or a wrap. Each topic has its unit tests and proptests beside it.
pub mod burn;
pub mod curve;
pub mod rewards;
pub mod wide;
