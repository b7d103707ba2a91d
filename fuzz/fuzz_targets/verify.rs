#![no_main]
//! `aliyun_mqtt_verify` and `aliyun_mqtt_verify_identify` on arbitrary
//! CONNECT fields (exact-size heap strings, NULLs), and on signed fields
//! with one password byte changed, which must never verify unless the change
//! only flips the case of a hex letter.

use std::ffi::{c_char, CStr};
use std::ptr;

use aliyun_mqtt_sign::ffi::*;
use aliyun_mqtt_sign::Status as S;
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

fn c_string(u: &mut Unstructured<'_>, max: usize) -> Result<Option<Box<[u8]>>> {
    if u.ratio(1, 16)? {
        return Ok(None);
    }
    let len = u.int_in_range(0..=max)?;
    let mut v = Vec::with_capacity(len + 1);
    for _ in 0..len {
        let b: u8 = if u.ratio(1, 20)? {
            u.arbitrary()?
        } else {
            *u.choose(b"abcdefABCDEF0123456789|,=&-_.:@ securemodesignmethodtimestampauthTyperandomhmacsha1256md5")?
        };
        v.push(if b == 0 { 1 } else { b });
    }
    v.push(0);
    Ok(Some(v.into_boxed_slice()))
}

fn p(s: &Option<Box<[u8]>>) -> *const c_char {
    s.as_ref().map_or(ptr::null(), |b| b.as_ptr().cast())
}

fn text(chars: &[c_char]) -> &[u8] {
    let bytes: &[u8] = unsafe { std::slice::from_raw_parts(chars.as_ptr().cast(), chars.len()) };
    CStr::from_bytes_until_nul(bytes).expect("no NUL in a field").to_bytes()
}

fn arbitrary_fields(u: &mut Unstructured<'_>) -> Result<()> {
    let cid = c_string(u, 600)?;
    let user = c_string(u, 80)?;
    let pw = c_string(u, 80)?;
    let secret = c_string(u, 140)?;
    let mut info: aliyun_mqtt_verify_info = unsafe { std::mem::zeroed() };
    let ist = unsafe { aliyun_mqtt_verify_identify(p(&cid), p(&user), &mut info) };
    if ist != S::ALIYUN_MQTT_OK {
        assert!(text(&info.product_key).is_empty() && text(&info.client_id).is_empty());
    } else {
        let user = text(&info.device_name).to_vec();
        assert!(!user.is_empty() && !text(&info.product_key).is_empty());
    }
    let vst = unsafe { aliyun_mqtt_verify(p(&cid), p(&user), p(&pw), p(&secret), &mut info) };
    if ist != S::ALIYUN_MQTT_OK {
        assert_eq!(vst, ist, "verify and identify disagree on parsing");
    }
    if vst == S::ALIYUN_MQTT_OK {
        assert_eq!(ist, S::ALIYUN_MQTT_OK);
    }
    assert!(S::from_u32(vst as u32).is_some());
    Ok(())
}

fn tampered_password(u: &mut Unstructured<'_>) -> Result<()> {
    let pk: String = (0..u.int_in_range(1..=20)?).map(|_| *u.choose(b"abcXYZ019").unwrap() as char).collect();
    let dn = format!("dev-{}", u.int_in_range(0..=99999u32)?);
    let ds = format!("s{}", u.arbitrary::<u64>()?);
    let (pk0, dn0, ds0) = (format!("{pk}\0"), format!("{dn}\0"), format!("{ds}\0"));
    let mut dev = aliyun_mqtt_device_default();
    dev.product_key = pk0.as_ptr().cast();
    dev.device_name = dn0.as_ptr().cast();
    dev.device_secret = ds0.as_ptr().cast();
    dev.sign_method = u.int_in_range(1..=4)?;
    dev.timestamp_ms = u.arbitrary()?;
    dev.uppercase_hex = u.arbitrary()?;
    let mut cred: aliyun_mqtt_credentials = unsafe { std::mem::zeroed() };
    assert_eq!(unsafe { aliyun_mqtt_sign(&dev, &mut cred) }, S::ALIYUN_MQTT_OK);
    let n = text(&cred.password).len();
    let at = u.int_in_range(0..=n - 1)?;
    let old = cred.password[at] as u8;
    let new: u8 = u.int_in_range(1..=255)?;
    cred.password[at] = new as c_char;
    let st = unsafe {
        aliyun_mqtt_verify(cred.client_id.as_ptr(), cred.username.as_ptr(), cred.password.as_ptr(),
                           dev.device_secret, ptr::null_mut())
    };
    if new.eq_ignore_ascii_case(&old) {
        assert_eq!(st, S::ALIYUN_MQTT_OK, "a case change must still verify");
    } else {
        assert_eq!(st, S::ALIYUN_MQTT_ERR_SIGNATURE_MISMATCH, "a changed password verified");
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let _ = if u.ratio(1, 3).unwrap_or(false) { tampered_password(&mut u) } else { arbitrary_fields(&mut u) };
});
