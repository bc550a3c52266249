//! Every string has a longest length (docs/RULES.md, "Limits", L1–L5, V5): the
//! app's calls refuse one over it with `invalid_argument` naming the field and
//! the limit (at the limit passes), and what arrives from the network over it
//! counts as unset or is cut, and is never stored. B2: a message whose
//! conversation cannot be named counts nowhere, so every count can be cleared.

mod support;

use offline_push::rules::limits::{
    MAX_EXT_BYTES, MAX_ID_BYTES, MAX_SOUND_BYTES, MAX_TEXT_BYTES, MAX_TOKEN_BYTES,
};
use offline_push::*;

/// The call refuses `invalid_argument`, naming `field` and `limit`.
fn refused<T: std::fmt::Debug>(result: Result<T, OfflinePushError>, field: &str, limit: usize) {
    let error = result.unwrap_err();
    assert_eq!(error.kind(), "invalid_argument", "{error}");
    let text = error.to_string();
    assert!(
        text.contains(field) && text.contains(&limit.to_string()),
        "{text}"
    );
}

fn sound(length: usize) -> String {
    let prefix = "android.resource://com.example/raw/";
    format!("{prefix}{}", "d".repeat(length - prefix.len()))
}

#[test]
fn v5_l1_l3_the_apps_calls_refuse_a_string_over_its_limit_by_name() {
    let m = support::manager(Platform::Android);
    refused(m.login("u".repeat(MAX_ID_BYTES + 1)), "user id", MAX_ID_BYTES);
    m.login("u".repeat(MAX_ID_BYTES)).unwrap();

    let long_id = "c".repeat(MAX_ID_BYTES + 1);
    let group = ConversationType::Group;
    refused(
        m.set_receive_option(group, long_id.clone(), ReceiveOption::NotReceive),
        "conversation id",
        MAX_ID_BYTES,
    );
    refused(
        m.receive_option(group, long_id.clone()),
        "conversation id",
        MAX_ID_BYTES,
    );
    refused(
        m.mark_read(group, long_id.clone()),
        "conversation id",
        MAX_ID_BYTES,
    );
    refused(
        m.set_unread_count(group, long_id.clone(), 3),
        "conversation id",
        MAX_ID_BYTES,
    );
    refused(m.unread_count(group, long_id), "conversation id", MAX_ID_BYTES);
    m.set_receive_option(group, "c".repeat(MAX_ID_BYTES), ReceiveOption::NotReceive)
        .unwrap();

    let settings = |s: String| OfflinePushSettings {
        enabled: true,
        c2c_sound: Some(s),
        group_sound: None,
    };
    refused(
        m.set_global_settings(settings(sound(MAX_SOUND_BYTES + 1))),
        "c2c_sound",
        MAX_SOUND_BYTES,
    );
    m.set_global_settings(settings(sound(MAX_SOUND_BYTES))).unwrap();

    // L2: the message names the limit, never the token.
    let long_token = support::token(PushVendor::Fcm, &"secret".repeat(700), 1);
    assert!(long_token.token.0.len() > MAX_TOKEN_BYTES);
    let error = m.set_token(long_token.clone()).unwrap_err();
    assert_eq!(error.kind(), "invalid_argument");
    assert!(
        error.to_string().contains("4096") && !error.to_string().contains("secret"),
        "{error}"
    );
    refused(check_vendor_token(long_token), "token", MAX_TOKEN_BYTES);
}

#[test]
fn v5_l4_l5_a_senders_settings_over_a_limit_are_refused_by_name() {
    let text = "字".repeat(MAX_TEXT_BYTES / 3 + 1);
    refused(
        validate_message_push_settings(MessagePushSettings {
            description: Some(text.clone()),
            ..MessagePushSettings::default()
        }),
        "description",
        MAX_TEXT_BYTES,
    );
    refused(
        validate_message_push_settings(MessagePushSettings {
            ext: Some(vec![7; MAX_EXT_BYTES + 1]),
            ..MessagePushSettings::default()
        }),
        "ext",
        MAX_EXT_BYTES,
    );
    refused(
        validate_message_push_settings(MessagePushSettings {
            android: Some(AndroidPushSettings {
                title: Some(text),
                sound: None,
                notify_mode: None,
            }),
            ..MessagePushSettings::default()
        }),
        "android.title",
        MAX_TEXT_BYTES,
    );
    assert!(validate_message_push_settings(MessagePushSettings {
        ext: Some(vec![7; MAX_EXT_BYTES]),
        description: Some("d".repeat(MAX_TEXT_BYTES)),
        ..MessagePushSettings::default()
    })
    .is_ok());
    let RenderOutcome::Show { notification } = support::signed_in(Platform::Android, "bob")
        .render(support::c2c_message("alice", "hi"))
        .unwrap()
    else {
        panic!("shown");
    };
    refused(
        build_vendor_payload(
            PushVendor::Fcm,
            notification,
            Some("m".repeat(MAX_ID_BYTES + 1)),
            0,
            VendorConfig::default(),
        ),
        "message_id",
        MAX_ID_BYTES,
    );
}

/// §4, L1, L4: from the network nothing raises; an id over L1 is unset, so the
/// message is neither remembered (R1) nor counted (B2), and texts are cut.
#[test]
fn l1_l4_over_the_limits_from_the_network_nothing_raises_or_is_stored() {
    let m = support::signed_in(Platform::Ios, "bob");
    let long_id = "m".repeat(MAX_ID_BYTES + 1);
    let mut message = support::c2c_message(&"a".repeat(MAX_ID_BYTES + 1), &"字".repeat(10_000));
    message.message_id = Some(long_id.clone());
    for _ in 0..2 {
        let RenderOutcome::Show { notification } = m.receive(message.clone()).unwrap() else {
            panic!("a long message is still shown, never a duplicate: its id is unset");
        };
        assert_eq!(notification.conversation_id, "");
        assert_eq!(notification.badge_count, None, "B2: counted nowhere");
        assert!(notification.content.len() <= MAX_TEXT_BYTES);
        assert!(notification.content.starts_with("字字字"));
    }
    assert_eq!(m.badge_total().unwrap(), 0);
    assert!(m.preview(message).unwrap().len() <= MAX_TEXT_BYTES);
}

/// B2: a message whose conversation has no id counts nowhere (a one-to-one
/// message with an empty sender, a group message without its group); every
/// count that was raised can be cleared.
#[test]
fn b2_a_message_whose_conversation_has_no_id_counts_nowhere() {
    let m = support::signed_in(Platform::Ios, "bob");
    let mut no_sender = support::c2c_message("", "hi");
    no_sender.message_id = Some("m1".into());
    let mut no_group = support::group_message();
    no_group.group = None;
    no_group.message_id = Some("m2".into());
    for message in [no_sender, no_group] {
        let RenderOutcome::Show { notification } = m.receive(message).unwrap() else {
            panic!("still shown");
        };
        assert_eq!(notification.badge_count, None);
    }
    assert_eq!(m.badge_total().unwrap(), 0);
    m.receive(support::c2c_message("alice", "hi")).unwrap();
    assert_eq!(m.badge_total().unwrap(), 1);
    m.mark_read(ConversationType::C2c, "alice".into()).unwrap();
    assert_eq!(m.badge_total().unwrap(), 0);
}
