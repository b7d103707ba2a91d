//! Gives the Linux shared library a SONAME so programs record
//! `libaliyun_mqtt_sign.so` rather than a build path. Writes nothing.
fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if os == "linux" {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libaliyun_mqtt_sign.so");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
