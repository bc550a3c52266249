//! The vendors (docs/RULES.md P1–P4, docs/VENDORS.md): the payload of each one
//! against JSON written from its documentation (each test names its source),
//! FCM's read by the `google-fcm1` crate's types, APNs' against Apple's key list;
//! the limits, fallbacks and refusals of P3 and P5 case by case
//! (`vendor_properties.rs` checks them over hostile notifications).

mod support;

use offline_push::*;
use serde_json::{json, Value};

use offline_push::vendor::ALL_VENDORS as ALL;

fn config() -> VendorConfig {
    VendorConfig {
        oppo_channel_id: Some("im".into()),
        fcm_channel_id: Some("chat".into()),
        huawei_channel_id: Some("chat".into()),
        xiaomi_channel_id: Some("chat".into()),
        // The form with the most to check; the default, a data message, is below (W4).
        fcm_delivery: Some(FcmDelivery::Notification),
        ..VendorConfig::default()
    }
}

/// alice's "hi" to bob, rendered for Android, with an ext.
fn notification() -> OfflinePushNotification {
    OfflinePushNotification {
        title: "alice".into(),
        title_source: TitleSource::Sender,
        content: "hi".into(),
        conversation_id: "alice".into(),
        conversation_type: ConversationType::C2c,
        sender_id: "alice".into(),
        sender_nickname: None,
        group_name: None,
        ext: Some(b"{\"k\":1}".to_vec()),
        sound: PushSound::Default,
        badge: true,
        notify_mode: NotifyMode::Normal,
        badge_count: Some(3),
        mentioned_user_id: None,
        mentions_all: false,
    }
}

fn build(vendor: PushVendor, n: &OfflinePushNotification) -> VendorPayload {
    build_vendor_payload(vendor, n.clone(), Some("m1".into()), 1_700_000_000, config()).unwrap()
}

fn body(payload: &VendorPayload) -> Value {
    serde_json::from_str(&payload.json).unwrap()
}

/// `value` with every string that holds a JSON object or array replaced by it,
/// so that JSON carried inside strings compares by content, not key order.
fn unnest(value: Value) -> Value {
    match value {
        Value::String(text) => match serde_json::from_str::<Value>(&text) {
            Ok(inner @ (Value::Object(_) | Value::Array(_))) => unnest(inner),
            _ => Value::String(text),
        },
        Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, unnest(v))).collect()),
        Value::Array(items) => Value::Array(items.into_iter().map(unnest).collect()),
        other => other,
    }
}

/// Equal as JSON, strings of JSON compared by content.
fn assert_json(actual: Value, expected: Value) {
    assert_eq!(unnest(actual), unnest(expected));
}

/// The custom data every payload carries, as `payload.rs` writes it.
fn carried(n: &OfflinePushNotification) -> Value {
    json!({
        "v": 1, "type": "c2c", "id": "alice", "sender": "alice", "msg": "m1", "ts": 1_700_000_000,
        "ext": "eyJrIjoxfQ==",
        "n": {"title": n.title, "title_source": "sender", "content": n.content, "sound": "default",
              "badge": true, "notify_mode": "normal", "badge_count": 3},
    })
}

fn carried_text(n: &OfflinePushNotification) -> String {
    carried(n).to_string()
}

/// Apple, "Generating a remote notification": the `aps` keys and the alert's.
const APS_KEYS: [&str; 18] = [
    "alert",
    "badge",
    "sound",
    "thread-id",
    "category",
    "content-available",
    "mutable-content",
    "target-content-id",
    "interruption-level",
    "relevance-score",
    "filter-criteria",
    "stale-date",
    "content-state",
    "timestamp",
    "event",
    "dismissal-date",
    "attributes-type",
    "attributes",
];
const ALERT_KEYS: [&str; 10] = [
    "title",
    "subtitle",
    "body",
    "launch-image",
    "title-loc-key",
    "title-loc-args",
    "subtitle-loc-key",
    "subtitle-loc-args",
    "loc-key",
    "loc-args",
];

fn assert_apple_keys(aps: &Value) {
    for key in aps.as_object().unwrap().keys() {
        assert!(
            APS_KEYS.contains(&key.as_str()),
            "aps.{key} is not one of Apple's keys"
        );
    }
    for key in aps["alert"].as_object().unwrap().keys() {
        assert!(
            ALERT_KEYS.contains(&key.as_str()),
            "aps.alert.{key} is not one of Apple's keys"
        );
    }
}

/// Apple, "Generating a remote notification" and "Modifying content in newly
/// delivered notifications" (mutable-content), "Declaring your actionable
/// notification types" (thread-id groups).
#[test]
fn apns_b4_s2_the_payload_of_apples_documentation() {
    let payload = build(PushVendor::Apns, &notification());
    assert_json(
        body(&payload),
        json!({
            "aps": {"alert": {"title": "alice", "body": "hi"}, "sound": "default", "badge": 3,
                    "thread-id": "c2c:alice", "mutable-content": 1},
            "offline_push": carried(&notification()),
        }),
    );
    assert_apple_keys(&body(&payload)["aps"]);
    assert!(payload.shortened.is_empty());
    // Silent: no sound key; a badge that does not count: no badge key.
    let quiet = OfflinePushNotification {
        sound: PushSound::Silent,
        badge: false,
        ..notification()
    };
    let aps = body(&build(PushVendor::Apns, &quiet))["aps"].clone();
    assert!(aps.get("sound").is_none() && aps.get("badge").is_none(), "{aps}");
    let custom = OfflinePushNotification {
        sound: PushSound::Custom {
            path: "ding.caf".into(),
        },
        ..notification()
    };
    assert_eq!(
        body(&build(PushVendor::Apns, &custom))["aps"]["sound"],
        "ding.caf"
    );
}

/// Firebase, "REST Resource: projects.messages" (AndroidNotification: channel_id,
/// tag, sound, notification_count; ApnsConfig.payload; data: map of strings).
#[test]
fn fcm_the_payload_reads_as_google_fcm1_types() {
    let payload = build(PushVendor::Fcm, &notification());
    let expected = json!({"message": {
        "android": {"notification": {"title": "alice", "body": "hi", "channelId": "chat", "tag": "c2c:alice",
                                      "notificationCount": 3}},
        "apns": {"payload": {"aps": {"alert": {"title": "alice", "body": "hi"}, "sound": "default", "badge": 3,
                                     "thread-id": "c2c:alice", "mutable-content": 1}}},
        "data": {"offline_push": carried_text(&notification())},
    }});
    assert_json(body(&payload), expected);
    let request: google_fcm1::api::SendMessageRequest = serde_json::from_str(&payload.json).unwrap();
    let message = request.message.unwrap();
    let android = message.android.unwrap().notification.unwrap();
    assert_eq!(android.title.as_deref(), Some("alice"));
    assert_eq!(android.body.as_deref(), Some("hi"));
    assert_eq!(android.channel_id.as_deref(), Some("chat"));
    assert_eq!(android.tag.as_deref(), Some("c2c:alice"));
    assert_eq!(android.notification_count, Some(3));
    let data = message.data.unwrap();
    assert_eq!(data.keys().collect::<Vec<_>>(), ["offline_push"]);
    assert!(message.apns.unwrap().payload.unwrap().contains_key("aps"));
    // A custom sound plays on its own channel, named by the resource.
    let ding = OfflinePushNotification {
        sound: PushSound::Custom {
            path: "android.resource://com.app/raw/ding".into(),
        },
        ..notification()
    };
    let request: google_fcm1::api::SendMessageRequest =
        serde_json::from_str(&build(PushVendor::Fcm, &ding).json).unwrap();
    let android = request.message.unwrap().android.unwrap().notification.unwrap();
    assert_eq!(android.sound.as_deref(), Some("ding"));
    assert_eq!(android.channel_id.as_deref(), Some("chat.sound.ding"));
}

/// W4: by default FCM gets a high-priority data message: no notification block
/// for the system tray, the notification carried for the device's `receive`;
/// FCM's own types read it (AndroidConfig.priority, data: map of strings).
#[test]
fn fcm_w4_by_default_a_high_priority_data_message() {
    let payload = build_vendor_payload(
        PushVendor::Fcm,
        notification(),
        Some("m1".into()),
        1_700_000_000,
        VendorConfig::default(),
    )
    .unwrap();
    assert_json(
        body(&payload),
        json!({"message": {"android": {"priority": "HIGH"}, "data": {"offline_push": carried_text(&notification())}}}),
    );
    let request: google_fcm1::api::SendMessageRequest = serde_json::from_str(&payload.json).unwrap();
    let message = request.message.unwrap();
    let android = message.android.unwrap();
    assert_eq!(android.priority.as_deref(), Some("HIGH"));
    assert!(android.notification.is_none());
    assert!(message.apns.is_none());
    let push = read_vendor_push(PushVendor::Fcm, delivered_form(payload)).unwrap();
    assert_eq!(push.notification, Some(notification()));
}

/// Huawei Push Kit, "Sending Messages" (message.data string, android.notification
/// with click_action type 3 "open the app", channel_id, category); P1.
#[test]
fn huawei_p1_the_payload_of_push_kits_documentation() {
    let payload = build(PushVendor::Huawei, &notification());
    assert_json(
        body(&payload),
        json!({"message": {
            "data": json!({"offline_push": carried_text(&notification())}).to_string(),
            "android": {"notification": {"title": "a new message", "body": "hi", "channel_id": "chat",
                                          "click_action": {"type": 3}, "tag": "c2c:alice", "default_sound": true}},
        }}),
    );
    // T3: a title the message set stays.
    let titled = OfflinePushNotification {
        title: "Team".into(),
        title_source: TitleSource::Message,
        ..notification()
    };
    assert_eq!(
        body(&build(PushVendor::Huawei, &titled))["message"]["android"]["notification"]["title"],
        "Team"
    );
}

/// MiPush server API, "regid" send (form fields, extra.*); P1.
#[test]
fn xiaomi_p1_the_form_of_the_mipush_documentation() {
    let payload = build(PushVendor::Xiaomi, &notification());
    assert_json(
        body(&payload),
        json!({
            "title": "a new message", "description": "hi", "pass_through": "0", "notify_type": "-1",
            "extra.notify_effect": "1", "extra.channel_id": "chat", "extra.offline_push": carried_text(&notification()),
        }),
    );
    assert!(
        body(&payload).as_object().unwrap().values().all(Value::is_string),
        "a form is strings"
    );
}

/// OPPO push API (title, content, channel_id, click_action_type, action_parameters).
#[test]
fn oppo_needs_a_channel_id() {
    assert_json(
        body(&build(PushVendor::Oppo, &notification())),
        json!({"title": "alice", "content": "hi", "channel_id": "im", "click_action_type": 0,
               "action_parameters": json!({"offline_push": carried_text(&notification())}).to_string()}),
    );
    let err =
        build_vendor_payload(PushVendor::Oppo, notification(), None, 0, VendorConfig::default()).unwrap_err();
    assert!(matches!(err, OfflinePushError::NotConfigured(_)), "{err:?}");
    assert!(err.to_string().contains("oppo_channel_id"), "{err}");
}

/// vivo push API, "single push" (notifyType, skipType, classification, category, clientCustomMap).
#[test]
fn vivo_classification_and_category() {
    let config = VendorConfig {
        vivo_classification: Some(VivoClassification::System),
        vivo_category: Some("IM".into()),
        ..config()
    };
    let payload = build_vendor_payload(
        PushVendor::Vivo,
        notification(),
        Some("m1".into()),
        1_700_000_000,
        config,
    )
    .unwrap();
    assert_json(
        body(&payload),
        json!({"notifyType": 4, "title": "alice", "content": "hi", "skipType": 1, "classification": 1,
               "category": "IM", "clientCustomMap": {"offline_push": carried_text(&notification())}}),
    );
}

/// Honor push API (android.notification, clickAction type 3, data string);
/// Meizu push API (messageJson: noticeBarInfo, clickTypeInfo, pushTimeInfo).
#[test]
fn honor_and_meizu() {
    assert_json(
        body(&build(PushVendor::Honor, &notification())),
        json!({"data": json!({"offline_push": carried_text(&notification())}).to_string(),
               "android": {"notification": {"title": "alice", "body": "hi", "clickAction": {"type": 3},
                                            "tag": "c2c:alice"}}}),
    );
    assert_json(
        body(&build(PushVendor::Meizu, &notification())),
        json!({"noticeBarInfo": {"noticeBarType": 0, "title": "alice", "content": "hi"},
               "clickTypeInfo": {"clickType": 0, "parameters": {"offline_push": carried_text(&notification())}},
               "pushTimeInfo": {"offLine": 1, "validTime": 24}}),
    );
}

#[test]
fn p3_texts_are_shortened_to_each_vendors_limits_and_reported() {
    let long = OfflinePushNotification {
        title: "标题".repeat(30),
        content: "内容😀".repeat(100),
        ..notification()
    };
    let xiaomi = build(PushVendor::Xiaomi, &long);
    let form = body(&xiaomi);
    // P1 replaced the title; the description is < 128 UTF-16 units and ends with the ellipsis.
    let description = form["description"].as_str().unwrap();
    assert!(description.encode_utf16().count() <= 127 && description.ends_with('…'));
    assert_eq!(xiaomi.shortened[0].field, "title");
    assert_eq!(xiaomi.shortened[1].field, "content");
    assert_eq!(
        xiaomi.shortened[1].shortened_length as usize,
        description.encode_utf16().count()
    );
    let vivo = body(&build(PushVendor::Vivo, &long));
    assert_eq!(
        vivo["title"].as_str().unwrap().chars().count(),
        20,
        "19 CJK and the ellipsis: width 39"
    );
}

#[test]
fn p3_a_large_ext_drops_text_first_and_an_ext_too_large_for_the_vendor_is_refused() {
    let big = OfflinePushNotification {
        content: "x".repeat(1_000),
        ext: Some(vec![7u8; 2_500]),
        ..notification()
    };
    let apns = build(PushVendor::Apns, &big);
    assert!(apns.bytes <= 4_096);
    assert!(
        apns.shortened.iter().any(|s| s.field == "content"),
        "{:?}",
        apns.shortened
    );
    let read = read_vendor_push(PushVendor::Apns, delivered_form(apns)).unwrap();
    assert_eq!(read.ext, big.ext, "the ext travels whole");
    // Meizu's custom data holds 1,000 bytes: 2,500 bytes of ext do not fit.
    let err = build_vendor_payload(PushVendor::Meizu, big, None, 0, config()).unwrap_err();
    assert!(matches!(err, OfflinePushError::InvalidArgument(_)), "{err:?}");
}

#[test]
fn p4_every_vendor_reads_back_what_it_was_given_and_receive_shows_it() {
    let group = OfflinePushNotification {
        title: "Weekend hike".into(),
        title_source: TitleSource::Group,
        content: "Ally: look [Image]".into(),
        conversation_id: "g7".into(),
        conversation_type: ConversationType::Group,
        sender_nickname: Some("Ally".into()),
        group_name: Some("Weekend hike".into()),
        ..notification()
    };
    for vendor in ALL {
        for n in [notification(), group.clone()] {
            let payload = build(vendor, &n);
            let push = read_vendor_push(vendor, delivered_form(payload)).unwrap();
            assert_eq!(push.conversation_id, n.conversation_id, "{vendor:?}");
            assert_eq!(push.sender_id, n.sender_id);
            assert_eq!(push.ext, n.ext);
            assert_eq!(push.message_id.as_deref(), Some("m1"));
            assert_eq!(push.timestamp, Some(1_700_000_000));
            assert_eq!(push.notification.as_ref(), Some(&n), "{vendor:?}");
            // The message it gives renders to the same notification on the device.
            let device = support::signed_in(Platform::Android, "bob");
            let RenderOutcome::Show { notification } = device.receive(push.message.unwrap()).unwrap() else {
                panic!("{vendor:?}: not shown");
            };
            assert_eq!(notification.title, n.title, "{vendor:?}");
            assert_eq!(notification.content, n.content);
            assert_eq!(notification.conversation_id, n.conversation_id);
            assert_eq!(notification.ext, n.ext);
            assert_eq!(notification.sender_nickname, n.sender_nickname);
        }
    }
}

/// M5, P4: every vendor carries the mention, and the message read back
/// renders, through a group muted except for mentions, to the same notification.
#[test]
fn m5_p4_every_vendor_carries_a_mention_back_through_a_mute() {
    let mentioned = |user: Option<&str>, all: bool| OfflinePushNotification {
        title: "Team".into(),
        title_source: TitleSource::Group,
        content: if user.is_some() {
            "[有人@我]D-Man: hi"
        } else {
            "[@所有人]D-Man: hi"
        }
        .into(),
        conversation_id: "g7".into(),
        conversation_type: ConversationType::Group,
        sender_id: "dave".into(),
        sender_nickname: Some("D-Man".into()),
        group_name: Some("Team".into()),
        mentioned_user_id: user.map(str::to_owned),
        mentions_all: all,
        ..notification()
    };
    for vendor in ALL {
        for n in [
            mentioned(Some("bob"), false),
            mentioned(None, true),
            mentioned(Some("bob"), true),
        ] {
            let push = read_vendor_push(vendor, delivered_form(build(vendor, &n))).unwrap();
            assert_eq!(push.notification.as_ref(), Some(&n), "{vendor:?}");
            let message = push.message.unwrap();
            assert_eq!(
                message.mentioned_user_ids,
                Vec::from_iter(n.mentioned_user_id.clone())
            );
            assert_eq!(message.mentions_all, n.mentions_all);
            let device = support::signed_in(Platform::Android, "bob");
            device
                .set_receive_option(
                    ConversationType::Group,
                    "g7".into(),
                    ReceiveOption::NotReceiveExceptMentions,
                )
                .unwrap();
            let RenderOutcome::Show { notification } = device.render(message).unwrap() else {
                panic!("{vendor:?}: a mention is shown through the mute");
            };
            assert_eq!(notification.content, n.content, "{vendor:?}: no second prefix");
            assert_eq!(notification.mentioned_user_id, n.mentioned_user_id);
            assert_eq!(notification.mentions_all, n.mentions_all);
        }
    }
    // Bad values count as unset (§4): a mention the payload does not carry is none.
    let plain = read_vendor_push(
        PushVendor::Fcm,
        delivered_form(build(PushVendor::Fcm, &notification())),
    )
    .unwrap();
    assert_eq!(plain.message.unwrap().mentioned_user_ids, Vec::<String>::new());
}

#[test]
fn p4_anything_else_reads_as_nothing_never_an_error() {
    let junk = [
        DeliveredPush::Json { json: String::new() },
        DeliveredPush::Json { json: "[1,2]".into() },
        DeliveredPush::Json {
            json: r#"{"offline_push": 5}"#.into(),
        },
        DeliveredPush::Json {
            json: r#"{"offline_push": {"v": 2, "type": "c2c", "id": "a", "sender": "a"}}"#.into(),
        },
        DeliveredPush::Json {
            json: r#"{"offline_push": {"v": 1, "type": "c3c", "id": "a", "sender": "a"}}"#.into(),
        },
        DeliveredPush::Extras {
            extras: [("offline_push".to_owned(), "{".to_owned())].into(),
        },
    ];
    for delivered in junk {
        assert_eq!(
            read_vendor_push(PushVendor::Fcm, delivered.clone()),
            None,
            "{delivered:?}"
        );
    }
    // A bad ext or notification counts as unset; the rest stays.
    let partial = DeliveredPush::Json {
        json: r#"{"offline_push": {"v": 1, "type": "c2c", "id": "a", "sender": "a", "ext": "not base64!", "n": 3}}"#.into(),
    };
    let push = read_vendor_push(PushVendor::Apns, partial).unwrap();
    assert_eq!((push.ext, push.notification, push.message), (None, None, None));
}

/// P3: FCM's `notification_count` is an `int32`: a larger count is sent as its
/// largest, and the body reads into FCM's own types; APNs takes the count whole.
#[test]
fn fcm_a_badge_count_beyond_int32_is_sent_as_its_largest() {
    let huge = OfflinePushNotification {
        badge_count: Some(u32::MAX),
        ..notification()
    };
    let payload = build(PushVendor::Fcm, &huge);
    let request: google_fcm1::api::SendMessageRequest = serde_json::from_str(&payload.json).unwrap();
    let android = request.message.unwrap().android.unwrap().notification.unwrap();
    assert_eq!(android.notification_count, Some(i32::MAX));
    assert_eq!(
        body(&build(PushVendor::Apns, &huge))["aps"]["badge"],
        json!(u32::MAX)
    );
}

/// P3: a refusal names what takes the room and the vendor as it writes itself.
#[test]
fn p3_a_refusal_names_what_leaves_no_room() {
    let sound = OfflinePushNotification {
        sound: PushSound::Custom {
            path: format!("android.resource://com.example/raw/{}", "d".repeat(2_000)),
        },
        ..notification()
    };
    // In Xiaomi's channel id and sound URI, each about 2,000 bytes.
    let error = build_vendor_payload(PushVendor::Xiaomi, sound, None, 0, config()).unwrap_err();
    assert!(error.to_string().contains("the sound"), "{error}");
    let ext = OfflinePushNotification {
        ext: Some(vec![1; 3_500]),
        ..notification()
    };
    let error = build_vendor_payload(PushVendor::Apns, ext, None, 0, config()).unwrap_err();
    let text = error.to_string();
    assert!(
        text.contains("the ext (3500 bytes") && text.contains("APNs takes a payload of at most 4096 bytes"),
        "{text}"
    );
}
