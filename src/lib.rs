//! Zero-allocation signing of Alibaba Cloud IoT Platform MQTT credentials.
//!
//! A device computes the MQTT CONNECT client identifier, user name and
//! password from its ProductKey, DeviceName and DeviceSecret. This crate does
//! that without a heap, without global state and without `core::fmt`, writing
//! into buffers the caller owns. The C ABI lives in [`ffi`]; the safe Rust API
//! is [`credentials`] and [`endpoints`].
//!
//! Layering (one way): `ffi` -> `credentials` / `endpoints` -> `sign`,
//! `validate`, `writer` -> `model` (the domain enums); `secret` (wiping) is
//! a leaf under all of them.
//! Only `ffi` contains `unsafe`.
//!
//! Code paths: `cfg(small_path)` (set by `build.rs` for bare-metal targets
//! and for the `small-path` feature) selects the smallest code where hosts
//! keep a faster twin; `cargo test --features small-path` runs every test
//! against it.
#![cfg_attr(not(feature = "std"), no_std)]
#![deny(unsafe_code)]

#[cfg(all(any_method, any(small_path, test)))]
mod compress;
pub mod credentials;
pub mod endpoints;
pub mod explain;
pub mod ffi;
pub mod https;
pub mod json;
pub mod limits;
#[cfg(all(target_os = "none", any(target_arch = "arm", target_arch = "riscv32")))]
mod mem;
pub mod message;
pub mod model;
pub mod ntp;
pub mod psk;
pub mod register;
pub mod reply;
pub mod roots;
pub mod secret;
pub mod sign;
pub mod status;
pub mod subdev;
pub mod subdev_reply;
mod text;
pub mod topic;
pub mod validate;
pub mod verify;
pub(crate) mod writer;

pub use credentials::{Device, SecureMode};
pub use sign::SignMethod;
pub use status::{aliyun_mqtt_status as Status, Error};
