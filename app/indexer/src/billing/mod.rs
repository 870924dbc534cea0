//! Pushing each final day to billing, exactly once per endpoint.
//!
//! When the indexer freezes a day ([`crate::credit::freeze_final_days`]) the same transaction
//! queues it in the outbox for every registered endpoint ([`outbox`]). A [`Deliverer`] posts each
//! owed day, oldest first per endpoint, as a signed [`DayStatement`] with an `Idempotency-Key`
//! naming its content, and marks it delivered only on a 2xx answer; anything else (an error, a
//! timeout, a refused connection) is retried with a doubling pause. A crash between the
//! endpoint's answer and the mark re-sends the same bytes under the same key, so an endpoint that
//! acknowledges a key it has seen before without acting twice is credited each day exactly once.
pub mod deliver;
pub mod outbox;
pub mod statement;

pub use deliver::{Deliverer, DeliveryOptions, PassReport};
pub use statement::DayStatement;
