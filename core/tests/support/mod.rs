//! Fixtures the Rust test files and the benchmark share (`mod support;`, or
//! `#[path]` from `benches/`): managers and messages.
#![allow(dead_code)] // each test file uses some of them

use offline_push::*;
use std::sync::Arc;

/// A manager on an in-memory store.
pub fn manager(platform: Platform) -> Arc<OfflinePushManager> {
    OfflinePushManager::new(OfflinePushConfig {
        platform,
        store_directory: None,
    })
    .expect("an in-memory manager opens")
}

/// A manager on an in-memory store with `user_id` signed in.
pub fn signed_in(platform: Platform, user_id: &str) -> Arc<OfflinePushManager> {
    let manager = manager(platform);
    manager
        .login(user_id.into())
        .expect("a non-empty user id signs in");
    manager
}

/// A group message from alice (nickname Alice, name card Ally) in g7 "Weekend
/// hike": a text and an image.
pub fn group_message() -> IncomingMessage {
    IncomingMessage {
        message_id: None,
        conversation_type: ConversationType::Group,
        sender: MessageSender {
            user_id: "alice".into(),
            nickname: Some("Alice".into()),
            name_card: Some("Ally".into()),
        },
        group: Some(GroupInfo {
            group_id: "g7".into(),
            name: Some("Weekend hike".into()),
        }),
        elements: vec![
            MessageElement::Text {
                text: "look at this ".into(),
            },
            MessageElement::Image,
        ],
        push_settings: None,
        timestamp: 1_700_000_000,
        mentioned_user_ids: Vec::new(),
        mentions_all: false,
    }
}

/// A one-to-one text message from `from`.
pub fn c2c_message(from: &str, text: &str) -> IncomingMessage {
    IncomingMessage {
        message_id: None,
        conversation_type: ConversationType::C2c,
        sender: MessageSender {
            user_id: from.into(),
            ..Default::default()
        },
        group: None,
        elements: vec![MessageElement::Text { text: text.into() }],
        push_settings: None,
        timestamp: 1_700_000_000,
        mentioned_user_ids: Vec::new(),
        mentions_all: false,
    }
}

/// A token of `vendor` with the value `value`.
pub fn token(vendor: PushVendor, value: &str, business_id: u64) -> OfflinePushToken {
    OfflinePushToken {
        vendor,
        token: PushTokenValue(value.into()),
        business_id,
    }
}

pub mod backend;
pub mod store;
