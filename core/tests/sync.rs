//! The sync with the app's backend (docs/RULES.md K4–K7) against a scripted
//! backend: errors that pass, refusals, timeouts, a backend that hangs, a
//! failure in the middle of a queue, restarts with work pending, a logout whose
//! unbind keeps failing, two managers on one store syncing at once, a sync
//! cut off mid-call. Nothing set is lost, nothing accepted is sent again, nothing
//! hangs. Tokio's paused clock drives the waits: the tests take no real time.

mod support;

use offline_push::*;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use support::backend::{manual_policy, Answer, Call, ScriptedBackend};

fn open(dir: &Path) -> Arc<OfflinePushManager> {
    let manager = OfflinePushManager::new(OfflinePushConfig {
        platform: Platform::Android,
        store_directory: Some(dir.display().to_string()),
    })
    .unwrap();
    manager.set_sync_policy(manual_policy(3)).unwrap();
    manager
}

fn in_memory(user: &str) -> Arc<OfflinePushManager> {
    let manager = support::signed_in(Platform::Android, user);
    manager.set_sync_policy(manual_policy(3)).unwrap();
    manager
}

fn quiet() -> OfflinePushSettings {
    OfflinePushSettings {
        enabled: false,
        ..OfflinePushSettings::DEFAULT
    }
}

fn dnd(start_seconds: i32) -> DoNotDisturbWindow {
    DoNotDisturbWindow {
        start_seconds,
        duration_seconds: 3_600,
        utc_offset_seconds: 0,
    }
}

fn global(settings: OfflinePushSettings) -> SettingsChange {
    SettingsChange::GlobalSettings { settings }
}

fn option(id: &str, option: ReceiveOption) -> SettingsChange {
    SettingsChange::ConversationOption {
        conversation_type: ConversationType::C2c,
        conversation_id: id.into(),
        option,
    }
}

fn settings_call(user: &str, change: SettingsChange) -> Call {
    Call::Settings(user.into(), change)
}

fn t(value: &str) -> OfflinePushToken {
    support::token(PushVendor::Xiaomi, value, 2_882_303_761)
}

fn pending_kinds(manager: &OfflinePushManager) -> Vec<PendingKind> {
    manager
        .sync_status()
        .unwrap()
        .pending
        .iter()
        .map(|p| p.kind)
        .collect()
}

#[tokio::test(start_paused = true)]
async fn k6_without_a_backend_sync_is_not_configured_and_everything_works_locally() {
    let m = in_memory("bob");
    m.set_global_settings(quiet()).unwrap();
    let err = m.sync().await.unwrap_err();
    assert!(matches!(err, OfflinePushError::NotConfigured(_)), "{err:?}");
    assert!(err.to_string().contains("set_backend"), "{err}");
    let err = m.fetch_settings().await.unwrap_err();
    assert!(matches!(err, OfflinePushError::NotConfigured(_)), "{err:?}");
    assert_eq!(m.global_settings().unwrap(), quiet());
    assert_eq!(pending_kinds(&m), [PendingKind::GlobalSettings]);
}

#[tokio::test(start_paused = true)]
async fn k6_a_change_is_saved_first_then_sent_once() {
    let m = in_memory("bob");
    m.set_global_settings(quiet()).unwrap();
    m.set_do_not_disturb(Some(dnd(0))).unwrap();
    m.set_receive_option(ConversationType::C2c, "alice".into(), ReceiveOption::NotReceive)
        .unwrap();
    let status = m.sync_status().unwrap();
    assert_eq!(status.pending.len(), 3);
    assert!(status.oldest_pending_ms.is_some());
    let backend = ScriptedBackend::new([]);
    m.set_backend(backend.clone());
    let report = m.sync().await.unwrap();
    assert_eq!(
        report,
        SyncReport {
            sent: 3,
            ..SyncReport::default()
        }
    );
    assert_eq!(
        backend.accepted(),
        [
            settings_call("bob", global(quiet())),
            settings_call("bob", SettingsChange::DoNotDisturb { window: Some(dnd(0)) }),
            settings_call("bob", option("alice", ReceiveOption::NotReceive)),
        ]
    );
    assert_eq!(m.sync().await.unwrap(), SyncReport::default());
    assert_eq!(backend.calls().len(), 3, "nothing is sent twice");
    let status = m.sync_status().unwrap();
    assert!(status.pending.is_empty() && status.oldest_pending_ms.is_none());
    assert!(status.last_success_ms.is_some());
    // Resetting to the default is a change too, sent as such.
    m.set_do_not_disturb(None).unwrap();
    m.set_receive_option(ConversationType::C2c, "alice".into(), ReceiveOption::Receive)
        .unwrap();
    m.sync().await.unwrap();
    assert_eq!(
        backend.accepted()[3..],
        [
            settings_call("bob", SettingsChange::DoNotDisturb { window: None }),
            settings_call("bob", option("alice", ReceiveOption::Receive)),
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn k6_transient_failures_are_retried_with_jittered_backoff_and_pass() {
    let m = in_memory("bob");
    let backend = ScriptedBackend::new([Answer::Transient, Answer::Transient]);
    m.set_backend(backend.clone());
    m.set_global_settings(quiet()).unwrap();
    let started = tokio::time::Instant::now();
    assert_eq!(m.sync().await.unwrap().sent, 1);
    let waited = started.elapsed();
    // Waits of 100 ms and 200 ms, each less up to half (jitter).
    assert!(
        waited >= Duration::from_millis(150) && waited <= Duration::from_millis(300),
        "{waited:?}"
    );
    assert_eq!(backend.calls().len(), 3);
    assert_eq!(backend.accepted(), [settings_call("bob", global(quiet()))]);
}

#[tokio::test(start_paused = true)]
async fn k6_a_backend_that_hangs_is_cancelled_after_the_timeout_and_the_change_stays_queued() {
    let m = in_memory("bob");
    let backend = ScriptedBackend::new([Answer::Hang, Answer::Hang, Answer::Hang]);
    m.set_backend(backend.clone());
    m.set_global_settings(quiet()).unwrap();
    let started = tokio::time::Instant::now();
    let err = m.sync().await.unwrap_err();
    assert!(matches!(err, OfflinePushError::BackendUnavailable(_)), "{err:?}");
    assert!(err.to_string().contains("no answer within 5000 ms"), "{err}");
    // Three calls of 5 s and two waits of at most 100 and 200 ms.
    assert!(
        started.elapsed() <= Duration::from_millis(15_300),
        "{:?}",
        started.elapsed()
    );
    let status = m.sync_status().unwrap();
    assert_eq!(status.pending.len(), 1);
    assert_eq!(status.pending[0].attempts, 3);
    assert!(!status.pending[0].in_progress);
    assert!(status.pending[0]
        .last_error
        .as_deref()
        .unwrap()
        .contains("no answer"));
    assert!(status.last_error.is_some() && status.last_error_ms.is_some());
    assert_eq!(m.sync().await.unwrap().sent, 1);
    assert_eq!(backend.accepted(), [settings_call("bob", global(quiet()))]);
}

#[tokio::test(start_paused = true)]
async fn k6_a_refused_change_is_dropped_and_reported_and_the_device_keeps_its_value() {
    let m = in_memory("bob");
    let backend = ScriptedBackend::new([Answer::Rejected]);
    m.set_backend(backend.clone());
    m.set_global_settings(quiet()).unwrap();
    m.set_do_not_disturb(Some(dnd(60))).unwrap();
    let report = m.sync().await.unwrap();
    assert_eq!((report.sent, report.rejected), (1, 1));
    assert_eq!(backend.calls().len(), 2, "a refusal is not retried");
    let status = m.sync_status().unwrap();
    assert!(status.pending.is_empty());
    let error = status.last_error.unwrap();
    assert!(error.contains("global settings upload: HTTP 403"), "{error}");
    assert_eq!(m.global_settings().unwrap(), quiet());
}

#[tokio::test(start_paused = true)]
async fn k6_a_failure_in_the_middle_of_the_queue_stops_the_sync_and_keeps_the_rest() {
    let m = in_memory("bob");
    m.set_sync_policy(manual_policy(1)).unwrap();
    let backend = ScriptedBackend::new([Answer::Ok, Answer::Transient]);
    m.set_backend(backend.clone());
    for id in ["a", "b", "c"] {
        m.set_receive_option(ConversationType::C2c, id.into(), ReceiveOption::NotReceive)
            .unwrap();
    }
    assert!(matches!(
        m.sync().await,
        Err(OfflinePushError::BackendUnavailable(_))
    ));
    assert_eq!(
        backend.accepted(),
        [settings_call("bob", option("a", ReceiveOption::NotReceive))]
    );
    assert_eq!(m.sync_status().unwrap().pending.len(), 2);
    assert_eq!(m.sync().await.unwrap().sent, 2);
    assert_eq!(
        backend.accepted(),
        ["a", "b", "c"].map(|id| settings_call("bob", option(id, ReceiveOption::NotReceive)))
    );
}

#[tokio::test(start_paused = true)]
async fn k6_a_newer_change_replaces_a_queued_older_one() {
    let m = in_memory("bob");
    m.set_sync_policy(manual_policy(1)).unwrap();
    let backend = ScriptedBackend::new([Answer::Transient]);
    m.set_backend(backend.clone());
    m.set_do_not_disturb(Some(dnd(0))).unwrap();
    let first_since = m.sync_status().unwrap().pending[0].since_ms;
    m.sync().await.unwrap_err();
    m.set_do_not_disturb(Some(dnd(60))).unwrap();
    m.set_do_not_disturb(Some(dnd(120))).unwrap();
    let status = m.sync_status().unwrap();
    assert_eq!(status.pending.len(), 1);
    assert_eq!(
        status.pending[0].since_ms, first_since,
        "pending since the first change"
    );
    assert_eq!(status.pending[0].attempts, 1, "its failures are kept");
    m.sync().await.unwrap();
    assert_eq!(
        backend.accepted(),
        [settings_call(
            "bob",
            SettingsChange::DoNotDisturb {
                window: Some(dnd(120))
            }
        )]
    );
}

#[tokio::test(start_paused = true)]
async fn k6_a_change_made_while_its_item_is_on_the_way_is_sent_after_it() {
    let m = in_memory("bob");
    let backend = ScriptedBackend::new([Answer::Slow(Duration::from_millis(50))]);
    let device = Arc::downgrade(&m);
    *backend.on_call.lock() = Some(Box::new(move |call| {
        if let (Call::Settings(_, SettingsChange::GlobalSettings { settings }), Some(m)) =
            (call, device.upgrade())
        {
            if !settings.enabled {
                m.set_global_settings(OfflinePushSettings::DEFAULT).unwrap();
            }
        }
    }));
    m.set_backend(backend.clone());
    m.set_global_settings(quiet()).unwrap();
    assert_eq!(m.sync().await.unwrap().sent, 2);
    assert_eq!(
        backend.accepted(),
        [
            settings_call("bob", global(quiet())),
            settings_call("bob", global(OfflinePushSettings::DEFAULT)),
        ]
    );
    assert!(m.sync_status().unwrap().pending.is_empty());
}

#[tokio::test(start_paused = true)]
async fn k6_work_queued_before_a_restart_is_sent_after_it_and_at_the_next_login() {
    let dir = tempfile::tempdir().unwrap();
    {
        let m = open(dir.path());
        m.login("bob".into()).unwrap();
        m.set_global_settings(quiet()).unwrap();
        m.login("carol".into()).unwrap();
        m.set_do_not_disturb(Some(dnd(0))).unwrap();
        m.set_backend(ScriptedBackend::new([Answer::Transient; 3]));
        m.sync().await.unwrap_err();
    }
    let m = open(dir.path());
    let backend = ScriptedBackend::new([]);
    m.set_backend(backend.clone());
    let report = m.sync().await.unwrap();
    // Only the signed-in account's settings go out; bob's wait for his login.
    assert_eq!((report.sent, report.still_pending), (1, 1));
    assert_eq!(
        backend.accepted(),
        [settings_call(
            "carol",
            SettingsChange::DoNotDisturb { window: Some(dnd(0)) }
        )]
    );
    m.login("bob".into()).unwrap();
    assert_eq!(m.sync().await.unwrap().sent, 1);
    assert_eq!(backend.accepted()[1], settings_call("bob", global(quiet())));
}

#[tokio::test(start_paused = true)]
async fn k4_a_token_is_uploaded_once_per_user_and_again_when_rotated() {
    let dir = tempfile::tempdir().unwrap();
    let backend = ScriptedBackend::new([]);
    {
        let m = open(dir.path());
        m.set_backend(backend.clone());
        m.login("bob".into()).unwrap();
        m.set_token(t("one")).unwrap();
        assert_eq!(pending_kinds(&m), [PendingKind::TokenUpload]);
        m.sync().await.unwrap();
        m.set_token(t("one")).unwrap();
        assert_eq!(
            m.sync().await.unwrap().sent,
            0,
            "the same token is not sent again"
        );
        m.set_token(t("two")).unwrap();
        m.sync().await.unwrap();
    }
    let m = open(dir.path());
    m.set_backend(backend.clone());
    m.set_token(t("two")).unwrap();
    m.logout().unwrap();
    m.login("bob".into()).unwrap();
    // Logging out and back in before the unbind went out: the unbind is
    // dropped, and the token goes up again (the logout forgot the backend had it).
    assert_eq!(pending_kinds(&m), [PendingKind::TokenUpload]);
    m.sync().await.unwrap();
    // Another account on the device, without a logout in between.
    m.login("alice".into()).unwrap();
    m.sync().await.unwrap();
    assert_eq!(
        backend.accepted(),
        [
            Call::Upload("bob".into(), t("one")),
            Call::Upload("bob".into(), t("two")),
            Call::Upload("bob".into(), t("two")),
            Call::Unbind("bob".into(), t("two")),
            Call::Upload("alice".into(), t("two")),
        ]
    );
    assert_eq!(m.sync().await.unwrap(), SyncReport::default());
}

#[tokio::test(start_paused = true)]
async fn k5_logout_unbinds_and_the_unbind_stays_queued_across_restarts_until_accepted() {
    let dir = tempfile::tempdir().unwrap();
    {
        let m = open(dir.path());
        m.set_backend(ScriptedBackend::new([]));
        m.login("bob".into()).unwrap();
        m.set_token(t("one")).unwrap();
        m.sync().await.unwrap();
        m.logout().unwrap();
        // D1 stops notifications at once, whatever the backend does.
        assert_eq!(
            m.render(support::c2c_message("alice", "hi")).unwrap(),
            RenderOutcome::Suppress {
                reason: SuppressReason::LoggedOut
            }
        );
        m.set_backend(ScriptedBackend::new([Answer::Transient; 3]));
        m.sync().await.unwrap_err();
    }
    for _ in 0..2 {
        let m = open(dir.path());
        assert_eq!(pending_kinds(&m), [PendingKind::TokenUnbind]);
        m.set_backend(ScriptedBackend::new([Answer::Transient; 3]));
        assert!(matches!(
            m.sync().await,
            Err(OfflinePushError::BackendUnavailable(_))
        ));
    }
    let m = open(dir.path());
    let status = m.sync_status().unwrap();
    assert_eq!(status.pending[0].attempts, 9);
    assert_eq!(status.pending[0].user_id, "bob");
    let backend = ScriptedBackend::new([]);
    m.set_backend(backend.clone());
    assert_eq!(m.sync().await.unwrap().sent, 1, "sent while no one is signed in");
    assert_eq!(m.sync().await.unwrap().sent, 0);
    assert_eq!(backend.accepted(), [Call::Unbind("bob".into(), t("one"))]);
}

#[tokio::test(start_paused = true)]
async fn k5_kicked_offline_does_not_unbind_and_a_token_never_uploaded_is_not_unbound() {
    let m = in_memory("bob");
    let backend = ScriptedBackend::new([]);
    m.set_backend(backend.clone());
    m.set_token(t("one")).unwrap();
    m.sync().await.unwrap();
    m.kicked_offline().unwrap();
    assert_eq!(m.sync().await.unwrap(), SyncReport::default());
    // Back in as bob: the backend still has the token for him.
    m.login("bob".into()).unwrap();
    assert_eq!(m.sync().await.unwrap().sent, 0);
    assert_eq!(backend.accepted(), [Call::Upload("bob".into(), t("one"))]);

    // A refused token is not the backend's: nothing to unbind.
    let m = in_memory("carol");
    let backend = ScriptedBackend::new([Answer::Rejected]);
    m.set_backend(backend.clone());
    m.set_token(t("bad")).unwrap();
    assert_eq!(m.sync().await.unwrap().rejected, 1);
    m.logout().unwrap();
    assert!(pending_kinds(&m).is_empty());
}

#[tokio::test(start_paused = true)]
async fn k5_a_logout_while_the_upload_is_on_the_way_unbinds_it_after() {
    let m = in_memory("bob");
    let backend = ScriptedBackend::new([Answer::Slow(Duration::from_millis(50))]);
    let device = Arc::downgrade(&m);
    *backend.on_call.lock() = Some(Box::new(move |call| {
        if let (Call::Upload(..), Some(m)) = (call, device.upgrade()) {
            m.logout().unwrap();
        }
    }));
    m.set_backend(backend.clone());
    m.set_token(t("one")).unwrap();
    assert_eq!(m.sync().await.unwrap().sent, 2);
    assert_eq!(
        backend.accepted(),
        [
            Call::Upload("bob".into(), t("one")),
            Call::Unbind("bob".into(), t("one"))
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn k7_fetch_takes_the_backend_values_except_a_queued_local_change_which_is_sent() {
    let m = in_memory("bob");
    let backend = ScriptedBackend::new([]);
    m.set_backend(backend.clone());
    m.set_receive_option(ConversationType::Group, "old".into(), ReceiveOption::NotReceive)
        .unwrap();
    m.sync().await.unwrap();
    m.set_do_not_disturb(Some(dnd(600))).unwrap();
    backend.server.lock().insert(
        "bob".into(),
        AccountPushSettings {
            global_settings: quiet(),
            do_not_disturb: Some(dnd(0)),
            receive_options: vec![ConversationReceiveOption {
                conversation_type: ConversationType::C2c,
                conversation_id: "alice".into(),
                option: ReceiveOption::ReceiveNotNotify,
            }],
        },
    );
    let fetched = m.fetch_settings().await.unwrap();
    assert!(!fetched.stale && fetched.stale_reason.is_none());
    assert_eq!(
        fetched.settings,
        AccountPushSettings {
            global_settings: quiet(),
            do_not_disturb: Some(dnd(600)),
            receive_options: vec![ConversationReceiveOption {
                conversation_type: ConversationType::C2c,
                conversation_id: "alice".into(),
                option: ReceiveOption::ReceiveNotNotify,
            }],
        }
    );
    assert_eq!(m.global_settings().unwrap(), quiet());
    assert_eq!(
        m.receive_option(ConversationType::Group, "old".into()).unwrap(),
        ReceiveOption::Receive,
        "an option the backend no longer has is reset"
    );
    // The fetch queued nothing; the local change still goes up.
    assert_eq!(pending_kinds(&m), [PendingKind::DoNotDisturb]);
    m.sync().await.unwrap();
    assert_eq!(
        backend.accepted().last(),
        Some(&settings_call(
            "bob",
            SettingsChange::DoNotDisturb {
                window: Some(dnd(600))
            }
        ))
    );
}

#[tokio::test(start_paused = true)]
async fn k7_a_change_made_while_the_fetch_is_on_the_way_wins() {
    let m = in_memory("bob");
    let backend = ScriptedBackend::new([]);
    backend.server.lock().insert(
        "bob".into(),
        AccountPushSettings {
            global_settings: quiet(),
            ..AccountPushSettings::default()
        },
    );
    let device = Arc::downgrade(&m);
    *backend.on_call.lock() = Some(Box::new(move |call| {
        if let (Call::Fetch(_), Some(m)) = (call, device.upgrade()) {
            m.set_global_settings(OfflinePushSettings {
                c2c_sound: Some("android.resource://com.app/raw/ding".into()),
                ..OfflinePushSettings::DEFAULT
            })
            .unwrap();
        }
    }));
    m.set_backend(backend.clone());
    let fetched = m.fetch_settings().await.unwrap();
    assert!(fetched.settings.global_settings.enabled);
    assert!(fetched.settings.global_settings.c2c_sound.is_some());
}

#[tokio::test(start_paused = true)]
async fn k7_when_the_backend_fails_the_device_values_come_back_stale() {
    for failure in [Answer::Rejected, Answer::Hang] {
        let m = in_memory("bob");
        m.set_sync_policy(manual_policy(1)).unwrap();
        m.set_global_settings(quiet()).unwrap();
        let backend = ScriptedBackend::new([failure]);
        m.set_backend(backend.clone());
        let fetched = m.fetch_settings().await.unwrap();
        assert!(fetched.stale, "{failure:?}");
        assert!(fetched.stale_reason.unwrap().contains("settings fetch"));
        assert_eq!(fetched.settings.global_settings, quiet());
    }
}

#[tokio::test(start_paused = true)]
async fn k7_bad_values_from_the_backend_count_as_unset() {
    let m = in_memory("bob");
    let backend = ScriptedBackend::new([]);
    backend.server.lock().insert(
        "bob".into(),
        AccountPushSettings {
            global_settings: OfflinePushSettings {
                enabled: true,
                c2c_sound: Some("file:///sdcard/x.mp3".into()),
                group_sound: None,
            },
            do_not_disturb: Some(DoNotDisturbWindow {
                start_seconds: -5,
                duration_seconds: 10,
                utc_offset_seconds: 0,
            }),
            receive_options: vec![ConversationReceiveOption {
                conversation_type: ConversationType::Group,
                conversation_id: String::new(),
                option: ReceiveOption::NotReceive,
            }],
        },
    );
    m.set_backend(backend);
    let fetched = m.fetch_settings().await.unwrap();
    assert_eq!(fetched.settings, AccountPushSettings::default());
    assert_eq!(m.global_settings().unwrap(), OfflinePushSettings::DEFAULT);
}

#[tokio::test(start_paused = true)]
async fn k7_fetch_needs_a_signed_in_user() {
    let m = support::manager(Platform::Ios);
    m.set_backend(ScriptedBackend::new([]));
    assert!(matches!(
        m.fetch_settings().await,
        Err(OfflinePushError::NotLoggedIn(_))
    ));
}

#[tokio::test(start_paused = true)]
async fn an_unexpected_error_from_the_backend_keeps_the_change_queued() {
    struct Buggy;
    #[async_trait::async_trait]
    impl PushBackend for Buggy {
        async fn upload_settings(&self, _: String, _: SettingsChange) -> Result<(), PushBackendError> {
            Err(PushBackendError::Unexpected {
                reason: "NullPointerException".into(),
            })
        }
        async fn fetch_settings(&self, _: String) -> Result<AccountPushSettings, PushBackendError> {
            Err(PushBackendError::Unexpected {
                reason: "NullPointerException".into(),
            })
        }
        async fn upload_token(&self, _: String, _: OfflinePushToken) -> Result<(), PushBackendError> {
            Ok(())
        }
        async fn unbind_token(&self, _: String, _: OfflinePushToken) -> Result<(), PushBackendError> {
            Ok(())
        }
    }
    let m = in_memory("bob");
    m.set_backend(Arc::new(Buggy));
    m.set_global_settings(quiet()).unwrap();
    let err = m.sync().await.unwrap_err();
    assert!(matches!(err, OfflinePushError::BackendUnavailable(_)), "{err:?}");
    assert!(err.to_string().contains("NullPointerException"), "{err}");
    let status = m.sync_status().unwrap();
    assert_eq!(status.pending[0].attempts, 1, "not retried");
    assert!(m.fetch_settings().await.unwrap().stale);
}

#[tokio::test(start_paused = true)]
async fn two_managers_on_one_store_syncing_at_once_send_each_change_once() {
    let dir = tempfile::tempdir().unwrap();
    let app = open(dir.path());
    let other = open(dir.path());
    app.login("bob".into()).unwrap();
    for i in 0..20 {
        app.set_receive_option(
            ConversationType::C2c,
            format!("peer{i}"),
            ReceiveOption::NotReceive,
        )
        .unwrap();
    }
    let slow = || ScriptedBackend::new([Answer::Slow(Duration::from_millis(30)); 20]);
    let (a, b) = (slow(), slow());
    app.set_backend(a.clone());
    other.set_backend(b.clone());
    let (ra, rb) = tokio::join!(app.sync(), other.sync());
    let (ra, rb) = (ra.unwrap(), rb.unwrap());
    assert_eq!(ra.sent + rb.sent, 20, "{ra:?} {rb:?}");
    assert!(ra.sent > 0 && rb.sent > 0, "both took a share: {ra:?} {rb:?}");
    let mut all: Vec<_> = a
        .calls()
        .into_iter()
        .chain(b.calls())
        .map(|c| format!("{c:?}"))
        .collect();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 20, "every change went out exactly once");
    assert_eq!(a.calls().len() + b.calls().len(), 20);
}

#[tokio::test]
async fn a_sync_cut_off_mid_call_leaves_a_claim_that_expires() {
    let dir = tempfile::tempdir().unwrap();
    let dying = open(dir.path());
    dying
        .set_sync_policy(SyncPolicy {
            max_attempts: 1,
            initial_delay_ms: 0,
            max_delay_ms: 0,
            call_timeout_ms: 300,
            sync_after_changes: false,
        })
        .unwrap();
    dying.login("bob".into()).unwrap();
    dying.set_global_settings(quiet()).unwrap();
    dying.set_backend(ScriptedBackend::new([Answer::Hang]));
    // The process dies while the backend holds the call: its claim stays.
    let cut = tokio::time::timeout(Duration::from_millis(50), dying.sync()).await;
    assert!(cut.is_err());
    let survivor = open(dir.path());
    let backend = ScriptedBackend::new([]);
    survivor.set_backend(backend.clone());
    assert_eq!(
        survivor.sync().await.unwrap(),
        SyncReport {
            in_progress_elsewhere: 1,
            ..SyncReport::default()
        }
    );
    assert!(survivor.sync_status().unwrap().pending[0].in_progress);
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(survivor.sync().await.unwrap().sent, 1);
    assert_eq!(backend.accepted(), [settings_call("bob", global(quiet()))]);
}

#[tokio::test]
async fn with_sync_after_changes_a_change_goes_out_without_being_asked() {
    let m = support::signed_in(Platform::Android, "bob");
    assert!(m.sync_policy().sync_after_changes, "the default");
    let backend = ScriptedBackend::new([]);
    m.set_backend(backend.clone());
    m.set_global_settings(quiet()).unwrap();
    m.set_token(t("one")).unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while backend.accepted().len() < 2 {
        assert!(std::time::Instant::now() < deadline, "{:?}", backend.calls());
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(
        backend.accepted(),
        [
            settings_call("bob", global(quiet())),
            Call::Upload("bob".into(), t("one"))
        ]
    );
    assert!(m.sync_status().unwrap().pending.is_empty());
}

#[test]
fn a_policy_out_of_range_is_invalid_argument() {
    let m = support::manager(Platform::Ios);
    let err = m
        .set_sync_policy(SyncPolicy {
            max_attempts: 0,
            ..SyncPolicy::DEFAULT
        })
        .unwrap_err();
    assert!(matches!(err, OfflinePushError::InvalidArgument(_)), "{err:?}");
    assert_eq!(m.sync_policy(), SyncPolicy::DEFAULT);
}

/// M6, K6, K7: the options that mute except for mentions are sent, and fetched
/// from the backend, like the others.
#[tokio::test(start_paused = true)]
async fn m6_k6_k7_the_options_that_mute_except_for_mentions_sync_like_the_others() {
    let m = in_memory("bob");
    m.set_receive_option(
        ConversationType::C2c,
        "alice".into(),
        ReceiveOption::NotReceiveExceptMentions,
    )
    .unwrap();
    let backend = ScriptedBackend::new([]);
    m.set_backend(backend.clone());
    m.sync().await.unwrap();
    assert_eq!(
        backend.accepted(),
        [settings_call(
            "bob",
            option("alice", ReceiveOption::NotReceiveExceptMentions)
        )]
    );
    let carol = ConversationReceiveOption {
        conversation_type: ConversationType::C2c,
        conversation_id: "carol".into(),
        option: ReceiveOption::ReceiveNotNotifyExceptMentions,
    };
    backend.server.lock().insert(
        "bob".into(),
        AccountPushSettings {
            global_settings: OfflinePushSettings::default(),
            do_not_disturb: None,
            receive_options: vec![carol.clone()],
        },
    );
    let fetched = m.fetch_settings().await.unwrap();
    assert_eq!(fetched.settings.receive_options, [carol]);
    assert_eq!(
        m.receive_option(ConversationType::C2c, "carol".into()).unwrap(),
        ReceiveOption::ReceiveNotNotifyExceptMentions
    );
    assert_eq!(
        m.receive_option(ConversationType::C2c, "alice".into()).unwrap(),
        ReceiveOption::Receive,
        "K7: a conversation the backend has no option for is reset"
    );
}
