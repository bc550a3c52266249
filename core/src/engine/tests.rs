//! The engine against a store whose test probe counts what it is asked or makes
//! it fail: caching, one conversation's option per message, two engines on one
//! store, and a broken disk.

use super::*;
use crate::clock::SystemClock;
use crate::store::MemoryStore;
use std::sync::atomic::Ordering;

fn engine(store: &Arc<MemoryStore>) -> Engine {
    Engine::new(Platform::Ios, store.clone(), Arc::new(SystemClock))
}

/// A one-to-one "hi" from `from`, written as the vectors write a message.
fn c2c(from: &str) -> IncomingMessage {
    serde_json::from_value(serde_json::json!({
        "conversation_type": "c2c",
        "sender": {"user_id": from},
        "timestamp": 0,
        "elements": [{"type": "text", "text": "hi"}],
    }))
    .expect("the vectors' spelling of a message")
}

fn shown(outcome: &RenderOutcome) -> bool {
    matches!(outcome, RenderOutcome::Show { .. })
}

#[test]
fn a_render_with_an_unchanged_store_reads_nothing_again() {
    let store = Arc::new(MemoryStore::default());
    let engine = engine(&store);
    engine.login("bob".into()).unwrap();
    assert!(shown(&engine.render(&c2c("alice")).unwrap()));
    let after_first = store.probe.reads.load(Ordering::SeqCst);
    for _ in 0..10 {
        assert!(shown(&engine.render(&c2c("alice")).unwrap()));
    }
    assert_eq!(store.probe.reads.load(Ordering::SeqCst), after_first);
}

#[test]
fn d5_a_render_reads_the_option_of_its_own_conversation_only() {
    let store = Arc::new(MemoryStore::default());
    for i in 0..50 {
        store
            .save_receive_option(
                "bob",
                (ConversationType::C2c, &format!("peer{i}")),
                ReceiveOption::NotReceive,
            )
            .unwrap();
    }
    let engine = engine(&store);
    engine.login("bob".into()).unwrap();
    assert!(!shown(&engine.render(&c2c("peer7")).unwrap()));
    assert!(shown(&engine.render(&c2c("carol")).unwrap()));
    assert_eq!(store.probe.option_reads.load(Ordering::SeqCst), 2);
}

#[test]
fn k2_a_second_engine_on_the_same_store_sees_a_change_at_its_next_call() {
    let store = Arc::new(MemoryStore::default());
    let app = engine(&store);
    let extension = engine(&store);
    app.login("bob".into()).unwrap();
    assert!(shown(&extension.render(&c2c("alice")).unwrap()));
    app.set_receive_option(
        ConversationType::C2c,
        "alice".into(),
        ReceiveOption::ReceiveNotNotify,
    )
    .unwrap();
    assert_eq!(
        extension.render(&c2c("alice")).unwrap(),
        RenderOutcome::Suppress {
            reason: crate::model::SuppressReason::Muted
        }
    );
    app.logout().unwrap();
    assert!(!extension.is_logged_in().unwrap());
}

#[test]
fn v1_is_checked_before_v2_and_v3() {
    let store = Arc::new(MemoryStore::default());
    let engine = engine(&store);
    let bad_sound = OfflinePushSettings {
        c2c_sound: Some("file:///x.mp3".into()),
        ..Default::default()
    };
    assert!(matches!(
        engine.set_global_settings(bad_sound.clone()),
        Err(Error::NotLoggedIn(_))
    ));
    engine.login("bob".into()).unwrap();
    assert!(matches!(
        engine.set_global_settings(bad_sound),
        Err(Error::InvalidSound { .. })
    ));
    assert_eq!(engine.global_settings().unwrap(), OfflinePushSettings::DEFAULT);
}

#[test]
fn a_failing_store_is_a_storage_error_from_every_call() {
    let store = Arc::new(MemoryStore::default());
    store.probe.broken.store(true, Ordering::SeqCst);
    let engine = engine(&store);
    let storage = |e: Error| {
        matches!(
            crate::OfflinePushError::from(e),
            crate::OfflinePushError::Storage(_)
        )
    };
    assert!(storage(engine.login("bob".into()).unwrap_err()));
    assert!(storage(engine.logout().unwrap_err()));
    assert!(storage(engine.render(&c2c("alice")).unwrap_err()));
    assert!(storage(engine.locale().unwrap_err()));
    assert!(storage(engine.receive_options().unwrap_err()));
    assert!(storage(engine.receive(&c2c("alice")).unwrap_err()));
    assert!(storage(engine.badge_total().unwrap_err()));
    assert!(storage(engine.set_locale(PushLocale::En).unwrap_err()));
}
