//! The JSON an app's `PushBackend` and its server exchange (K4–K7), and the
//! delivered form a server hands a device (P4): one spelling for both platforms.

use offline_push::*;

#[test]
fn k6_a_settings_change_is_spelled_as_the_server_reads_it() {
    let change = SettingsChange::ConversationOption {
        conversation_type: ConversationType::Group,
        conversation_id: "g-news".into(),
        option: ReceiveOption::ReceiveNotNotify,
    };
    let json: serde_json::Value = serde_json::from_str(&settings_change_to_json(change.clone())).unwrap();
    assert_eq!(json["kind"], "conversation_option");
    assert_eq!(json["conversation_id"], "g-news");
    assert!(
        json.get("format_version").is_none(),
        "a server's spelling has no version"
    );
    let back: SettingsChange = serde_json::from_value(json).unwrap();
    assert_eq!(back, change);
}

#[test]
fn k7_account_settings_read_back_and_bad_json_is_invalid_argument_without_quoting() {
    let settings = AccountPushSettings {
        global_settings: OfflinePushSettings {
            enabled: false,
            ..Default::default()
        },
        do_not_disturb: Some(DoNotDisturbWindow {
            start_seconds: 79_200,
            duration_seconds: 32_400,
            utc_offset_seconds: 28_800,
        }),
        receive_options: vec![],
    };
    let json = serde_json::to_string(&settings).unwrap();
    assert_eq!(account_settings_from_json(&json).unwrap(), settings);
    let error = account_settings_from_json(r#"{"global_settings": "secret-ish"}"#).unwrap_err();
    assert!(
        matches!(error, OfflinePushError::InvalidArgument { .. }),
        "{error:?}"
    );
    assert!(!error.to_string().contains("secret-ish"), "{error}");
}

#[test]
fn k4_the_token_json_carries_vendor_token_and_business_id() {
    let token = OfflinePushToken {
        vendor: PushVendor::Fcm,
        token: "fcm-token-0123456789".into(),
        business_id: 7,
    };
    let json: serde_json::Value = serde_json::from_str(&token_to_json(token)).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"vendor": "fcm", "token": "fcm-token-0123456789", "business_id": 7})
    );
}

#[test]
fn p4_a_delivered_form_reads_from_its_json_and_nothing_else_does() {
    let extras = delivered_push_from_json(r#"{"extras": {"a": "1"}}"#).unwrap();
    assert_eq!(
        extras,
        DeliveredPush::Extras {
            extras: [("a".to_string(), "1".to_string())].into()
        }
    );
    assert!(matches!(
        delivered_push_from_json(r#"{"json": "{}"}"#).unwrap(),
        DeliveredPush::Json { .. }
    ));
    for bad in ["", "[]", r#"{"other": 1}"#, r#"{"extras": {"a": 1}}"#] {
        assert!(
            matches!(
                delivered_push_from_json(bad),
                Err(OfflinePushError::InvalidArgument { .. })
            ),
            "{bad}"
        );
    }
}

#[test]
fn k4_p3_a_token_and_a_vendor_config_read_from_json_and_an_unknown_key_is_refused() {
    let token = OfflinePushToken {
        vendor: PushVendor::Xiaomi,
        token: "regid-of-xiaomi".into(),
        business_id: 8,
    };
    assert_eq!(token_from_json(&token_to_json(token.clone())).unwrap(), token);
    let error = token_from_json(r#"{"vendor": "xiaomi", "token": "regid-of-xiaomi", "business_id": -1}"#)
        .unwrap_err();
    assert!(!error.to_string().contains("regid-of-xiaomi"), "{error}");
    let config =
        vendor_config_from_json(r#"{"oppo_channel_id": "im", "fcm_delivery": "notification"}"#).unwrap();
    assert_eq!(config.oppo_channel_id.as_deref(), Some("im"));
    assert_eq!(config.fcm_delivery, Some(FcmDelivery::Notification));
    assert!(matches!(
        vendor_config_from_json(r#"{"oppo_channel": "im"}"#),
        Err(OfflinePushError::InvalidArgument { .. })
    ));
}

/// M6, K6, K7: the options that mute except for mentions go to the server and
/// come back from it in the same spelling as the others.
#[test]
fn m6_k6_k7_the_options_that_mute_except_for_mentions_are_spelled_as_the_server_reads_them() {
    for (option, spelled) in [
        (
            ReceiveOption::ReceiveNotNotifyExceptMentions,
            "receive_not_notify_except_mentions",
        ),
        (
            ReceiveOption::NotReceiveExceptMentions,
            "not_receive_except_mentions",
        ),
    ] {
        let change = SettingsChange::ConversationOption {
            conversation_type: ConversationType::Group,
            conversation_id: "g7".into(),
            option,
        };
        let json: serde_json::Value = serde_json::from_str(&settings_change_to_json(change)).unwrap();
        assert_eq!(json["option"], spelled);
        let fetched = account_settings_from_json(&format!(
            r#"{{"global_settings": {{}}, "receive_options": [{{"conversation_type": "group", "conversation_id": "g7", "option": "{spelled}"}}]}}"#
        ))
        .unwrap();
        assert_eq!(fetched.receive_options[0].option, option);
    }
}
