//! Overlapping buffers in the C ABI. For every C function that writes
//! through a pointer, each output (a buffer, `*out_len`, an output
//! structure) is placed over each input the function reads (a string with
//! its NUL, an input structure, a reply's bytes) and over the function's
//! other output: at the input's first byte, ending on it, on its last byte
//! (a string's NUL), in its middle and around it. Every such call returns
//! `ALIYUN_MQTT_ERR_OVERLAPPING_BUFFERS` with not one byte of memory
//! changed. The same output placed right before and right after the input
//! gives the status and the bytes it gives far from it, inputs untouched.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic
)]

use std::ffi::c_char;
use std::ptr;

use aliyun_mqtt_sign::ffi::*;
use aliyun_mqtt_sign::verify::aliyun_mqtt_verify_key;
use aliyun_mqtt_sign::Status as S;

/// Each input gets a slot of its own; slot 0 stays free, so an output may
/// end right before the first input.
const SLOT: usize = 2048;
const SLOTS: usize = 12;
/// Where the outputs go when the plan does not move them.
const HOME: [usize; 2] = [SLOTS * SLOT, SLOTS * SLOT + 16 * 1024];
const SIZE: usize = HOME[1] + SLOT;
/// What fills the memory no one wrote.
const FILL: u64 = 0xA5A5_A5A5_A5A5_A5A5;

/// A memory area where a case puts its inputs, one per slot in the order it
/// makes them, and its outputs (0: the buffer or structure, 1: `*out_len`)
/// at `plan` or at their [`HOME`].
struct Arena {
    mem: Vec<u64>,
    plan: [Option<usize>; 2],
    /// `(offset, len)` of each input.
    inputs: Vec<(usize, usize)>,
    /// `(offset, len, align)` of each output the case uses.
    outputs: [Option<(usize, usize, usize)>; 2],
}

/// The call a case prepared, run once its memory is recorded.
type Call = Box<dyn FnOnce() -> S>;

/// A case: puts its inputs and outputs in the arena, returns the call.
type Case = Box<dyn Fn(&mut Arena) -> Call>;

impl Arena {
    fn new(plan: [Option<usize>; 2]) -> Arena {
        Arena {
            mem: vec![FILL; SIZE / 8],
            plan,
            inputs: Vec::new(),
            outputs: [None; 2],
        }
    }

    fn at(&mut self, offset: usize) -> *mut u8 {
        assert!(offset <= SIZE);
        // SAFETY (test): within the area.
        unsafe { self.mem.as_mut_ptr().cast::<u8>().add(offset) }
    }

    fn bytes(&self) -> Vec<u8> {
        self.mem.iter().flat_map(|w| w.to_ne_bytes()).collect()
    }

    /// Copies `len` bytes from `src` into the next slot.
    fn put(&mut self, src: *const u8, len: usize) -> *const c_char {
        assert!(len <= SLOT / 2 && self.inputs.len() + 1 < SLOTS);
        let offset = (self.inputs.len() + 1) * SLOT;
        let dst = self.at(offset);
        unsafe { ptr::copy_nonoverlapping(src, dst, len) };
        self.inputs.push((offset, len));
        dst.cast()
    }

    /// A NUL-terminated copy of `s`.
    fn str(&mut self, s: &str) -> *const c_char {
        let mut bytes = s.as_bytes().to_vec();
        bytes.push(0);
        self.put(bytes.as_ptr(), bytes.len())
    }

    /// A copy of `s` without a NUL (a reply: pointer and length).
    fn reply(&mut self, s: &str) -> (*const c_char, usize) {
        (self.put(s.as_ptr(), s.len()), s.len())
    }

    /// A copy of the structure `v` (slots are aligned for any structure).
    fn obj<T: Copy>(&mut self, v: &T) -> *const T {
        self.put((v as *const T).cast(), size_of::<T>()).cast()
    }

    fn output(&mut self, i: usize, len: usize, align: usize) -> *mut u8 {
        let offset = self.plan[i].unwrap_or(HOME[i]);
        assert!(
            offset.is_multiple_of(align) && offset + len <= SIZE,
            "{offset} {len} {align}"
        );
        self.outputs[i] = Some((offset, len, align));
        self.at(offset)
    }

    fn buf(&mut self, cap: usize) -> *mut c_char {
        self.output(0, cap, 1).cast()
    }

    fn out_len(&mut self) -> *mut usize {
        self.output(1, size_of::<usize>(), align_of::<usize>())
            .cast()
    }

    fn out<T>(&mut self) -> *mut T {
        self.output(0, size_of::<T>(), align_of::<T>()).cast()
    }
}

fn meet((a, b): (usize, usize), (c, d): (usize, usize)) -> bool {
    a < d && c < b
}

fn down(x: usize, align: usize) -> usize {
    x / align * align
}

fn up(x: usize, align: usize) -> usize {
    x.div_ceil(align) * align
}

/// Runs `case` with `plan`: its status, and the memory before and after
/// the call.
fn run(
    case: &dyn Fn(&mut Arena) -> Call,
    plan: [Option<usize>; 2],
) -> (S, Vec<u8>, Vec<u8>, Arena) {
    let mut arena = Arena::new(plan);
    let call = case(&mut arena);
    let before = arena.bytes();
    let status = call();
    let after = arena.bytes();
    (status, before, after, arena)
}

/// Tries every placement of `case`'s outputs; returns how many were
/// overlapping and how many adjacent.
fn check(name: &str, case: &dyn Fn(&mut Arena) -> Call) -> (usize, usize) {
    let (status, _, after, arena) = run(case, [None; 2]);
    assert_eq!(status, S::ALIYUN_MQTT_OK, "{name}: the case itself fails");
    let region = |mem: &[u8], (offset, len): (usize, usize)| mem[offset..offset + len].to_vec();
    let want: Vec<Option<Vec<u8>>> = arena
        .outputs
        .iter()
        .map(|o| o.map(|(offset, len, _)| region(&after, (offset, len))))
        .collect();
    let (mut overlapping, mut adjacent) = (0, 0);
    for i in 0..2 {
        let Some((_, len, align)) = arena.outputs[i] else {
            continue;
        };
        // The inputs, and for `*out_len` the buffer at its home.
        let mut targets = arena.inputs.clone();
        if let (1, Some((home, buf_len, _))) = (i, arena.outputs[0]) {
            targets.push((home, buf_len));
        }
        for &(start, n) in &targets {
            let end = start + n;
            let mut over: Vec<usize> = vec![
                start,
                up((start + 1).saturating_sub(len), align),
                down(end - 1, align),
                down(start + n / 2, align),
                down(start.saturating_sub(len / 2), align),
                up(start + 1, align).min(down(end - 1, align)),
            ];
            over.sort_unstable();
            over.dedup();
            over.retain(|&at| meet((at, at + len), (start, end)));
            for at in over {
                let mut plan = [None; 2];
                plan[i] = Some(at);
                let (status, before, after, _) = run(case, plan);
                assert_eq!(
                    status,
                    S::ALIYUN_MQTT_ERR_OVERLAPPING_BUFFERS,
                    "{name}: output {i} at {at} over [{start}, {end})"
                );
                assert!(
                    before == after,
                    "{name}: output {i} at {at} over [{start}, {end}) wrote memory"
                );
                overlapping += 1;
            }
            // Right before and right after: apart from every input and
            // the other output.
            for at in [start.checked_sub(len), Some(up(end, align))]
                .into_iter()
                .flatten()
            {
                let span = (at, at + len);
                let other = arena.outputs[1 - i].map(|(o, l, _)| (o, o + l));
                if !at.is_multiple_of(align)
                    || arena.inputs.iter().any(|&(s, l)| meet(span, (s, s + l)))
                    || other.is_some_and(|o| meet(span, o))
                {
                    continue;
                }
                let mut plan = [None; 2];
                plan[i] = Some(at);
                let (status, before, after, moved) = run(case, plan);
                assert_eq!(status, S::ALIYUN_MQTT_OK, "{name}: output {i} at {at}");
                for &input in &moved.inputs {
                    assert_eq!(region(&before, input), region(&after, input), "{name}");
                }
                for (j, out) in moved.outputs.iter().enumerate() {
                    if let Some((offset, len, _)) = out {
                        assert_eq!(
                            Some(region(&after, (*offset, *len))),
                            want[j],
                            "{name}: output {j} (output {i} at {at})"
                        );
                    }
                }
                adjacent += 1;
            }
        }
    }
    (overlapping, adjacent)
}

const PK: &str = "a14Xib5kdYd";
const DN: &str = "light1983432";
const DS: &str = "oLyaKqVxtRvjH284LdhqVgVUx1UPy6zq";

/// A device whose every string field is set, in the arena (the secret
/// only when the function reads it).
fn device(a: &mut Arena, client_id: bool, extra: bool) -> *const aliyun_mqtt_device {
    device_of(a, true, client_id, extra)
}

/// [`device`] with no secret, for the functions that do not read it.
fn unsigned_device(a: &mut Arena, client_id: bool, extra: bool) -> *const aliyun_mqtt_device {
    device_of(a, false, client_id, extra)
}

fn device_of(
    a: &mut Arena,
    secret: bool,
    client_id: bool,
    extra: bool,
) -> *const aliyun_mqtt_device {
    let mut dev = aliyun_mqtt_device_default();
    dev.product_key = a.str(PK);
    dev.device_name = a.str(DN);
    if secret {
        dev.device_secret = a.str(DS);
    }
    if client_id {
        dev.client_id = a.str("SN1928339");
    }
    if extra {
        dev.extra_params = a.str("lan=C,_v=1.0");
    }
    dev.timestamp_ms = 1539421321846;
    a.obj(&dev)
}

type BufFn = unsafe extern "C" fn(*const aliyun_mqtt_device, *mut c_char, usize, *mut usize) -> S;

/// A function of a device that writes a buffer (`secret`: that reads the
/// DeviceSecret).
fn device_buf(f: BufFn, secret: bool, client_id: bool, extra: bool) -> impl Fn(&mut Arena) -> Call {
    move |a| {
        let dev = device_of(a, secret, client_id, extra);
        let (buf, out_len) = (a.buf(300), a.out_len());
        Box::new(move || unsafe { f(dev, buf, 300, out_len) })
    }
}

/// The CONNECT fields of the golden device, in the arena.
fn connect(a: &mut Arena) -> (*const c_char, *const c_char, *const c_char) {
    (
        a.str("SN1928339|securemode=3,signmethod=hmacsha1,timestamp=1539421321846|"),
        a.str("light1983432&a14Xib5kdYd"),
        a.str("b2488041f64f425016b467ee1c94959ebd592ad1"),
    )
}

fn registration(
    a: &mut Arena,
    auth_type: aliyun_mqtt_auth_type,
) -> *const aliyun_mqtt_registration {
    let mut reg = aliyun_mqtt_registration_default();
    reg.product_key = a.str("a1B2c3D4e5F");
    reg.device_name = a.str("sensor-0001");
    reg.product_secret = a.str("pS3cr3tOfTheProduct0000000000001");
    reg.random = a.str("8Fk2mQ");
    reg.auth_type = auth_type as u32;
    a.obj(&reg)
}

/// `n` sub-devices (an array in one slot; each string in its own), with
/// their secrets when the message signs.
fn subdevs(a: &mut Arena, n: usize, secret: bool) -> *const aliyun_mqtt_subdev {
    let mut subs: Vec<aliyun_mqtt_subdev> = Vec::new();
    for i in 0..n {
        let mut sub: aliyun_mqtt_subdev = unsafe { std::mem::zeroed() };
        sub.product_key = a.str("a1B2c3D4e5F");
        sub.device_name = a.str(["sensor-0001", "sensor-0002"][i]);
        if secret {
            sub.device_secret = a.str(DS);
        }
        sub.timestamp_ms = 1539421321846;
        subs.push(sub);
    }
    a.put(subs.as_ptr().cast(), n * size_of::<aliyun_mqtt_subdev>())
        .cast()
}

/// A digest of 32 bytes (its value does not matter here).
const DIGEST: &str = "0123456789abcdef0123456789abcdef";

/// A registration without its ProductSecret, for the functions that do not
/// read it.
fn unsigned_registration(a: &mut Arena) -> *const aliyun_mqtt_registration {
    let mut reg = aliyun_mqtt_registration_default();
    reg.product_key = a.str("a1B2c3D4e5F");
    reg.device_name = a.str("sensor-0001");
    reg.random = a.str("8Fk2mQ");
    a.obj(&reg)
}

macro_rules! reply_case {
    ($f:ident, $out:ty, $text:expr) => {
        (
            stringify!($f),
            Box::new(|a: &mut Arena| -> Call {
                let (reply, len) = a.reply($text);
                let out = a.out::<$out>();
                Box::new(move || unsafe { $f(reply, len, out) })
            }) as Box<dyn Fn(&mut Arena) -> Call>,
        )
    };
}

macro_rules! buf_case {
    ($name:expr, |$a:ident| $inputs:expr, |$i:pat_param, $b:ident, $cap:ident, $l:ident| $call:expr) => {
        (
            $name,
            Box::new(|$a: &mut Arena| -> Call {
                let $i = $inputs;
                let ($b, $cap, $l) = ($a.buf(700), 700, $a.out_len());
                Box::new(move || unsafe { $call })
            }) as Box<dyn Fn(&mut Arena) -> Call>,
        )
    };
}

fn cases() -> Vec<(&'static str, Case)> {
    let boxed = |f: Case| f;
    vec![
        (
            "aliyun_mqtt_client_id",
            boxed(Box::new(device_buf(
                aliyun_mqtt_client_id,
                false,
                true,
                true,
            ))),
        ),
        (
            "aliyun_mqtt_username",
            boxed(Box::new(device_buf(
                aliyun_mqtt_username,
                false,
                true,
                true,
            ))),
        ),
        (
            "aliyun_mqtt_password",
            boxed(Box::new(device_buf(aliyun_mqtt_password, true, true, true))),
        ),
        (
            "aliyun_mqtt_auth_body",
            boxed(Box::new(device_buf(
                aliyun_mqtt_auth_body,
                true,
                true,
                false,
            ))),
        ),
        (
            "aliyun_mqtt_psk_identity",
            boxed(Box::new(device_buf(
                aliyun_mqtt_psk_identity,
                true,
                true,
                false,
            ))),
        ),
        (
            "aliyun_mqtt_psk_key",
            boxed(Box::new(device_buf(aliyun_mqtt_psk_key, true, true, false))),
        ),
        (
            "aliyun_mqtt_sign",
            boxed(Box::new(|a: &mut Arena| -> Call {
                let dev = device(a, true, true);
                let out = a.out::<aliyun_mqtt_credentials>();
                Box::new(move || unsafe { aliyun_mqtt_sign(dev, out) })
            })),
        ),
        (
            "aliyun_mqtt_sign_assigned",
            boxed(Box::new(|a: &mut Arena| -> Call {
                let dev = device(a, false, true);
                let out = a.out::<aliyun_mqtt_credentials>();
                Box::new(move || unsafe { aliyun_mqtt_sign_assigned(dev, out) })
            })),
        ),
        buf_case!(
            "aliyun_mqtt_host",
            |a| (a.str(PK), a.str("cn-shanghai")),
            |(pk, region), b, cap, l| aliyun_mqtt_host(pk, region, b, cap, l)
        ),
        buf_case!(
            "aliyun_mqtt_websocket_url",
            |a| (a.str(PK), a.str("cn-shanghai")),
            |(pk, region), b, cap, l| aliyun_mqtt_websocket_url(pk, region, 2, b, cap, l)
        ),
        buf_case!(
            "aliyun_mqtt_instance_host",
            |a| a.str("iot-060a0abc"),
            |inst, b, cap, l| aliyun_mqtt_instance_host(inst, b, cap, l)
        ),
        buf_case!(
            "aliyun_mqtt_auth_host",
            |a| a.str("cn-shanghai"),
            |region, b, cap, l| aliyun_mqtt_auth_host(region, b, cap, l)
        ),
        buf_case!(
            "aliyun_mqtt_custom_host",
            |a| a.str("mqtt.example.com"),
            |host, b, cap, l| aliyun_mqtt_custom_host(host, b, cap, l)
        ),
        buf_case!("aliyun_mqtt_ipv6_host", |a| (), |(), b, cap, l| {
            aliyun_mqtt_ipv6_host(b, cap, l)
        }),
        buf_case!("aliyun_mqtt_auth_path", |a| (), |(), b, cap, l| {
            aliyun_mqtt_auth_path(b, cap, l)
        }),
        buf_case!("aliyun_mqtt_register_path", |a| (), |(), b, cap, l| {
            aliyun_mqtt_register_path(b, cap, l)
        }),
        buf_case!("aliyun_mqtt_ntp_request", |a| (), |(), b, cap, l| {
            aliyun_mqtt_ntp_request(1571724098000, b, cap, l)
        }),
        buf_case!(
            "aliyun_mqtt_register_body",
            |a| registration(a, aliyun_mqtt_auth_type::ALIYUN_MQTT_AUTH_REGISTER),
            |reg, b, cap, l| aliyun_mqtt_register_body(reg, b, cap, l)
        ),
        (
            "aliyun_mqtt_register_sign",
            boxed(Box::new(|a: &mut Arena| -> Call {
                let reg = registration(a, aliyun_mqtt_auth_type::ALIYUN_MQTT_AUTH_REGNWL);
                let out = a.out::<aliyun_mqtt_credentials>();
                Box::new(move || unsafe { aliyun_mqtt_register_sign(reg, out) })
            })),
        ),
        (
            "aliyun_mqtt_signed_content",
            boxed(Box::new(device_buf(
                aliyun_mqtt_signed_content,
                false,
                true,
                false,
            ))),
        ),
        buf_case!(
            "aliyun_mqtt_password_from_digest",
            |a| a.reply(DIGEST).0.cast::<u8>(),
            |digest, b, cap, l| aliyun_mqtt_password_from_digest(
                aliyun_mqtt_sign_method::ALIYUN_MQTT_HMAC_SHA256 as u32,
                digest,
                32,
                false,
                b,
                cap,
                l
            )
        ),
        (
            "aliyun_mqtt_sign_from_digest",
            boxed(Box::new(|a: &mut Arena| -> Call {
                let dev = unsigned_device(a, true, true);
                let digest = a.reply(DIGEST).0.cast::<u8>();
                let out = a.out::<aliyun_mqtt_credentials>();
                Box::new(move || unsafe { aliyun_mqtt_sign_from_digest(dev, digest, 32, out) })
            })),
        ),
        buf_case!(
            "aliyun_mqtt_auth_body_from_digest",
            |a| (
                unsigned_device(a, true, false),
                a.reply(DIGEST).0.cast::<u8>()
            ),
            |(dev, digest), b, cap, l| aliyun_mqtt_auth_body_from_digest(
                dev, digest, 32, b, cap, l
            )
        ),
        buf_case!(
            "aliyun_mqtt_register_signed_content",
            |a| unsigned_registration(a),
            |reg, b, cap, l| aliyun_mqtt_register_signed_content(reg, b, cap, l)
        ),
        (
            "aliyun_mqtt_register_sign_from_digest",
            boxed(Box::new(|a: &mut Arena| -> Call {
                let reg = unsigned_registration(a);
                let digest = a.reply(DIGEST).0.cast::<u8>();
                let out = a.out::<aliyun_mqtt_credentials>();
                Box::new(move || unsafe {
                    aliyun_mqtt_register_sign_from_digest(reg, digest, 32, out)
                })
            })),
        ),
        buf_case!(
            "aliyun_mqtt_register_body_from_digest",
            |a| (unsigned_registration(a), a.reply(DIGEST).0.cast::<u8>()),
            |(reg, digest), b, cap, l| aliyun_mqtt_register_body_from_digest(
                reg, digest, 32, b, cap, l
            )
        ),
        buf_case!(
            "aliyun_mqtt_subdev_login",
            |a| subdevs(a, 1, true),
            |subs, b, cap, l| aliyun_mqtt_subdev_login(
                7,
                aliyun_mqtt_sign_method::ALIYUN_MQTT_HMAC_SHA256 as u32,
                subs,
                b,
                cap,
                l
            )
        ),
        buf_case!(
            "aliyun_mqtt_subdev_batch_login",
            |a| subdevs(a, 2, true),
            |subs, b, cap, l| aliyun_mqtt_subdev_batch_login(
                7,
                aliyun_mqtt_sign_method::ALIYUN_MQTT_HMAC_SHA1 as u32,
                subs,
                2,
                b,
                cap,
                l
            )
        ),
        buf_case!(
            "aliyun_mqtt_subdev_batch_logout",
            |a| subdevs(a, 2, false),
            |subs, b, cap, l| aliyun_mqtt_subdev_batch_logout(7, subs, 2, b, cap, l)
        ),
        buf_case!(
            "aliyun_mqtt_subdev_product_register",
            |a| {
                let mut r: aliyun_mqtt_subdev_registration = unsafe { std::mem::zeroed() };
                r.product_key = a.str("a1B2c3D4e5F");
                r.device_name = a.str("sensor-0002");
                r.product_secret = a.str("pS3cr3tOfTheProduct0000000000001");
                r.random = a.str("8Fk2mQ");
                a.obj(&r)
            },
            |subs, b, cap, l| aliyun_mqtt_subdev_product_register(
                7,
                aliyun_mqtt_sign_method::ALIYUN_MQTT_HMAC_SHA256 as u32,
                subs,
                1,
                b,
                cap,
                l
            )
        ),
        (
            "aliyun_mqtt_explain",
            boxed(Box::new(|a: &mut Arena| -> Call {
                let (cid, user, pw) = connect(a);
                let secret = a.str(DS);
                let out = a.out::<aliyun_mqtt_explanation>();
                Box::new(move || unsafe { aliyun_mqtt_explain(cid, user, pw, secret, 60, out) })
            })),
        ),
        reply_case!(
            aliyun_mqtt_parse_auth_reply,
            aliyun_mqtt_auth_reply,
            r#"{"code":200,"data":{"iotId":"j2Hv3J3n0sAd9N5dRv8m000100","iotToken":"0c57f8f04a4b4f8e8e3f2b4b1e5c5a0a","resources":{"mqtt":{"host":"a1B2c3D4e5F.iot-as-mqtt.cn-shanghai.aliyuncs.com","port":1883}}},"message":"success"}"#
        ),
        reply_case!(
            aliyun_mqtt_parse_register_reply,
            aliyun_mqtt_register_reply,
            r#"{"code":200,"data":{"productKey":"a1B2c3D4e5F","deviceName":"sensor-0001","deviceSecret":"s3cr3tValueFromTheServer00000001"},"message":"success"}"#
        ),
        reply_case!(
            aliyun_mqtt_parse_ext_register,
            aliyun_mqtt_register_reply,
            r#"{"productKey":"a1B2c3D4e5F","deviceName":"sensor-0001","deviceSecret":"s3cr3tValueFromTheServer00000001"}"#
        ),
        reply_case!(
            aliyun_mqtt_parse_ext_regnwl,
            aliyun_mqtt_regnwl_reply,
            r#"{"clientId":"client-7","productKey":"a1B2c3D4e5F","deviceName":"sensor-0001","deviceToken":"tok_0123456789abcdef"}"#
        ),
        reply_case!(
            aliyun_mqtt_parse_ntp_response,
            aliyun_mqtt_ntp_response,
            r#"{"deviceSendTime":"1571724098000","serverRecvTime":"1571724098110","serverSendTime":"1571724098115"}"#
        ),
        reply_case!(
            aliyun_mqtt_parse_subdev_reply,
            aliyun_mqtt_subdev_reply,
            r#"{"id":"124","code":200,"message":"success","data":[{"productKey":"pk1","deviceName":"dev-01"},{"deviceName":"dev-02","productKey":"pk2","iotId":"x"}]}"#
        ),
        reply_case!(
            aliyun_mqtt_parse_product_register_reply,
            aliyun_mqtt_product_register_reply,
            r#"{"code":200,"data":{"failures":[{"productKey":"pk3","deviceName":"dev-03","code":6402}],"successes":[{"deviceSecret":"Ds1","productKey":"pk1","deviceName":"dev-01"}]},"id":"1","message":"success","method":"thing.proxy.provisioning.product_register","version":"1.0"}"#
        ),
        (
            "aliyun_mqtt_connwl",
            boxed(Box::new(|a: &mut Arena| -> Call {
                let text = r#"{"clientId":"client-7","productKey":"a1B2c3D4e5F","deviceName":"sensor-0001","deviceToken":"tok_0123456789abcdef"}"#;
                let mut reply: aliyun_mqtt_regnwl_reply = unsafe { std::mem::zeroed() };
                assert_eq!(
                    unsafe {
                        aliyun_mqtt_parse_ext_regnwl(text.as_ptr().cast(), text.len(), &mut reply)
                    },
                    S::ALIYUN_MQTT_OK
                );
                let reply = a.obj(&reply);
                let out = a.out::<aliyun_mqtt_connwl_credentials>();
                Box::new(move || unsafe { aliyun_mqtt_connwl(reply, out) })
            })),
        ),
        buf_case!(
            "aliyun_mqtt_topic",
            |a| (a.str("pk1"), a.str("dev-01")),
            |(pk, dn), b, cap, l| aliyun_mqtt_topic(
                aliyun_mqtt_topic_kind::ALIYUN_MQTT_TOPIC_TOPO_ADD as u32,
                pk,
                dn,
                b,
                cap,
                l
            )
        ),
        (
            "aliyun_mqtt_verify_identify",
            boxed(Box::new(|a: &mut Arena| -> Call {
                let cid =
                    a.str("SN1928339|securemode=3,signmethod=hmacsha1,timestamp=1539421321846|");
                let user = a.str("light1983432&a14Xib5kdYd");
                let info = a.out::<aliyun_mqtt_verify_info>();
                Box::new(move || unsafe { aliyun_mqtt_verify_identify(cid, user, info) })
            })),
        ),
        (
            "aliyun_mqtt_verify",
            boxed(Box::new(|a: &mut Arena| -> Call {
                let (cid, user, pw) = connect(a);
                let secret = a.str(DS);
                let info = a.out::<aliyun_mqtt_verify_info>();
                Box::new(move || unsafe { aliyun_mqtt_verify(cid, user, pw, secret, info) })
            })),
        ),
        (
            "aliyun_mqtt_verify_with_key",
            boxed(Box::new(|a: &mut Arena| -> Call {
                let (cid, user, pw) = connect(a);
                let mut key = aliyun_mqtt_verify_key::ZERO;
                let secret = std::ffi::CString::new(DS).unwrap();
                assert_eq!(
                    unsafe { aliyun_mqtt_verify_key_init(secret.as_ptr(), &mut key) },
                    S::ALIYUN_MQTT_OK
                );
                let key = a.obj(&key);
                let info = a.out::<aliyun_mqtt_verify_info>();
                Box::new(move || unsafe { aliyun_mqtt_verify_with_key(cid, user, pw, key, info) })
            })),
        ),
        (
            "aliyun_mqtt_verify_key_init",
            boxed(Box::new(|a: &mut Arena| -> Call {
                let secret = a.str(DS);
                let key = a.out::<aliyun_mqtt_verify_key>();
                Box::new(move || unsafe { aliyun_mqtt_verify_key_init(secret, key) })
            })),
        ),
    ]
}

#[test]
fn test_every_output_over_every_input_is_refused_and_writes_nothing_fail() {
    let (mut overlapping, mut adjacent) = (0, 0);
    let mut names = Vec::new();
    for (name, case) in cases() {
        let (o, n) = check(name, &*case);
        assert!(o > 0 && n > 0, "{name}: {o} overlapping, {n} adjacent");
        overlapping += o;
        adjacent += n;
        names.push(name);
    }
    // Each function once.
    names.sort_unstable();
    let count = names.len();
    names.dedup();
    assert_eq!(names.len(), count);
    println!("{count} functions: {overlapping} overlapping placements refused, {adjacent} adjacent ones served");
}

/// The example of the report this test answers: an output buffer inside
/// the device_name string gave `dev-0001&dev-0001&de`.
#[test]
fn test_username_inside_device_name_is_refused_fail() {
    let mut mem = [0u8; 64];
    mem[..9].copy_from_slice(b"dev-0001\0");
    let pk = c"dev0001";
    let secret = c"s3cret";
    let mut dev = aliyun_mqtt_device_default();
    dev.product_key = pk.as_ptr();
    dev.device_name = mem.as_ptr().cast();
    dev.device_secret = secret.as_ptr();
    let mut n = 77usize;
    let buf = unsafe { mem.as_mut_ptr().add(4) }.cast::<c_char>();
    let st = unsafe { aliyun_mqtt_username(&dev, buf, 21, &mut n) };
    assert_eq!(st, S::ALIYUN_MQTT_ERR_OVERLAPPING_BUFFERS);
    assert_eq!(&mem[..9], b"dev-0001\0");
    assert!(mem[9..].iter().all(|b| *b == 0));
    assert_eq!(n, 77);
    // Right after the NUL it works.
    let buf = unsafe { mem.as_mut_ptr().add(9) }.cast::<c_char>();
    let st = unsafe { aliyun_mqtt_username(&dev, buf, 21, &mut n) };
    assert_eq!(st, S::ALIYUN_MQTT_OK);
    assert_eq!(&mem[9..9 + 17], b"dev-0001&dev0001\0");
    assert_eq!(n, 16);
}
