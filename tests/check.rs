//! `aliyun_mqtt_device_check` and `aliyun_mqtt_registration_check` against
//! the functions that sign, field by field and over many generated
//! devices and registrations, and the sign method names both ways.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

use std::collections::BTreeSet;
use std::ffi::{c_char, CStr, CString};
use std::ptr;

use aliyun_mqtt_sign::ffi::*;
use aliyun_mqtt_sign::limits::*;
use aliyun_mqtt_sign::{SignMethod, Status};

mod common;
use common::*;

const OK: Status = Status::ALIYUN_MQTT_OK;
const MD5: u32 = aliyun_mqtt_sign_method::ALIYUN_MQTT_HMAC_MD5 as u32;
const SHA256: u32 = aliyun_mqtt_sign_method::ALIYUN_MQTT_SHA256 as u32;

/// A string field's candidate: `None` is NULL; `Err` the status it gives.
type Candidate = (Option<&'static str>, Result<(), Status>);

/// The status `aliyun_mqtt_sign` gives for `dev` with a fresh output.
fn sign_status(dev: &aliyun_mqtt_device) -> Status {
    let mut out = aliyun_mqtt_credentials {
        client_id: [0; ALIYUN_MQTT_CLIENT_ID_SIZE],
        username: [0; ALIYUN_MQTT_USERNAME_SIZE],
        password: [0; ALIYUN_MQTT_PASSWORD_SIZE],
    };
    unsafe { aliyun_mqtt_sign(dev, &mut out) }
}

fn device_check(dev: &aliyun_mqtt_device) -> Status {
    unsafe { aliyun_mqtt_device_check(dev) }
}

/// The status of a sign method value for the functions that sign with it.
fn method_status(method: u32) -> Result<(), Status> {
    match SignMethod::from_u32(method) {
        Some(m) if m.enabled() => Ok(()),
        _ => Err(Status::ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD),
    }
}

fn c(s: Option<&str>, keep: &mut Vec<CString>) -> *const c_char {
    match s {
        None => ptr::null(),
        Some(s) => {
            keep.push(cs(s));
            keep.last().unwrap().as_ptr()
        }
    }
}

/// Runs `check` on the good input with each of `pool` put in by `set`.
fn vary<P, T: Copy>(good: fn() -> P, pool: &[T], set: fn(&mut P, T), check: fn(&P)) {
    for &value in pool {
        let mut pick = good();
        set(&mut pick, value);
        check(&pick);
    }
}

/// The first (good) entry of `pool` two times in three, else any entry:
/// a bad field is then often the only one.
fn mostly_first<T: Copy>(rng: &mut Rng, pool: &[T]) -> T {
    if rng.below(3) == 0 {
        pool[rng.below(pool.len())]
    } else {
        pool[0]
    }
}

/// Runs `case` 20 000 times from `seed`; the distinct statuses it returned.
fn generated(seed: u64, mut case: impl FnMut(&mut Rng) -> Status) -> BTreeSet<u32> {
    let mut rng = Rng(seed);
    (0..20_000).map(|_| case(&mut rng) as u32).collect()
}

const NULL_ARG: Result<(), Status> = Err(Status::ALIYUN_MQTT_ERR_NULL_ARGUMENT);
const PK: Result<(), Status> = Err(Status::ALIYUN_MQTT_ERR_INVALID_PRODUCT_KEY);
const DN: Result<(), Status> = Err(Status::ALIYUN_MQTT_ERR_INVALID_DEVICE_NAME);
const DS: Result<(), Status> = Err(Status::ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET);
const CID: Result<(), Status> = Err(Status::ALIYUN_MQTT_ERR_INVALID_CLIENT_ID);
const EXTRA: Result<(), Status> = Err(Status::ALIYUN_MQTT_ERR_INVALID_EXTRA_PARAMS);
const MODE: Result<(), Status> = Err(Status::ALIYUN_MQTT_ERR_INVALID_SECURE_MODE);
const PS: Result<(), Status> = Err(Status::ALIYUN_MQTT_ERR_INVALID_PRODUCT_SECRET);
const RANDOM: Result<(), Status> = Err(Status::ALIYUN_MQTT_ERR_INVALID_RANDOM);
const IID: Result<(), Status> = Err(Status::ALIYUN_MQTT_ERR_INVALID_INSTANCE_ID);
const METHOD: Result<(), Status> = Err(Status::ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD);
const AUTH: Result<(), Status> = Err(Status::ALIYUN_MQTT_ERR_INVALID_AUTH_TYPE);

const PRODUCT_KEYS: &[Candidate] = &[
    (Some("a14Xib5kdYd"), Ok(())),
    (Some("A"), Ok(())),
    (Some("abcdefghij0123456789"), Ok(())),
    (None, NULL_ARG),
    (Some(""), PK),
    (Some("bad pk"), PK),
    (Some("abcdefghij0123456789x"), PK),
    (Some("a-b"), PK),
];
const DEVICE_NAMES: &[Candidate] = &[
    (Some("light1983432"), Ok(())),
    (Some("dev@home:1_a.b-c"), Ok(())),
    (Some("abcd"), Ok(())),
    (None, NULL_ARG),
    (Some(""), DN),
    (Some("abc"), DN),
    (Some("light 1"), DN),
    (Some("a&bcd"), DN),
    (Some("abcdefghijabcdefghijabcdefghijabc"), DN),
];
const SECRETS: &[Candidate] = &[
    (Some("oLyaKqVxtRvjH284LdhqVgVUx1UPy6zq"), Ok(())),
    (Some("x"), Ok(())),
    (Some("!#$%&'()*+,-./:;<=>?@[]^_`{|}~"), Ok(())),
    (None, NULL_ARG),
    (Some(""), DS),
    (Some("has space"), DS),
    (Some("tab\there"), DS),
    (
        Some("0123456789012345678901234567890123456789012345678901234567890123x"),
        DS,
    ),
];
const CLIENT_IDS: &[Candidate] = &[
    (None, Ok(())),
    (Some(""), Ok(())),
    (Some("SN1928339"), Ok(())),
    (Some("pk&dn"), Ok(())),
    (Some("a|b"), CID),
    (Some("a,b"), CID),
    (Some("a=b"), CID),
    (Some("a b"), CID),
    (
        Some("01234567890123456789012345678901234567890123456789012345678901234"),
        CID,
    ),
];
const EXTRAS: &[Candidate] = &[
    (None, Ok(())),
    (Some(""), Ok(())),
    (Some("lan=C,_v=1.0"), Ok(())),
    (Some("lan"), EXTRA),
    (Some("lan=C,lan=D"), EXTRA),
    (Some("signmethod=x"), EXTRA),
    (Some("a=b|"), EXTRA),
    (Some("=b"), EXTRA),
    (Some("a=b,"), EXTRA),
];
/// The first is good (as in every pool); 4 (`sha256`) is good for a device only.
const METHODS: &[u32] = &[3, 1, 2, 4, 0, 5, u32::MAX];
const SECURE_MODES: &[(i32, Result<(), Status>)] = &[
    (2, Ok(())),
    (3, Ok(())),
    (-2, MODE),
    (0, MODE),
    (1, MODE),
    (i32::MAX, MODE),
];

/// A generated device: each field picked from its candidates.
struct Pick {
    pk: Candidate,
    dn: Candidate,
    ds: Candidate,
    cid: Candidate,
    method: u32,
    mode: (i32, Result<(), Status>),
    extra: Candidate,
    timestamp_ms: u64,
    uppercase_hex: bool,
}

impl Pick {
    /// The status of the first bad field, in declaration order.
    fn expected(&self) -> Status {
        [
            self.pk.1,
            self.dn.1,
            self.ds.1,
            self.cid.1,
            method_status(self.method),
            self.mode.1,
            self.extra.1,
        ]
        .into_iter()
        .find_map(Result::err)
        .unwrap_or(OK)
    }

    fn device(&self, keep: &mut Vec<CString>) -> aliyun_mqtt_device {
        let mut dev = aliyun_mqtt_device_default();
        dev.product_key = c(self.pk.0, keep);
        dev.device_name = c(self.dn.0, keep);
        dev.device_secret = c(self.ds.0, keep);
        dev.client_id = c(self.cid.0, keep);
        dev.extra_params = c(self.extra.0, keep);
        dev.sign_method = self.method;
        dev.secure_mode = self.mode.0;
        dev.timestamp_ms = self.timestamp_ms;
        dev.uppercase_hex = self.uppercase_hex;
        dev
    }
}

fn good_device() -> Pick {
    Pick {
        pk: PRODUCT_KEYS[0],
        dn: DEVICE_NAMES[0],
        ds: SECRETS[0],
        cid: CLIENT_IDS[0],
        method: 3,
        mode: SECURE_MODES[0],
        extra: EXTRAS[0],
        timestamp_ms: 0,
        uppercase_hex: false,
    }
}

fn assert_device(pick: &Pick) {
    let mut keep = Vec::new();
    let dev = pick.device(&mut keep);
    let want = pick.expected();
    assert_eq!(device_check(&dev), want, "check");
    assert_eq!(sign_status(&dev), want, "sign");
}

#[test]
fn device_check_gives_each_fields_status_as_sign_does() {
    assert_device(&good_device());
    vary(good_device, PRODUCT_KEYS, |p, v| p.pk = v, assert_device);
    vary(good_device, DEVICE_NAMES, |p, v| p.dn = v, assert_device);
    vary(good_device, SECRETS, |p, v| p.ds = v, assert_device);
    vary(good_device, CLIENT_IDS, |p, v| p.cid = v, assert_device);
    vary(good_device, METHODS, |p, v| p.method = v, assert_device);
    vary(good_device, SECURE_MODES, |p, v| p.mode = v, assert_device);
    vary(good_device, EXTRAS, |p, v| p.extra = v, assert_device);
    assert_eq!(
        unsafe { aliyun_mqtt_device_check(ptr::null()) },
        Status::ALIYUN_MQTT_ERR_NULL_ARGUMENT
    );
}

#[test]
fn device_check_is_sign_over_generated_devices() {
    let statuses = generated(0x5eed_c4ec, |rng| {
        let pick = Pick {
            pk: mostly_first(rng, PRODUCT_KEYS),
            dn: mostly_first(rng, DEVICE_NAMES),
            ds: mostly_first(rng, SECRETS),
            cid: mostly_first(rng, CLIENT_IDS),
            method: mostly_first(rng, METHODS),
            mode: mostly_first(rng, SECURE_MODES),
            extra: mostly_first(rng, EXTRAS),
            timestamp_ms: rng.next() >> rng.below(64),
            uppercase_hex: rng.coin(),
        };
        assert_device(&pick);
        pick.expected()
    });
    // Every field's status came up, and success.
    assert_eq!(statuses.len(), 9, "{statuses:?}");
}

#[test]
fn device_check_reads_no_further_than_sign() {
    // An unterminated ProductKey, 21 bytes and no NUL: refused at byte 21.
    let long = [b'a'; ALIYUN_MQTT_PRODUCT_KEY_MAX_LEN + 1];
    let mut dev = aliyun_mqtt_device_default();
    dev.product_key = long.as_ptr().cast();
    assert_eq!(
        device_check(&dev),
        Status::ALIYUN_MQTT_ERR_INVALID_PRODUCT_KEY
    );
}

// --------------------------------------------------------- registration

const RANDOMS: &[Candidate] = &[
    (Some("2b2c0e3f9a7d4c1"), Ok(())),
    (Some("R"), Ok(())),
    (None, NULL_ARG),
    (Some(""), RANDOM),
    (Some("a-b"), RANDOM),
    (Some("012345678901234567890123456789012"), RANDOM),
];
const INSTANCE_IDS: &[Candidate] = &[
    (None, Ok(())),
    (Some(""), Ok(())),
    (Some("iot-06z00ax1o4ls9d0"), Ok(())),
    (Some("-iot"), IID),
    (Some("iot-"), IID),
    (Some("IOT"), IID),
    (Some("iot_1"), IID),
];
const REG_SECRETS: &[Candidate] = &[
    (Some("qTbGdOa6pSgXzSAQ"), Ok(())),
    (None, NULL_ARG),
    (Some(""), PS),
    (Some("a b"), PS),
];
const REG_MODES: &[(i32, Result<(), Status>)] = &[
    (2, Ok(())),
    (-2, Ok(())),
    (3, MODE),
    (0, MODE),
    (i32::MIN, MODE),
];
const AUTH_TYPES: &[(u32, Result<(), Status>)] =
    &[(1, Ok(())), (2, Ok(())), (0, AUTH), (3, AUTH), (4, AUTH)];

struct RegPick {
    pk: Candidate,
    dn: Candidate,
    ps: Candidate,
    random: Candidate,
    cid: Candidate,
    iid: Candidate,
    method: u32,
    mode: (i32, Result<(), Status>),
    auth: (u32, Result<(), Status>),
    uppercase_hex: bool,
}

impl RegPick {
    /// The status of the first bad field: the strings in declaration
    /// order, then the sign method, `auth_type` and `secure_mode`.
    fn expected(&self) -> Status {
        let method = match self.method {
            SHA256 => METHOD,
            m => method_status(m),
        };
        [
            self.pk.1,
            self.dn.1,
            self.ps.1,
            self.random.1,
            self.cid.1,
            self.iid.1,
            method,
            self.auth.1,
            self.mode.1,
        ]
        .into_iter()
        .find_map(Result::err)
        .unwrap_or(OK)
    }

    fn registration(&self, keep: &mut Vec<CString>) -> aliyun_mqtt_registration {
        let mut reg = aliyun_mqtt_registration_default();
        reg.product_key = c(self.pk.0, keep);
        reg.device_name = c(self.dn.0, keep);
        reg.product_secret = c(self.ps.0, keep);
        reg.random = c(self.random.0, keep);
        reg.client_id = c(self.cid.0, keep);
        reg.instance_id = c(self.iid.0, keep);
        reg.sign_method = self.method;
        reg.secure_mode = self.mode.0;
        reg.auth_type = self.auth.0;
        reg.uppercase_hex = self.uppercase_hex;
        reg
    }
}

fn good_registration() -> RegPick {
    RegPick {
        pk: PRODUCT_KEYS[0],
        dn: DEVICE_NAMES[0],
        ps: REG_SECRETS[0],
        random: RANDOMS[0],
        cid: CLIENT_IDS[0],
        iid: INSTANCE_IDS[0],
        method: 3,
        mode: REG_MODES[0],
        auth: AUTH_TYPES[0],
        uppercase_hex: false,
    }
}

fn assert_registration(pick: &RegPick) {
    let mut keep = Vec::new();
    let reg = pick.registration(&mut keep);
    let want = pick.expected();
    assert_eq!(
        unsafe { aliyun_mqtt_registration_check(&reg) },
        want,
        "check"
    );
    let mut out = aliyun_mqtt_credentials {
        client_id: [0; ALIYUN_MQTT_CLIENT_ID_SIZE],
        username: [0; ALIYUN_MQTT_USERNAME_SIZE],
        password: [0; ALIYUN_MQTT_PASSWORD_SIZE],
    };
    assert_eq!(
        unsafe { aliyun_mqtt_register_sign(&reg, &mut out) },
        want,
        "register_sign"
    );
    let mut body = [0 as c_char; ALIYUN_MQTT_REGISTER_BODY_SIZE];
    let st =
        unsafe { aliyun_mqtt_register_body(&reg, body.as_mut_ptr(), body.len(), ptr::null_mut()) };
    assert_eq!(st, want, "register_body");
}

#[test]
fn registration_check_gives_each_fields_status_as_register_does() {
    let good = good_registration;
    assert_registration(&good());
    vary(good, PRODUCT_KEYS, |p, v| p.pk = v, assert_registration);
    vary(good, DEVICE_NAMES, |p, v| p.dn = v, assert_registration);
    vary(good, REG_SECRETS, |p, v| p.ps = v, assert_registration);
    vary(good, RANDOMS, |p, v| p.random = v, assert_registration);
    vary(good, CLIENT_IDS, |p, v| p.cid = v, assert_registration);
    vary(good, INSTANCE_IDS, |p, v| p.iid = v, assert_registration);
    vary(good, METHODS, |p, v| p.method = v, assert_registration);
    vary(good, REG_MODES, |p, v| p.mode = v, assert_registration);
    vary(good, AUTH_TYPES, |p, v| p.auth = v, assert_registration);
    assert_eq!(
        unsafe { aliyun_mqtt_registration_check(ptr::null()) },
        Status::ALIYUN_MQTT_ERR_NULL_ARGUMENT
    );
}

#[test]
fn registration_check_is_register_over_generated_registrations() {
    let statuses = generated(0x5eed_4e61, |rng| {
        let pick = RegPick {
            pk: mostly_first(rng, PRODUCT_KEYS),
            dn: mostly_first(rng, DEVICE_NAMES),
            ps: mostly_first(rng, REG_SECRETS),
            random: mostly_first(rng, RANDOMS),
            cid: mostly_first(rng, CLIENT_IDS),
            iid: mostly_first(rng, INSTANCE_IDS),
            method: mostly_first(rng, METHODS),
            mode: mostly_first(rng, REG_MODES),
            auth: mostly_first(rng, AUTH_TYPES),
            uppercase_hex: rng.coin(),
        };
        assert_registration(&pick);
        pick.expected()
    });
    assert_eq!(statuses.len(), 11, "{statuses:?}");
}

/// A bad string later in the registration no longer hides a bad one
/// before it (a ProductKey of valid length but bad bytes, then a
/// DeviceName too long to read).
#[test]
fn registration_check_names_the_first_bad_field() {
    let pick = RegPick {
        pk: (Some("bad pk"), PK),
        dn: (Some("abcdefghijabcdefghijabcdefghijabc"), DN),
        random: (None, NULL_ARG),
        ..good_registration()
    };
    assert_eq!(pick.expected(), Status::ALIYUN_MQTT_ERR_INVALID_PRODUCT_KEY);
    assert_registration(&pick);
}

// ---------------------------------------------------------- method names

fn from_name(name: &[u8]) -> (Status, u32) {
    let name = CString::new(name).unwrap();
    let mut out = u32::MAX;
    let st = unsafe { aliyun_mqtt_sign_method_from_name(name.as_ptr(), &mut out) };
    (st, out)
}

fn method_name(method: u32) -> Option<&'static str> {
    let p = aliyun_mqtt_sign_method_name(method);
    if p.is_null() {
        return None;
    }
    Some(unsafe { CStr::from_ptr(p) }.to_str().unwrap())
}

#[test]
fn every_method_is_named_both_ways_as_the_protocol_names_it() {
    for m in SignMethod::ALL {
        let name = method_name(m as u32).unwrap();
        assert_eq!(name.as_bytes(), m.name());
        assert_eq!(from_name(name.as_bytes()), (OK, m as u32));
        // The name the client identifier carries and the verifier reads.
        let mut keep = Vec::new();
        let mut dev = good_device().device(&mut keep);
        dev.sign_method = m as u32;
        let mut buf = [0 as c_char; ALIYUN_MQTT_CLIENT_ID_SIZE];
        let st =
            unsafe { aliyun_mqtt_client_id(&dev, buf.as_mut_ptr(), buf.len(), ptr::null_mut()) };
        assert_eq!(st, OK);
        let cid = unsafe { CStr::from_ptr(buf.as_ptr()) }.to_str().unwrap();
        assert!(cid.contains(&format!("signmethod={name}|")), "{cid}");
    }
    let longest = SignMethod::ALL.iter().map(|m| m.name().len()).max();
    assert_eq!(longest, Some(ALIYUN_MQTT_SIGN_METHOD_NAME_MAX_LEN));
    for value in [0, 5, 6, 255, 256, u32::MAX] {
        assert_eq!(method_name(value), None, "{value}");
    }
}

#[test]
fn an_unknown_name_is_refused_and_zeroes_out() {
    let bad: &[&[u8]] = &[
        b"",
        b"HMACSHA1",
        b"HmacSha256",
        b"hmacSha256",
        b"hmac",
        b"sha1",
        b"md5",
        b"hmacsha2",
        b"hmacsha256 ",
        b" hmacmd5",
        b"hmacsha2566",
        b"hmacsha256hmacsha256",
    ];
    for name in bad {
        assert_eq!(
            from_name(name),
            (Status::ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD, 0),
            "{}",
            String::from_utf8_lossy(name)
        );
    }
}

#[test]
fn from_name_takes_nulls_reads_at_most_max_plus_one_and_refuses_overlap() {
    let mut out = 7u32;
    let st = unsafe { aliyun_mqtt_sign_method_from_name(ptr::null(), &mut out) };
    assert_eq!((st, out), (Status::ALIYUN_MQTT_ERR_NULL_ARGUMENT, 0));
    let name = cs("hmacmd5");
    let st = unsafe { aliyun_mqtt_sign_method_from_name(name.as_ptr(), ptr::null_mut()) };
    assert_eq!(st, Status::ALIYUN_MQTT_ERR_NULL_ARGUMENT);
    // Eleven bytes without a NUL: refused after the eleventh.
    let unterminated = [b'h'; ALIYUN_MQTT_SIGN_METHOD_NAME_MAX_LEN + 1];
    let mut out = 7u32;
    let st = unsafe { aliyun_mqtt_sign_method_from_name(unterminated.as_ptr().cast(), &mut out) };
    assert_eq!((st, out), (Status::ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD, 0));
    // `out` over the name's bytes: nothing written.
    let mut bytes = *b"hmacmd5\0";
    let p = bytes.as_mut_ptr();
    let st = unsafe { aliyun_mqtt_sign_method_from_name(p.cast(), p.add(2).cast()) };
    assert_eq!(st, Status::ALIYUN_MQTT_ERR_OVERLAPPING_BUFFERS);
    assert_eq!(&bytes, b"hmacmd5\0");
    // Into a device, which then signs with that method.
    let mut keep = Vec::new();
    let mut dev = good_device().device(&mut keep);
    let name = cs("hmacmd5");
    let st = unsafe { aliyun_mqtt_sign_method_from_name(name.as_ptr(), &mut dev.sign_method) };
    assert_eq!((st, dev.sign_method), (OK, MD5));
    let want = method_status(MD5).err().unwrap_or(OK);
    assert_eq!((device_check(&dev), sign_status(&dev)), (want, want));
}
