//! W1–W6: the same message through every delivery path. On a path the system
//! displays the server decides and words it from the receiver's state
//! (`server::deliver_to_receiver`); on a path the app handles the device reads the
//! push back and `receive` decides with its own state.

use offline_push::server::{choose_route, deliver_to_receiver, render_for_receiver, Delivery, ReceiverState};
use offline_push::*;
use serde_json::Value;
use std::sync::Arc;

fn message(id: &str, group: Option<&str>) -> IncomingMessage {
    IncomingMessage {
        message_id: Some(id.into()),
        conversation_type: if group.is_some() {
            ConversationType::Group
        } else {
            ConversationType::C2c
        },
        sender: MessageSender {
            user_id: "alice".into(),
            nickname: Some("Alice".into()),
            name_card: None,
        },
        group: group.map(|g| GroupInfo {
            group_id: g.into(),
            name: Some("The team".into()),
        }),
        timestamp: 1_700_000_000,
        elements: vec![
            MessageElement::Text {
                text: "lunch? ".into(),
            },
            MessageElement::Image,
        ],
        push_settings: None,
        mentioned_user_ids: Vec::new(),
        mentions_all: false,
    }
}

fn muted(id: &str) -> ConversationReceiveOption {
    ConversationReceiveOption {
        conversation_type: ConversationType::Group,
        conversation_id: id.into(),
        option: ReceiveOption::ReceiveNotNotify,
    }
}

/// A device signed in as bob with the given group muted (or none).
fn device(platform: Platform, muted_group: Option<&str>) -> Arc<OfflinePushManager> {
    let manager = OfflinePushManager::new(OfflinePushConfig {
        platform,
        store_directory: None,
    })
    .unwrap();
    manager.login("bob".into()).unwrap();
    if let Some(group) = muted_group {
        manager
            .set_receive_option(
                ConversationType::Group,
                group.into(),
                ReceiveOption::ReceiveNotNotify,
            )
            .unwrap();
    }
    manager
}

fn receiver(platform: Platform, muted_group: Option<&str>) -> ReceiverState {
    let mut state = ReceiverState::signed_in("bob", platform);
    state.settings.receive_options.extend(muted_group.map(muted));
    state
}

fn config() -> VendorConfig {
    VendorConfig {
        oppo_channel_id: Some("im".into()),
        ..VendorConfig::default()
    }
}

const SYSTEM_DISPLAYED: [PushVendor; 7] = [
    PushVendor::Apns,
    PushVendor::Huawei,
    PushVendor::Honor,
    PushVendor::Xiaomi,
    PushVendor::Oppo,
    PushVendor::Vivo,
    PushVendor::Meizu,
];

fn platform_of(vendor: PushVendor) -> Platform {
    match vendor {
        PushVendor::Apns | PushVendor::ApnsVoip => Platform::Ios,
        _ => Platform::Android,
    }
}

fn sent(delivery: Delivery) -> VendorPayload {
    match delivery {
        Delivery::Send(payload) => payload,
        Delivery::Withheld(reason) => panic!("withheld: {reason:?}"),
    }
}

/// What the device gets from `payload`, read back (P4).
fn arrives(payload: VendorPayload) -> IncomingPush {
    let vendor = payload.vendor;
    read_vendor_push(vendor, delivered_form(payload)).expect("the payload reads back")
}

#[test]
fn w2_a_message_the_receivers_rules_suppress_is_not_sent_to_a_system_displayed_vendor() {
    let fcm_notification = VendorConfig {
        fcm_delivery: Some(FcmDelivery::Notification),
        ..config()
    };
    for vendor in SYSTEM_DISPLAYED {
        let state = receiver(platform_of(vendor), Some("team"));
        let delivery = deliver_to_receiver(&state, &message("m1", Some("team")), vendor, &config()).unwrap();
        assert_eq!(delivery, Delivery::Withheld(SuppressReason::Muted), "{vendor:?}");
        // Another conversation of the same receiver is sent.
        let other = deliver_to_receiver(&state, &message("m2", Some("family")), vendor, &config()).unwrap();
        assert!(matches!(other, Delivery::Send(_)), "{vendor:?}");
    }
    let state = receiver(Platform::Android, Some("team"));
    let delivery = deliver_to_receiver(
        &state,
        &message("m1", Some("team")),
        PushVendor::Fcm,
        &fcm_notification,
    );
    assert_eq!(delivery.unwrap(), Delivery::Withheld(SuppressReason::Muted));
}

#[test]
fn w2_w3_a_system_displayed_vendor_shows_the_receivers_rendering_which_the_device_would_render() {
    for vendor in SYSTEM_DISPLAYED {
        let platform = platform_of(vendor);
        let mut state = receiver(platform, None);
        state.locale = PushLocale::En;
        state.settings.global_settings.group_sound =
            Some("android.resource://com.example.chat/raw/ding".into());
        let device = device(platform, None);
        device.set_locale(PushLocale::En).unwrap();
        device
            .set_global_settings(state.settings.global_settings.clone())
            .unwrap();

        let message = message("m1", Some("team"));
        let on_server = render_for_receiver(&state, &message);
        assert_eq!(on_server, device.render(message.clone()).unwrap(), "{vendor:?}");
        let RenderOutcome::Show { notification } = on_server else {
            panic!("not shown")
        };
        // C1-en in the receiver's locale, S1 from the receiver's global sound.
        assert_eq!(notification.content, "Alice: lunch? [Image]");
        let pushed = arrives(sent(
            deliver_to_receiver(&state, &message, vendor, &config()).unwrap(),
        ));
        assert_eq!(pushed.notification.as_ref(), Some(&notification), "{vendor:?}");
    }
}

#[test]
fn w4_an_fcm_data_message_carries_no_notification_and_the_device_decides() {
    let message = message("m1", Some("team"));
    // The server has not heard yet that bob muted the team (K6: the upload is pending).
    let stale = receiver(Platform::Android, None);
    let payload = sent(deliver_to_receiver(&stale, &message, PushVendor::Fcm, &config()).unwrap());
    let json: Value = serde_json::from_str(&payload.json).unwrap();
    assert_eq!(json["message"]["android"]["priority"], "HIGH");
    assert!(json["message"]["android"].get("notification").is_none(), "{json}");
    assert!(json["message"].get("apns").is_none(), "{json}");
    assert!(json["message"]["data"]["offline_push"].is_string());

    let bob = device(Platform::Android, Some("team"));
    let pushed = arrives(payload);
    let outcome = bob
        .receive(pushed.message.expect("a message to receive"))
        .unwrap();
    assert_eq!(
        outcome,
        RenderOutcome::Suppress {
            reason: SuppressReason::Muted
        }
    );

    // The other way round: the server thinks the team is muted, the device has
    // just unmuted it: the data message goes out all the same and shows.
    let stale = receiver(Platform::Android, Some("team"));
    let payload = sent(deliver_to_receiver(&stale, &message, PushVendor::Fcm, &config()).unwrap());
    let bob = device(Platform::Android, None);
    let outcome = bob.receive(arrives(payload).message.unwrap()).unwrap();
    let RenderOutcome::Show { notification } = outcome else {
        panic!("not shown: {outcome:?}")
    };
    assert_eq!(notification.badge_count, Some(1), "B4: the device counted it");
}

#[test]
fn w4_what_no_device_state_can_show_is_not_sent_even_as_data() {
    let state = receiver(Platform::Android, None);
    let mut system = message("m1", Some("team"));
    system.conversation_type = ConversationType::System;
    let delivery = deliver_to_receiver(&state, &system, PushVendor::Fcm, &config()).unwrap();
    assert_eq!(delivery, Delivery::Withheld(SuppressReason::SystemMessage));
    let mut empty = message("m2", None);
    empty.elements.clear();
    let delivery = deliver_to_receiver(&state, &empty, PushVendor::Fcm, &config()).unwrap();
    assert_eq!(delivery, Delivery::Withheld(SuppressReason::NothingToShow));
}

#[test]
fn w5_the_apns_alert_is_the_servers_and_the_extension_corrects_it() {
    let message = message("m1", None);
    let mut state = receiver(Platform::Ios, None);
    state.unread_total = Some(7);
    let payload = sent(deliver_to_receiver(&state, &message, PushVendor::Apns, &config()).unwrap());
    let json: Value = serde_json::from_str(&payload.json).unwrap();
    assert_eq!(json["aps"]["mutable-content"], 1);
    assert_eq!(
        json["aps"]["badge"], 8,
        "B4 as the server counts: its total plus one"
    );
    assert_eq!(json["aps"]["alert"]["body"], "lunch? [图片]");

    // The extension: the device's own count and its own decision replace it.
    let bob = device(Platform::Ios, None);
    let outcome = bob.receive(arrives(payload).message.unwrap()).unwrap();
    let RenderOutcome::Show { notification } = outcome else {
        panic!("not shown: {outcome:?}")
    };
    assert_eq!(notification.badge_count, Some(1));
    assert_eq!(notification.content, "lunch? [图片]");
}

#[test]
fn w3_the_servers_badge_count_follows_b1_and_b4() {
    let mut state = receiver(Platform::Ios, None);
    let mut quiet = message("m1", None);
    quiet.push_settings = Some(MessagePushSettings {
        ios: Some(IosPushSettings {
            sound: None,
            badge_enabled: false,
        }),
        ..MessagePushSettings::default()
    });
    let badge = |state: &ReceiverState, m: &IncomingMessage| match render_for_receiver(state, m) {
        RenderOutcome::Show { notification } => notification.badge_count,
        other => panic!("not shown: {other:?}"),
    };
    assert_eq!(
        badge(&state, &message("m2", None)),
        None,
        "no count kept: none given"
    );
    state.unread_total = Some(u32::MAX);
    assert_eq!(badge(&state, &message("m2", None)), Some(u32::MAX));
    state.unread_total = Some(2);
    assert_eq!(badge(&state, &message("m2", None)), Some(3));
    assert_eq!(badge(&state, &quiet), None, "B1: it does not count");
}

#[test]
fn w6_one_route_per_device_and_a_second_copy_through_the_app_is_a_duplicate() {
    // A Xiaomi phone that also bound an FCM token: Xiaomi's path, not both.
    assert_eq!(
        choose_route(Some(PushVendor::Xiaomi), &[PushVendor::Fcm, PushVendor::Xiaomi]),
        Some(PushVendor::Xiaomi)
    );
    // Its own vendor not bound (yet): the path the app handles.
    assert_eq!(
        choose_route(Some(PushVendor::Xiaomi), &[PushVendor::Oppo, PushVendor::Fcm]),
        Some(PushVendor::Fcm)
    );

    // Two app-handled copies of one message reach one device: the second is D8.
    let state = receiver(Platform::Android, None);
    let message = message("m1", Some("team"));
    let bob = device(Platform::Android, None);
    let first = arrives(sent(
        deliver_to_receiver(&state, &message, PushVendor::Fcm, &config()).unwrap(),
    ));
    assert!(matches!(
        bob.receive(first.message.unwrap()).unwrap(),
        RenderOutcome::Show { .. }
    ));
    let ios_state = receiver(Platform::Ios, None);
    let again = arrives(sent(
        deliver_to_receiver(&ios_state, &message, PushVendor::ApnsVoip, &config()).unwrap(),
    ));
    assert_eq!(
        bob.receive(again.message.unwrap()).unwrap(),
        RenderOutcome::Suppress {
            reason: SuppressReason::Duplicate
        }
    );
}

#[test]
fn w3_bad_values_the_backend_holds_count_as_unset_as_on_the_device() {
    let mut state = receiver(Platform::Android, None);
    state.settings.global_settings.c2c_sound = Some("file:///sdcard/ding.mp3".into());
    state.settings.do_not_disturb = Some(DoNotDisturbWindow {
        start_seconds: 100_000,
        duration_seconds: 3_600,
        utc_offset_seconds: 0,
    });
    let RenderOutcome::Show { notification } = render_for_receiver(&state, &message("m1", None)) else {
        panic!("a window out of range is no window")
    };
    assert_eq!(
        notification.sound,
        PushSound::Default,
        "V2: not an app sound, so unset"
    );
}

#[test]
fn w2_a_receiver_who_is_not_signed_in_gets_nothing_shown() {
    for session in [SessionState::LoggedOut, SessionState::KickedOffline] {
        let mut state = receiver(Platform::Android, None);
        state.session = session.clone();
        let delivery =
            deliver_to_receiver(&state, &message("m1", None), PushVendor::Huawei, &config()).unwrap();
        let expected = if session == SessionState::LoggedOut {
            SuppressReason::LoggedOut
        } else {
            SuppressReason::KickedOffline
        };
        assert_eq!(delivery, Delivery::Withheld(expected));
    }
}
