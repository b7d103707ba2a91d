#![no_main]
//! Every exported builder of the C ABI on arbitrary input: strings of
//! arbitrary bytes (embedded NULs included, each in a heap block of exactly
//! its length + NUL, so ASan catches a read past it) or NULL, out-of-range
//! enum values, every `cap` from 0 up, NULL `buf` and `out_len`.
//!
//! Checks the buffer rule on every call (nothing written at or past `cap`,
//! NUL termination, `out_len` as documented, "" on error), that a size
//! query and a large buffer agree, that what the signers produce
//! verifies with the verifier, and that the sub-device payloads are JSON
//! naming the sub-devices given.

use std::ffi::{c_char, CStr};
use std::ptr;

use aliyun_mqtt_sign::ffi::*;
use aliyun_mqtt_sign::Status as S;
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

const CANARY: u8 = 0xA5;

/// A C string argument: NULL, or bytes + NUL in an exact-size allocation.
struct CArg(Option<Box<[u8]>>);

/// Alphabet and length range of a valid value of each string argument, so
/// that half the inputs reach the success paths.
const SHAPES: [(&[u8], usize, usize); 6] = [
    (b"abcdefXYZ0123456789", 1, 20),                 // product key
    (b"abcXYZ0189-_@.:", 4, 32),                     // device name
    (b"abcXYZ019!#$%&'()*+,-./:;<=>?@[]^_`{|}~", 1, 64), // secret
    (b"abcXYZ019!#$%&'()*+-./:;<>?@[]^_`{}~", 0, 64), // client id
    (b"abcxyz019-", 1, 40),                          // region, instance id, host, extra
    (b"abcXYZ0189", 1, 32),                          // random
];

impl CArg {
    fn new(u: &mut Unstructured<'_>, field: usize) -> Result<CArg> {
        if u.ratio(1, 12)? {
            return Ok(CArg(None));
        }
        if u.ratio(1, 2)? {
            let (alphabet, lo, hi) = SHAPES[field];
            let len = u.int_in_range(lo..=hi)?;
            let mut bytes = Vec::with_capacity(len + 1);
            for _ in 0..len {
                bytes.push(*u.choose(alphabet)?);
            }
            bytes.push(0);
            return Ok(CArg(Some(bytes.into_boxed_slice())));
        }
        let len = u.int_in_range(0..=140)?;
        let mut bytes = Vec::with_capacity(len + 1);
        for _ in 0..len {
            // Mostly printable ASCII, sometimes anything (NUL included).
            let b: u8 = if u.ratio(1, 16)? { u.arbitrary()? } else { u.int_in_range(0x20..=0x7e)? };
            bytes.push(b);
        }
        bytes.push(0);
        Ok(CArg(Some(bytes.into_boxed_slice())))
    }
    fn ptr(&self) -> *const c_char {
        self.0.as_ref().map_or(ptr::null(), |b| b.as_ptr().cast())
    }
}

fn small_enum(u: &mut Unstructured<'_>) -> Result<u32> {
    Ok(if u.ratio(1, 8)? { u.arbitrary()? } else { u.int_in_range(0..=5)? })
}

fn mode(u: &mut Unstructured<'_>) -> Result<i32> {
    Ok(if u.ratio(1, 8)? { u.arbitrary()? } else { u.int_in_range(-3..=4)? })
}

/// Calls an output function with an arbitrary `cap`, NULL `buf`/`out_len`
/// at times, and checks the buffer rule. Returns the output on success.
fn output(
    u: &mut Unstructured<'_>,
    f: &dyn Fn(*mut c_char, usize, *mut usize) -> S,
) -> Result<Option<Vec<u8>>> {
    let cap: usize = u.int_in_range(0..=600)?;
    let null_buf = cap == 0 && u.ratio(1, 2)? || u.ratio(1, 50)?;
    let null_len = u.ratio(1, 10)?;
    let mut buf = vec![CANARY; cap + 32];
    let mut len = usize::MAX;
    let bp = if null_buf { ptr::null_mut() } else { buf.as_mut_ptr().cast() };
    let lp = if null_len { ptr::null_mut() } else { &mut len as *mut usize };
    let st = f(bp, cap, lp);
    assert!(buf[cap..].iter().all(|b| *b == CANARY) || null_buf, "wrote past cap");
    if null_buf {
        assert!(buf.iter().all(|b| *b == CANARY), "wrote through a NULL buf");
        if cap > 0 {
            assert_eq!(st, S::ALIYUN_MQTT_ERR_NULL_ARGUMENT);
        }
    }
    // The reference: a large buffer.
    let mut big = vec![CANARY; 1024];
    let mut big_len = usize::MAX;
    let big_st = f(big.as_mut_ptr().cast(), big.len(), &mut big_len);
    match st {
        S::ALIYUN_MQTT_OK => {
            assert!(!null_buf);
            let n = buf.iter().position(|b| *b == 0).expect("no NUL");
            assert!(n < cap);
            if !null_len {
                assert_eq!(len, n);
            }
            assert_eq!(big_st, S::ALIYUN_MQTT_OK);
            assert_eq!(&big[..=n], &buf[..=n], "a second call differs");
            Ok(Some(buf[..n].to_vec()))
        }
        S::ALIYUN_MQTT_ERR_BUFFER_TOO_SMALL => {
            if !null_len {
                assert!(len >= cap);
                assert_eq!(big_st, S::ALIYUN_MQTT_OK);
                assert_eq!(big.iter().position(|b| *b == 0), Some(len), "needed length");
            }
            if cap > 0 && !null_buf {
                assert_eq!(buf[0], 0);
            }
            Ok(None)
        }
        other => {
            assert_ne!(other as u32, 0);
            assert!(S::from_u32(other as u32).is_some());
            if !null_len {
                assert_eq!(len, 0);
            }
            if cap > 0 && !null_buf {
                assert_eq!(buf[0], 0);
            }
            if !null_buf || cap == 0 {
                assert_eq!(big_st, other, "the status depends on the buffer");
            }
            Ok(None)
        }
    }
}

fn text(chars: &[c_char]) -> &[u8] {
    let bytes: &[u8] = unsafe { std::slice::from_raw_parts(chars.as_ptr().cast(), chars.len()) };
    CStr::from_bytes_until_nul(bytes).expect("no NUL in a field").to_bytes()
}

fn run(u: &mut Unstructured<'_>) -> Result<()> {
    let strings: Vec<CArg> = (0..6).map(|i| CArg::new(u, i)).collect::<Result<_>>()?;
    let mut dev = aliyun_mqtt_device_default();
    dev.product_key = strings[0].ptr();
    dev.device_name = strings[1].ptr();
    dev.device_secret = strings[2].ptr();
    dev.client_id = strings[3].ptr();
    dev.extra_params = strings[4].ptr();
    dev.timestamp_ms = u.arbitrary()?;
    dev.sign_method = small_enum(u)?;
    dev.secure_mode = mode(u)?;
    dev.uppercase_hex = u.arbitrary()?;
    let mut reg = aliyun_mqtt_registration_default();
    reg.product_key = strings[0].ptr();
    reg.device_name = strings[1].ptr();
    reg.product_secret = strings[2].ptr();
    reg.random = strings[5].ptr();
    reg.client_id = strings[3].ptr();
    reg.instance_id = strings[4].ptr();
    reg.sign_method = dev.sign_method;
    reg.secure_mode = dev.secure_mode;
    reg.auth_type = small_enum(u)?;
    reg.uppercase_hex = dev.uppercase_hex;
    let other = strings[4].ptr();

    match u.int_in_range(0..=23u8)? {
        0 => {
            output(u, &|b, c, l| unsafe { aliyun_mqtt_client_id(&dev, b, c, l) })?;
        }
        1 => {
            output(u, &|b, c, l| unsafe { aliyun_mqtt_username(&dev, b, c, l) })?;
        }
        2 => {
            output(u, &|b, c, l| unsafe { aliyun_mqtt_password(&dev, b, c, l) })?;
        }
        3 => {
            output(u, &|b, c, l| unsafe { aliyun_mqtt_host(dev.product_key, other, b, c, l) })?;
        }
        4 => {
            output(u, &|b, c, l| unsafe { aliyun_mqtt_auth_body(&dev, b, c, l) })?;
        }
        5 => {
            let m = dev.secure_mode;
            output(u, &|b, c, l| unsafe { aliyun_mqtt_websocket_url(dev.product_key, other, m, b, c, l) })?;
        }
        6 => {
            output(u, &|b, c, l| unsafe { aliyun_mqtt_instance_host(other, b, c, l) })?;
        }
        7 => {
            output(u, &|b, c, l| unsafe { aliyun_mqtt_auth_host(other, b, c, l) })?;
        }
        8 => {
            output(u, &|b, c, l| unsafe { aliyun_mqtt_custom_host(other, b, c, l) })?;
        }
        9 => {
            output(u, &|b, c, l| unsafe { aliyun_mqtt_ipv6_host(b, c, l) })?;
            output(u, &|b, c, l| unsafe { aliyun_mqtt_auth_path(b, c, l) })?;
            output(u, &|b, c, l| unsafe { aliyun_mqtt_register_path(b, c, l) })?;
        }
        10 => {
            output(u, &|b, c, l| unsafe { aliyun_mqtt_register_body(&reg, b, c, l) })?;
        }
        11 | 12 => {
            // One call for all three fields; on success they verify.
            let mut cred: aliyun_mqtt_credentials = unsafe { std::mem::zeroed() };
            cred.client_id[0] = 1;
            let st = unsafe { aliyun_mqtt_sign(&dev, &mut cred) };
            let (cid, user, pw) = (text(&cred.client_id), text(&cred.username), text(&cred.password));
            if st != S::ALIYUN_MQTT_OK {
                assert!(cid.is_empty() && user.is_empty() && pw.is_empty());
                return Ok(());
            }
            let mut info: aliyun_mqtt_verify_info = unsafe { std::mem::zeroed() };
            let vst = unsafe {
                aliyun_mqtt_verify(
                    cred.client_id.as_ptr(),
                    cred.username.as_ptr(),
                    cred.password.as_ptr(),
                    dev.device_secret,
                    &mut info,
                )
            };
            assert_eq!(vst, S::ALIYUN_MQTT_OK, "signed fields do not verify");
            assert_eq!(info.sign_method, dev.sign_method);
            assert_eq!(info.secure_mode, dev.secure_mode);
            // The field functions agree with the one-shot call.
            let got = output(u, &|b, c, l| unsafe { aliyun_mqtt_password(&dev, b, c, l) })?;
            if let Some(got) = got {
                assert_eq!(got, pw);
            }
        }
        13 => {
            let mut cred: aliyun_mqtt_credentials = unsafe { std::mem::zeroed() };
            let st = unsafe { aliyun_mqtt_register_sign(&reg, &mut cred) };
            if st != S::ALIYUN_MQTT_OK {
                assert!(text(&cred.client_id).is_empty() && text(&cred.password).is_empty());
                return Ok(());
            }
            let mut info: aliyun_mqtt_verify_info = unsafe { std::mem::zeroed() };
            let vst = unsafe {
                aliyun_mqtt_verify(
                    cred.client_id.as_ptr(),
                    cred.username.as_ptr(),
                    cred.password.as_ptr(),
                    reg.product_secret,
                    &mut info,
                )
            };
            assert_eq!(vst, S::ALIYUN_MQTT_OK, "registration fields do not verify");
            assert_eq!(info.auth_type, reg.auth_type);
        }
        14 => {
            // connwl from an arbitrary (possibly unterminated) reply struct.
            let mut reply: aliyun_mqtt_regnwl_reply = unsafe { std::mem::zeroed() };
            for field in [
                &mut reply.client_id[..],
                &mut reply.product_key[..],
                &mut reply.device_name[..],
                &mut reply.device_token[..],
            ] {
                let n = u.int_in_range(0..=field.len())?;
                for c in field.iter_mut().take(n) {
                    *c = u.int_in_range(0x20..=0x7eu8)? as c_char;
                }
            }
            let mut out: aliyun_mqtt_connwl_credentials = unsafe { std::mem::zeroed() };
            let st = unsafe { aliyun_mqtt_connwl(&reply, &mut out) };
            if st == S::ALIYUN_MQTT_OK {
                assert!(text(&out.client_id).ends_with(b"|securemode=-2,authType=connwl|"));
                assert_eq!(text(&out.password), text(&reply.device_token));
            } else {
                assert!(text(&out.client_id).is_empty() && text(&out.password).is_empty());
            }
        }
        15 => {
            let status: u32 = u.arbitrary()?;
            for f in [aliyun_mqtt_status_str, aliyun_mqtt_status_name] {
                let p = f(status);
                assert!(!p.is_null());
                let s = unsafe { CStr::from_ptr(p) }.to_str().expect("UTF-8");
                assert!(!s.is_empty());
            }
            let seconds: u32 = u.arbitrary()?;
            assert_eq!(aliyun_mqtt_keepalive_ok(seconds), (30..=1200).contains(&seconds));
        }
        16 => {
            // NULL device and struct pointers.
            let mut cred: aliyun_mqtt_credentials = unsafe { std::mem::zeroed() };
            assert_eq!(unsafe { aliyun_mqtt_sign(ptr::null(), &mut cred) }, S::ALIYUN_MQTT_ERR_NULL_ARGUMENT);
            assert_eq!(unsafe { aliyun_mqtt_sign(&dev, ptr::null_mut()) }, S::ALIYUN_MQTT_ERR_NULL_ARGUMENT);
            assert_eq!(
                unsafe { aliyun_mqtt_register_sign(ptr::null(), &mut cred) },
                S::ALIYUN_MQTT_ERR_NULL_ARGUMENT
            );
            output(u, &|b, c, l| unsafe { aliyun_mqtt_client_id(ptr::null(), b, c, l) })?;
            output(u, &|b, c, l| unsafe { aliyun_mqtt_register_body(ptr::null(), b, c, l) })?;
        }
        17 => {
            let kind: u32 = if u.ratio(1, 8)? { u.arbitrary()? } else { u.int_in_range(0..=17)? };
            let got = output(u, &|b, c, l| unsafe {
                aliyun_mqtt_topic(kind, dev.product_key, dev.device_name, b, c, l)
            })?;
            if let Some(topic) = got {
                assert!((1..=16).contains(&kind));
                assert!(topic.starts_with(b"/sys/") || topic.starts_with(b"/ext/"));
            }
        }
        18..=20 => {
            // Sub-device payloads: 0 to 2 entries of the strings above, or
            // 51 (one past the batch limit).
            let n = if u.ratio(1, 16)? { 51 } else { u.int_in_range(0..=2)? };
            // Sometimes a caller's digest of any length (two-phase signing).
            let digest_len = u.int_in_range(0..=40usize)?;
            let digest_bytes = u.bytes(digest_len)?.to_vec();
            let digest = match u.ratio(1, 4)? {
                true => digest_bytes.as_ptr(),
                false => std::ptr::null(),
            };
            let sub = aliyun_mqtt_subdev {
                product_key: dev.product_key,
                device_name: dev.device_name,
                device_secret: dev.device_secret,
                client_id: dev.client_id,
                timestamp_ms: dev.timestamp_ms,
                clean_session: dev.uppercase_hex,
                digest,
                digest_len,
            };
            let subs = vec![sub; n.max(1)];
            let regs = vec![
                aliyun_mqtt_subdev_registration {
                    product_key: reg.product_key,
                    device_name: reg.device_name,
                    product_secret: reg.product_secret,
                    random: reg.random,
                    digest,
                    digest_len,
                };
                n.max(1)
            ];
            let id: u32 = u.arbitrary()?;
            let m = dev.sign_method;
            let which = u.int_in_range(0..=6u8)?;
            let got = output(u, &|b, c, l| unsafe {
                match which {
                    0 => aliyun_mqtt_subdev_topo_add(id, m, subs.as_ptr(), n, b, c, l),
                    1 => aliyun_mqtt_subdev_topo_delete(id, subs.as_ptr(), n, b, c, l),
                    2 => aliyun_mqtt_subdev_login(id, m, subs.as_ptr(), b, c, l),
                    3 => aliyun_mqtt_subdev_batch_login(id, m, subs.as_ptr(), n, b, c, l),
                    4 => aliyun_mqtt_subdev_logout(id, subs.as_ptr(), b, c, l),
                    5 => aliyun_mqtt_subdev_batch_logout(id, subs.as_ptr(), n, b, c, l),
                    _ => aliyun_mqtt_subdev_product_register(id, m, regs.as_ptr(), n, b, c, l),
                }
            })?;
            if let Some(payload) = got {
                // JSON whose entries name the sub-device as given.
                let doc: serde_json::Value = serde_json::from_slice(&payload).expect("payload is JSON");
                assert_eq!(doc["id"], id.to_string());
                let pk = unsafe { CStr::from_ptr(dev.product_key) }.to_str().expect("pk");
                let entries: Vec<&serde_json::Value> = match which {
                    2 | 4 => vec![&doc["params"]],
                    3 => doc["params"]["deviceList"].as_array().expect("deviceList").iter().collect(),
                    6 => doc["params"]["proxieds"].as_array().expect("proxieds").iter().collect(),
                    _ => doc["params"].as_array().expect("params").iter().collect(),
                };
                assert_eq!(entries.len(), if matches!(which, 2 | 4) { 1 } else { n });
                for e in entries {
                    assert_eq!(e["productKey"], pk);
                    if let Some(sign) = e.get("sign") {
                        let sign = sign.as_str().expect("sign");
                        assert!(matches!(sign.len(), 32 | 40 | 64));
                        assert!(sign.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
                    }
                }
            }
        }
        21 => {
            let t: u64 = u.arbitrary()?;
            let got = output(u, &|b, c, l| unsafe { aliyun_mqtt_ntp_request(t, b, c, l) })?;
            if let Some(payload) = got {
                assert_eq!(payload, format!("{{\"deviceSendTime\":\"{t}\"}}").into_bytes());
            }
            let id = output(u, &|b, c, l| unsafe { aliyun_mqtt_psk_identity(&dev, b, c, l) })?;
            let key = output(u, &|b, c, l| unsafe { aliyun_mqtt_psk_key(&dev, b, c, l) })?;
            if let (Some(id), Some(key)) = (id, key) {
                assert!(id.starts_with(b"devicename|hmacsha256|"));
                assert!(key.len() == 64 && key.iter().all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(b)));
            }
        }
        22 => {
            let mut cred: aliyun_mqtt_credentials = unsafe { std::mem::zeroed() };
            cred.password[0] = 1;
            let st = unsafe { aliyun_mqtt_sign_assigned(&dev, &mut cred) };
            let (cid, user, pw) = (text(&cred.client_id), text(&cred.username), text(&cred.password));
            if st == S::ALIYUN_MQTT_OK {
                assert!(cid.starts_with(b"|securemode=") && cid.ends_with(b"|"));
                assert!(!user.is_empty() && matches!(pw.len(), 32 | 40 | 64));
            } else {
                assert!(cid.is_empty() && user.is_empty() && pw.is_empty());
            }
        }
        _ => {
            let mut len = 0usize;
            let der = unsafe { aliyun_mqtt_root_ca_der(&mut len) };
            assert!(!der.is_null() && len == 889);
            assert!(!aliyun_mqtt_root_ca_pem().is_null() && !aliyun_mqtt_version().is_null());
        }
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let _ = run(&mut u);
});
