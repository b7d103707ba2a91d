//! Gives the Linux shared library a SONAME so programs record
//! `libaliyun_mqtt_sign.so` rather than a build path, and sets two cfgs:
//! `any_method` when at least one sign method is compiled in, and
//! `small_path` for the smallest code (bare-metal targets, or any target
//! with the `small-path` feature, which is how the host tests run it).
//! Writes nothing.
fn main() {
    println!("cargo:rustc-check-cfg=cfg(any_method)");
    println!("cargo:rustc-check-cfg=cfg(small_path)");
    let methods = ["HMAC_MD5", "HMAC_SHA1", "HMAC_SHA256", "SHA256"];
    if methods
        .iter()
        .any(|m| std::env::var_os(format!("CARGO_FEATURE_{m}")).is_some())
    {
        println!("cargo:rustc-cfg=any_method");
    }
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if os == "none" || std::env::var_os("CARGO_FEATURE_SMALL_PATH").is_some() {
        println!("cargo:rustc-cfg=small_path");
    }
    if os == "linux" {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libaliyun_mqtt_sign.so");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
