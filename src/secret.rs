//! Clearing key material: the leaf that every module holding a secret, a
//! key block or a hash state uses, and that uses nothing of the crate.

/// Overwrites `items` with zeros (their `Default`) in a way the optimiser
/// keeps.
pub fn wipe<T: Copy + Default>(items: &mut [T]) {
    items.fill(T::default());
    core::hint::black_box(items);
}
