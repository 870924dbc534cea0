//! Helpers for the plain-old-data accounts' tests (`plain_account_serialize!`).
use anchor_lang::{AccountDeserialize, AccountSerialize, Discriminator};

/// Distinct, non-zero bytes everywhere, so a field read at the wrong offset shows.
pub fn numbered<T: bytemuck::Pod>(start: u8) -> T {
    let mut value = T::zeroed();
    for (i, byte) in bytemuck::bytes_of_mut(&mut value).iter_mut().enumerate() {
        *byte = start.wrapping_add(i as u8) | 1;
    }
    value
}

/// Written back with one copy and read with one, an account keeps every byte; it is exactly
/// its discriminator and its layout.
pub fn round_trips<T: bytemuck::Pod + AccountSerialize + AccountDeserialize + Discriminator>(start: u8) {
    let value: T = numbered(start);
    let mut data = Vec::new();
    value.try_serialize(&mut data).unwrap();
    assert_eq!(data.len(), 8 + std::mem::size_of::<T>());
    assert_eq!(&data[..8], T::DISCRIMINATOR);
    let back = T::try_deserialize(&mut data.as_slice()).unwrap();
    assert_eq!(bytemuck::bytes_of(&back), bytemuck::bytes_of(&value));
}
