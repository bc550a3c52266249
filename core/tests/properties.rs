//! Property tests (proptest) over arbitrary messages, settings and state:
//! render never panics, its output is valid, a suppression carries the one
//! reason an independent reading of D1–D7 gives, and the same input always
//! gives the same output. Plus many threads at once on one manager.

use offline_push::*;

mod support;
use proptest::prelude::*;
use std::sync::Arc;

fn opt_text() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        Just(Some(String::new())),
        "[a-z0-9 ]{0,6}".prop_map(Some),
        "\\PC{0,4}".prop_map(Some)
    ]
}

fn sound_uri() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        Just(Some(String::new())),
        Just(Some("android.resource://com.example/raw/ding".to_owned())),
        Just(Some("android.resource://com.example/".to_owned())),
        Just(Some("file:///sdcard/x.mp3".to_owned())),
        "\\PC{0,12}".prop_map(Some),
    ]
}

fn push_sound() -> impl Strategy<Value = PushSound> {
    prop_oneof![
        Just(PushSound::Default),
        Just(PushSound::Silent),
        "\\PC{0,8}".prop_map(|path| PushSound::Custom { path }),
    ]
}

fn bytes() -> impl Strategy<Value = Option<Vec<u8>>> {
    proptest::option::of(proptest::collection::vec(any::<u8>(), 0..4))
}

fn element() -> impl Strategy<Value = MessageElement> {
    prop_oneof![
        "\\PC{0,8}".prop_map(|text| MessageElement::Text { text }),
        any::<u32>().prop_map(|duration_seconds| MessageElement::Sound { duration_seconds }),
        opt_text().prop_map(|file_name| MessageElement::File { file_name }),
        Just(MessageElement::Image),
        Just(MessageElement::Video),
        Just(MessageElement::Face),
        opt_text().prop_map(|description| MessageElement::Location { description }),
        (opt_text(), bytes()).prop_map(|(desc, data)| MessageElement::Custom { desc, data }),
    ]
}

fn conversation_type() -> impl Strategy<Value = ConversationType> {
    prop_oneof![
        Just(ConversationType::C2c),
        Just(ConversationType::Group),
        Just(ConversationType::System)
    ]
}

fn push_settings() -> impl Strategy<Value = MessagePushSettings> {
    let mode = proptest::option::of(prop_oneof![Just(NotifyMode::Normal), Just(NotifyMode::Custom)]);
    let android = proptest::option::of((opt_text(), sound_uri(), mode).prop_map(
        |(title, sound, notify_mode)| AndroidPushSettings {
            title,
            sound,
            notify_mode,
        },
    ));
    let ios = proptest::option::of(
        (proptest::option::of(push_sound()), any::<bool>())
            .prop_map(|(sound, badge_enabled)| IosPushSettings { sound, badge_enabled }),
    );
    (any::<bool>(), opt_text(), bytes(), android, ios).prop_map(
        |(enabled, description, ext, android, ios)| MessagePushSettings {
            enabled,
            description,
            ext,
            android,
            ios,
        },
    )
}

fn message() -> impl Strategy<Value = IncomingMessage> {
    let sender =
        ("[a-c]{0,2}", opt_text(), opt_text()).prop_map(|(user_id, nickname, name_card)| MessageSender {
            user_id,
            nickname,
            name_card,
        });
    let group = proptest::option::of(
        ("g?[0-2]", opt_text()).prop_map(|(group_id, name)| GroupInfo { group_id, name }),
    );
    (
        conversation_type(),
        sender,
        group,
        proptest::collection::vec(element(), 0..4),
        proptest::option::of(push_settings()),
        any::<i64>(),
    )
        .prop_map(
            |(conversation_type, sender, group, elements, push_settings, timestamp)| IncomingMessage {
                message_id: None,
                conversation_type,
                sender,
                group,
                elements,
                push_settings,
                timestamp,
                mentioned_user_ids: Vec::new(),
                mentions_all: false,
            },
        )
}

/// The state of one manager, applied through the public API.
#[derive(Debug, Clone)]
struct Setup {
    platform: Platform,
    session: u8,
    settings: OfflinePushSettings,
    receive_options: Vec<(ConversationType, String, ReceiveOption)>,
    dnd: Option<DoNotDisturbWindow>,
    locale: PushLocale,
}

fn setup() -> impl Strategy<Value = Setup> {
    let settings = (any::<bool>(), sound_uri(), sound_uri()).prop_map(|(enabled, c2c_sound, group_sound)| {
        OfflinePushSettings {
            enabled,
            c2c_sound,
            group_sound,
        }
    });
    let option = prop_oneof![
        Just(ReceiveOption::Receive),
        Just(ReceiveOption::ReceiveNotNotify),
        Just(ReceiveOption::NotReceive)
    ];
    let receive_options =
        proptest::collection::vec((conversation_type(), "[a-c]{1,2}|g?[0-2]", option), 0..3);
    let dnd = proptest::option::of((0..86_400i32, 0..=86_400i32, -64_800..=64_800i32).prop_map(
        |(start_seconds, duration_seconds, utc_offset_seconds)| DoNotDisturbWindow {
            start_seconds,
            duration_seconds,
            utc_offset_seconds,
        },
    ));
    (
        prop_oneof![Just(Platform::Android), Just(Platform::Ios)],
        0u8..4,
        settings,
        receive_options,
        dnd,
        prop_oneof![Just(PushLocale::ZhHans), Just(PushLocale::En)],
    )
        .prop_map(
            |(platform, session, settings, receive_options, dnd, locale)| Setup {
                platform,
                session,
                settings,
                receive_options,
                dnd,
                locale,
            },
        )
}

/// Builds the manager; settings the rules refuse (V2) stay at their default.
/// Returns it with the global settings in effect.
fn manager(setup: &Setup) -> (Arc<OfflinePushManager>, OfflinePushSettings) {
    let m = support::signed_in(setup.platform, "me");
    let _ = m.set_global_settings(setup.settings.clone());
    let effective = m.global_settings().unwrap();
    for (kind, id, option) in &setup.receive_options {
        m.set_receive_option(*kind, id.clone(), *option).unwrap();
    }
    m.set_do_not_disturb(setup.dnd).unwrap();
    m.set_locale(setup.locale).unwrap();
    match setup.session {
        0 => m.logout().unwrap(),
        1 => m.kicked_offline().unwrap(),
        _ => {}
    }
    (m, effective)
}

fn nonempty(s: &Option<String>) -> bool {
    s.as_deref().is_some_and(|s| !s.is_empty())
}

/// D6 read independently: a window that fits in the day, or one split in two.
fn in_window(w: &DoNotDisturbWindow, timestamp: i64) -> bool {
    let local = (i128::from(timestamp) + i128::from(w.utc_offset_seconds)).rem_euclid(86_400) as i64;
    let start = i64::from(w.start_seconds);
    let end = start + i64::from(w.duration_seconds);
    if end <= 86_400 {
        start <= local && local < end
    } else {
        local >= start || local < end - 86_400
    }
}

/// D1–D7 as a plain reading of the table: the first that applies.
fn expected_reason(
    setup: &Setup,
    settings: &OfflinePushSettings,
    m: &IncomingMessage,
) -> Option<SuppressReason> {
    if setup.session == 0 {
        return Some(SuppressReason::LoggedOut);
    }
    if setup.session == 1 {
        return Some(SuppressReason::KickedOffline);
    }
    if m.conversation_type == ConversationType::System {
        return Some(SuppressReason::SystemMessage);
    }
    if !settings.enabled {
        return Some(SuppressReason::DisabledByReceiver);
    }
    if m.push_settings.as_ref().is_some_and(|p| !p.enabled) {
        return Some(SuppressReason::DisabledBySender);
    }
    let id = match m.conversation_type {
        ConversationType::C2c => m.sender.user_id.clone(),
        _ => m.group.as_ref().map(|g| g.group_id.clone()).unwrap_or_default(),
    };
    let muted = setup
        .receive_options
        .iter()
        .rev()
        .find(|(kind, cid, _)| *kind == m.conversation_type && *cid == id)
        .is_some_and(|(_, _, option)| *option != ReceiveOption::Receive);
    if muted {
        return Some(SuppressReason::Muted);
    }
    if setup.dnd.as_ref().is_some_and(|w| in_window(w, m.timestamp)) {
        return Some(SuppressReason::DoNotDisturb);
    }
    let has_text = m.elements.iter().any(|e| match e {
        MessageElement::Text { text } => !text.is_empty(),
        MessageElement::Custom { desc, .. } => nonempty(desc),
        _ => true,
    });
    let described = m.push_settings.as_ref().is_some_and(|p| nonempty(&p.description));
    if !has_text && !described {
        return Some(SuppressReason::NothingToShow);
    }
    None
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    /// D1–D7: a suppression carries exactly the first rule that applies.
    #[test]
    fn d1_d7_the_reason_is_the_first_rule_that_applies(setup in setup(), m in message()) {
        let (manager, settings) = manager(&setup);
        let expected = expected_reason(&setup, &settings, &m);
        match manager.render(m).unwrap() {
            RenderOutcome::Suppress { reason } => prop_assert_eq!(Some(reason), expected),
            RenderOutcome::Show { .. } => prop_assert_eq!(None, expected),
        }
    }

    /// T, C, F, S: a shown notification is well formed.
    #[test]
    fn c5_f1_f3_f4_f5_s1_a_shown_notification_is_valid(setup in setup(), m in message()) {
        let (manager, _) = manager(&setup);
        if let RenderOutcome::Show { notification: n } = manager.render(m.clone()).unwrap() {
            prop_assert!(!n.content.is_empty(), "D7: the content is never empty");
            prop_assert_ne!(n.conversation_type, ConversationType::System);
            prop_assert_eq!(n.conversation_type, m.conversation_type);
            prop_assert_eq!(&n.sender_id, &m.sender.user_id);
            prop_assert!(n.sender_nickname.as_deref() != Some(""), "F3: empty counts as unset");
            prop_assert!(n.group_name.as_deref() != Some(""), "F4: empty counts as unset");
            if m.conversation_type == ConversationType::C2c {
                prop_assert_eq!(&n.conversation_id, &m.sender.user_id);
                prop_assert_eq!(&n.sender_nickname, &None);
                prop_assert_eq!(&n.group_name, &None);
            }
            prop_assert_eq!(&n.ext, &m.push_settings.as_ref().and_then(|p| p.ext.clone()));
            if setup.platform == Platform::Android {
                match &n.sound {
                    PushSound::Default => {}
                    PushSound::Silent => prop_assert!(false, "S1: Android is never silent"),
                    PushSound::Custom { path } => prop_assert!(path.starts_with("android.resource://")),
                }
            }
        }
    }

    /// The same input always gives the same output, and the batch forms agree.
    #[test]
    fn render_is_deterministic_and_the_batch_forms_agree(
        setup in setup(),
        ms in proptest::collection::vec(message(), 0..5),
    ) {
        let (manager, _) = manager(&setup);
        let one_by_one: Vec<_> = ms.iter().map(|m| manager.render(m.clone()).unwrap()).collect();
        let again: Vec<_> = ms.iter().map(|m| manager.render(m.clone()).unwrap()).collect();
        prop_assert_eq!(&one_by_one, &again);
        prop_assert_eq!(&one_by_one, &manager.render_batch(ms.clone()).unwrap());
        let previews: Vec<_> = ms.iter().map(|m| manager.preview(m.clone()).unwrap()).collect();
        prop_assert_eq!(previews, manager.preview_batch(ms).unwrap());
    }

    /// The JSON handed to other processes round-trips every message.
    #[test]
    fn message_json_round_trips(m in message()) {
        prop_assert_eq!(message_from_json(&message_to_json(m.clone())).unwrap(), m);
    }
}

#[test]
fn the_manager_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<OfflinePushManager>();
}

/// Many threads at once on one manager: renders race with setting changes and
/// token updates; nothing panics or deadlocks, and every outcome is one the
/// states written could give.
#[test]
fn many_threads_at_once_are_safe() {
    let manager = support::signed_in(Platform::Android, "me");
    let message = IncomingMessage {
        message_id: None,
        conversation_type: ConversationType::Group,
        sender: MessageSender {
            user_id: "alice".into(),
            nickname: None,
            name_card: None,
        },
        group: Some(GroupInfo {
            group_id: "g1".into(),
            name: Some("G".into()),
        }),
        elements: vec![MessageElement::Text { text: "hi".into() }],
        push_settings: None,
        timestamp: 0,
        mentioned_user_ids: Vec::new(),
        mentions_all: false,
    };
    let ding = "android.resource://com.example/raw/ding";
    std::thread::scope(|scope| {
        for thread in 0..4 {
            let manager = &manager;
            let message = message.clone();
            scope.spawn(move || {
                for i in 0..2_000 {
                    match manager.render(message.clone()).unwrap() {
                        RenderOutcome::Show { notification } => {
                            assert_eq!(notification.content, "alice: hi");
                            let sound_ok = match &notification.sound {
                                PushSound::Default => true,
                                PushSound::Custom { path } => path == ding,
                                PushSound::Silent => false,
                            };
                            assert!(sound_ok, "S1: {:?}", notification.sound);
                        }
                        RenderOutcome::Suppress { reason } => assert!(matches!(
                            reason,
                            SuppressReason::Muted | SuppressReason::DisabledByReceiver
                        )),
                    }
                    if thread == 0 && i % 10 == 0 {
                        let option = if i % 20 == 0 {
                            ReceiveOption::NotReceive
                        } else {
                            ReceiveOption::Receive
                        };
                        manager
                            .set_receive_option(ConversationType::Group, "g1".into(), option)
                            .unwrap();
                    }
                    if thread == 1 && i % 10 == 0 {
                        let settings = OfflinePushSettings {
                            enabled: i % 20 != 0,
                            c2c_sound: None,
                            group_sound: Some(ding.to_owned()),
                        };
                        manager.set_global_settings(settings).unwrap();
                    }
                    if thread == 2 && i % 50 == 0 {
                        let token = OfflinePushToken {
                            vendor: PushVendor::Fcm,
                            token: PushTokenValue(format!("t{i}")),
                            business_id: 1,
                        };
                        manager.set_token(token).unwrap();
                    }
                }
            });
        }
    });
    assert!(manager.token().unwrap().is_some());
}
