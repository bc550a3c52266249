//! The Rust side of the binding path (the Kotlin and Swift twins are
//! BindingPathTest.kt and BindingPathTests.swift): records through the core and
//! back unchanged, the async upload on tokio, a backend implemented here,
//! including one that fails; and the 16 KB page alignment of the built library.

use offline_push::*;

mod support;

fn rich_message() -> IncomingMessage {
    IncomingMessage {
        message_id: None,
        conversation_type: ConversationType::Group,
        sender: MessageSender {
            user_id: "alice".into(),
            nickname: Some("Alice 🐱".into()),
            name_card: None,
        },
        group: Some(GroupInfo {
            group_id: "g7".into(),
            name: Some("团队".into()),
        }),
        elements: vec![
            MessageElement::Text {
                text: "hello ".into(),
            },
            MessageElement::Sound { duration_seconds: 3 },
            MessageElement::File { file_name: None },
            MessageElement::Image,
            MessageElement::Location {
                description: Some("家".into()),
            },
            MessageElement::Custom {
                desc: Some("红包".into()),
                data: Some(vec![0, 1, 255]),
            },
        ],
        push_settings: Some(MessagePushSettings {
            enabled: true,
            description: None,
            ext: Some(b"{\"k\":1}".to_vec()),
            android: Some(AndroidPushSettings {
                title: Some("Team".into()),
                sound: Some("android.resource://com.example.chat/raw/ding".into()),
                notify_mode: Some(NotifyMode::Custom),
            }),
            ios: Some(IosPushSettings {
                sound: Some(PushSound::Custom {
                    path: "sounds/ding.caf".into(),
                }),
                badge_enabled: false,
            }),
        }),
        timestamp: -1_700_000_000,
        mentioned_user_ids: Vec::new(),
        mentions_all: false,
    }
}

#[test]
fn a_message_with_every_field_type_round_trips() {
    let message = rich_message();
    assert_eq!(
        message_from_json(&message_to_json(message.clone())).unwrap(),
        message
    );
}

#[test]
fn bad_json_is_a_typed_error_not_a_panic() {
    let err = message_from_json("{\"conversation_type\": \"c2c\"").unwrap_err();
    assert!(matches!(err, OfflinePushError::InvalidArgument(_)), "{err:?}");
    assert!(notification_from_json("[]").is_err());
}

#[test]
fn v2_the_sender_side_validator_refuses_a_file_sound_and_normalises_empty_strings() {
    let mut settings = rich_message().push_settings.unwrap();
    let checked = validate_message_push_settings(settings.clone()).unwrap();
    assert_eq!(checked, settings);

    settings.description = Some(String::new());
    settings.android.as_mut().unwrap().title = Some(String::new());
    let checked = validate_message_push_settings(settings.clone()).unwrap();
    assert_eq!(checked.description, None);
    assert_eq!(checked.android.unwrap().title, None);

    settings.android.as_mut().unwrap().sound = Some("file:///sdcard/ding.mp3".into());
    let err = validate_message_push_settings(settings).unwrap_err();
    assert!(matches!(err, OfflinePushError::InvalidSound(_)), "{err:?}");
}

#[test]
fn the_token_never_shows_in_debug_output() {
    let manager = support::signed_in(Platform::Android, "bob");
    manager
        .set_token(support::token(PushVendor::Huawei, "hw-token", 1234))
        .unwrap();
    manager.set_backend(support::backend::ScriptedBackend::new([]));
    let token = manager.token().unwrap();
    for text in [
        format!("{token:?}"),
        format!("{manager:?}"),
        format!("{manager:#?}"),
    ] {
        assert!(!text.contains("hw-token"), "{text}");
    }
    assert!(
        format!("{manager:?}").contains("Huawei"),
        "the rest stays visible"
    );
}

/// Android 15+ devices with 16 KB pages refuse libraries aligned for 4 KB: every
/// LOAD segment of the built library must be aligned to at least 16 KB
/// (`.cargo/config.toml`). Checks the library `./dev build` made; an ELF check,
/// so Linux only (a Mac builds a Mach-O `.dylib`).
#[cfg(target_os = "linux")]
#[test]
fn the_shared_library_is_linked_for_16_kb_pages() {
    let profile_dir = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent()?.parent().map(|p| p.to_path_buf()))
        .expect("the test binary lives in target/<profile>/deps");
    let lib = profile_dir.join("liboffline_push.so");
    assert!(
        lib.exists(),
        "{} is missing: run ./dev build first",
        lib.display()
    );
    let out = std::process::Command::new("readelf")
        .args(["-lW"])
        .arg(&lib)
        .output()
        .expect("readelf (binutils) runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let aligns: Vec<u64> = text
        .lines()
        .filter(|l| l.trim_start().starts_with("LOAD"))
        .filter_map(|l| l.split_whitespace().last())
        .map(|a| u64::from_str_radix(a.trim_start_matches("0x"), 16).unwrap())
        .collect();
    assert!(!aligns.is_empty(), "no LOAD segments in readelf output:\n{text}");
    assert!(aligns.iter().all(|&a| a >= 16_384), "LOAD alignments {aligns:x?}");
}
