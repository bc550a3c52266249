//! The demo backend over real HTTP on a loopback port: the four `PushBackend`
//! calls, the sender's server (W2, W4, W6), its errors, and the binary itself.

use offline_push::server::{render_for_receiver, ReceiverState};
use offline_push::*;
use offline_push_demo_backend::{demo_vendor_config, serve, store::Store, Backend};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

/// A backend serving on a free port, in a thread of its own, for one test.
struct Running {
    base: String,
    _dir: tempfile::TempDir,
}

fn start() -> Running {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("backend.sqlite3")).unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            serve(
                listener,
                Backend::new(store, demo_vendor_config()),
                std::future::pending(),
            )
            .await
            .unwrap();
        });
    });
    Running {
        base: format!("http://127.0.0.1:{port}"),
        _dir: dir,
    }
}

/// Status and JSON body (`null` when empty) of one request.
fn call(method: &str, url: &str, body: Option<Value>) -> (u16, Value) {
    let request = ureq::request(method, url);
    let result = match body {
        Some(body) => request
            .set("Content-Type", "application/json")
            .send_string(&body.to_string()),
        None => request.call(),
    };
    let response = match result {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{method} {url}: {e}"),
    };
    let status = response.status();
    let text = response.into_string().unwrap();
    (
        status,
        if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap()
        },
    )
}

fn token(vendor: &str, value: &str) -> Value {
    json!({"vendor": vendor, "token": value, "business_id": 7})
}

fn bind(b: &Running, user: &str, token: Value, device: Value) {
    let (status, body) = call(
        "POST",
        &format!("{}/v1/users/{user}/tokens", b.base),
        Some(json!({"token": token, "device": device})),
    );
    assert_eq!(status, 204, "{body}");
}

fn group_message(id: &str) -> Value {
    json!({
        "message_id": id,
        "conversation_type": "group",
        "sender": {"user_id": "alice", "nickname": "Alice"},
        "group": {"group_id": "team", "name": "The team"},
        "timestamp": 1_700_000_000,
        "elements": [{"type": "text", "text": "lunch?"}]
    })
}

fn send(b: &Running, to: &str, message: Value) -> Vec<Value> {
    let (status, body) = call(
        "POST",
        &format!("{}/v1/messages", b.base),
        Some(json!({"to": to, "message": message})),
    );
    assert_eq!(status, 200, "{body}");
    body["deliveries"].as_array().unwrap().clone()
}

fn collect(b: &Running, device: &str) -> Vec<Value> {
    let (status, body) = call("POST", &format!("{}/v1/devices/{device}/collect", b.base), None);
    assert_eq!(status, 200, "{body}");
    body.as_array().unwrap().clone()
}

const XIAOMI_TOKEN: &str = "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6q7r8s9t0u1v2w3x4y5z6";

#[test]
fn k6_k7_settings_go_up_change_by_change_and_come_down_whole() {
    let b = start();
    let url = format!("{}/v1/users/bob/settings", b.base);
    let changes = [
        json!({"kind": "global_settings", "settings": {"enabled": true, "group_sound": "android.resource://com.example.chat/raw/ding"}}),
        json!({"kind": "do_not_disturb", "window": {"start_seconds": 79200, "duration_seconds": 28800, "utc_offset_seconds": 28800}}),
        json!({"kind": "conversation_option", "conversation_type": "group", "conversation_id": "team", "option": "receive_not_notify"}),
        json!({"kind": "conversation_option", "conversation_type": "c2c", "conversation_id": "carol", "option": "not_receive"}),
        json!({"kind": "conversation_option", "conversation_type": "c2c", "conversation_id": "carol", "option": "receive"}),
    ];
    for change in changes {
        let (status, body) = call("PUT", &url, Some(change));
        assert_eq!(status, 204, "{body}");
    }
    let (status, body) = call("GET", &url, None);
    assert_eq!(status, 200);
    let fetched: AccountPushSettings = serde_json::from_value(body).unwrap();
    assert_eq!(
        fetched.global_settings.group_sound.as_deref(),
        Some("android.resource://com.example.chat/raw/ding")
    );
    assert_eq!(fetched.do_not_disturb.unwrap().start_seconds, 79200);
    assert_eq!(
        fetched.receive_options,
        [ConversationReceiveOption {
            conversation_type: ConversationType::Group,
            conversation_id: "team".into(),
            option: ReceiveOption::ReceiveNotNotify,
        }],
        "an option set back to receive is the default again"
    );
}

#[test]
fn w2_w6_a_message_goes_by_the_devices_own_vendor_rendered_for_the_receiver() {
    let b = start();
    let phone = json!({"id": "bob-phone", "platform": "android", "locale": "en", "own_vendor": "xiaomi"});
    bind(
        &b,
        "bob",
        token("fcm", "fcm-registration-token-of-bobs-phone"),
        phone.clone(),
    );
    bind(&b, "bob", token("xiaomi", XIAOMI_TOKEN), phone);

    let deliveries = send(&b, "bob", group_message("m1"));
    assert_eq!(
        deliveries,
        [json!({"device": "bob-phone", "vendor": "xiaomi", "outcome": "sent"})]
    );
    let inbox = collect(&b, "bob-phone");
    assert_eq!(inbox.len(), 1);
    assert!(collect(&b, "bob-phone").is_empty(), "collected once");
    let delivered: DeliveredPush = serde_json::from_value(inbox[0]["delivered"].clone()).unwrap();
    let push = read_vendor_push(PushVendor::Xiaomi, delivered).unwrap();
    let message: IncomingMessage = serde_json::from_value(group_message("m1")).unwrap();
    let mut receiver = ReceiverState::signed_in("bob", Platform::Android);
    receiver.locale = PushLocale::En;
    let RenderOutcome::Show { notification } = render_for_receiver(&receiver, &message) else {
        panic!("not shown")
    };
    assert_eq!(push.notification, Some(notification));
    assert_eq!(push.message_id.as_deref(), Some("m1"));
}

#[test]
fn w6_d8_a_failover_goes_through_the_vendor_asked_for_with_the_same_message_id() {
    let b = start();
    let phone = json!({"id": "bob-pixel", "platform": "android", "own_vendor": "fcm"});
    bind(
        &b,
        "bob",
        token("fcm", "fcm-registration-token-of-bobs-pixel"),
        phone,
    );
    let (status, body) = call(
        "POST",
        &format!("{}/v1/messages", b.base),
        Some(json!({"to": "bob", "message": group_message("m9"), "via": "xiaomi"})),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["deliveries"],
        json!([{"device": "bob-pixel", "vendor": "xiaomi", "outcome": "sent"}])
    );
    let inbox = collect(&b, "bob-pixel");
    let delivered: DeliveredPush = serde_json::from_value(inbox[0]["delivered"].clone()).unwrap();
    let push = read_vendor_push(PushVendor::Xiaomi, delivered).unwrap();
    assert_eq!(
        push.message_id.as_deref(),
        Some("m9"),
        "the device can drop the copy (D8)"
    );
}

#[test]
fn w2_w4_a_muted_group_is_withheld_from_xiaomi_and_sent_to_fcm_as_data() {
    let b = start();
    bind(
        &b,
        "bob",
        token("xiaomi", XIAOMI_TOKEN),
        json!({"id": "bob-xiaomi", "platform": "android", "own_vendor": "xiaomi"}),
    );
    bind(
        &b,
        "bob",
        token("fcm", "fcm-registration-token-of-bobs-pixel"),
        json!({"id": "bob-pixel", "platform": "android", "own_vendor": "fcm"}),
    );
    let muted = json!({"kind": "conversation_option", "conversation_type": "group", "conversation_id": "team", "option": "receive_not_notify"});
    assert_eq!(
        call("PUT", &format!("{}/v1/users/bob/settings", b.base), Some(muted)).0,
        204
    );

    let deliveries = send(&b, "bob", group_message("m1"));
    assert_eq!(
        deliveries,
        [
            json!({"device": "bob-xiaomi", "vendor": "xiaomi", "outcome": "withheld", "reason": "muted"}),
            json!({"device": "bob-pixel", "vendor": "fcm", "outcome": "sent"}),
        ]
    );
    assert!(collect(&b, "bob-xiaomi").is_empty());
    let inbox = collect(&b, "bob-pixel");
    let delivered: DeliveredPush = serde_json::from_value(inbox[0]["delivered"].clone()).unwrap();
    // The device decides: with the group muted there too, receive suppresses it.
    let pushed = read_vendor_push(PushVendor::Fcm, delivered).unwrap();
    let device = OfflinePushManager::new(OfflinePushConfig {
        platform: Platform::Android,
        store_directory: None,
    })
    .unwrap();
    device.login("bob".into()).unwrap();
    device
        .set_receive_option(
            ConversationType::Group,
            "team".into(),
            ReceiveOption::ReceiveNotNotify,
        )
        .unwrap();
    assert_eq!(
        device.receive(pushed.message.unwrap()).unwrap(),
        RenderOutcome::Suppress {
            reason: SuppressReason::Muted
        }
    );
}

#[test]
fn k5_after_the_unbind_the_backend_sends_nothing() {
    let b = start();
    let device = json!({"id": "bob-iphone", "platform": "ios"});
    let apns = json!({"vendor": "apns", "token": "a".repeat(64), "business_id": 7});
    bind(&b, "bob", apns.clone(), device);
    assert_eq!(send(&b, "bob", group_message("m1")).len(), 1);
    let (status, _) = call("DELETE", &format!("{}/v1/users/bob/tokens", b.base), Some(apns));
    assert_eq!(status, 204);
    assert!(send(&b, "bob", group_message("m2")).is_empty());
}

#[test]
fn bad_requests_unknown_users_and_outages_get_clear_errors() {
    let b = start();
    let error = |r: (u16, Value)| (r.0, r.1["error"].as_str().unwrap_or_default().to_owned());

    let (status, text) = error(call("GET", &format!("{}/v1/users/nobody/settings", b.base), None));
    assert_eq!((status, text.as_str()), (404, "unknown user: nobody"));
    let (status, text) = error(call(
        "POST",
        &format!("{}/v1/messages", b.base),
        Some(json!({"to": "nobody", "message": group_message("m1")})),
    ));
    assert_eq!((status, text.as_str()), (404, "unknown user: nobody"));
    let (status, text) = error(call(
        "PUT",
        &format!("{}/v1/users/bob/settings", b.base),
        Some(json!({"kind": "volume", "level": 11})),
    ));
    assert_eq!(status, 400);
    assert!(text.starts_with("the body is not a settings change"), "{text}");
    let (status, _) = error(call(
        "POST",
        &format!("{}/v1/messages", b.base),
        Some(json!("not an object")),
    ));
    assert_eq!(status, 400);
    let (status, text) = error(call("GET", &format!("{}/v1/nothing/here", b.base), None));
    assert_eq!((status, text.as_str()), (404, "no such endpoint"));

    // A bad token is refused without being repeated.
    let secret = "has spaces, so no vendor's token";
    let (status, text) = error(call(
        "POST",
        &format!("{}/v1/users/bob/tokens", b.base),
        Some(json!({"token": token("xiaomi", secret), "device": {"id": "d", "platform": "android"}})),
    ));
    assert_eq!(status, 400);
    assert!(!text.contains(secret), "{text}");

    // An outage: the PushBackend calls fail with 503 until it ends.
    assert_eq!(
        call(
            "POST",
            &format!("{}/v1/control/outage", b.base),
            Some(json!({"down": true}))
        )
        .0,
        204
    );
    let global = json!({"kind": "global_settings", "settings": {"enabled": false}});
    let (status, text) = error(call(
        "PUT",
        &format!("{}/v1/users/bob/settings", b.base),
        Some(global.clone()),
    ));
    assert_eq!(status, 503);
    assert!(text.contains("down"), "{text}");
    assert_eq!(
        call(
            "POST",
            &format!("{}/v1/control/outage", b.base),
            Some(json!({"down": false}))
        )
        .0,
        204
    );
    assert_eq!(
        call("PUT", &format!("{}/v1/users/bob/settings", b.base), Some(global)).0,
        204
    );
}

#[test]
fn the_binary_serves_and_says_so_or_says_why_not() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_demo-backend"))
        .args(["--port", "0", "--data"])
        .arg(dir.path())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line
        .trim()
        .strip_prefix("demo-backend: listening on ")
        .expect(&line)
        .to_owned();
    let (status, _) = call("GET", &format!("{base}/v1/users/nobody/settings"), None);
    assert_eq!(status, 404);

    // A second backend on the same port says the port is in use.
    let port = base.rsplit(':').next().unwrap();
    let taken = Command::new(env!("CARGO_BIN_EXE_demo-backend"))
        .args(["--port", port, "--data"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!taken.status.success());
    let stderr = String::from_utf8_lossy(&taken.stderr);
    assert!(stderr.contains("the port is in use"), "{stderr}");
    let bad = Command::new(env!("CARGO_BIN_EXE_demo-backend"))
        .args(["--port", "http"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--port takes a number"));
    child.kill().unwrap();
    child.wait().unwrap();
}
