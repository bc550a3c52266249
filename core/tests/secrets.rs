//! Tokens are secrets: no public error message carries one, on every path a
//! token can reach (V3 and V1 on `set_token`, the backend's reasons on upload,
//! JSON that holds a token where a record expects something else), and no
//! `Debug` output shows one.

use offline_push::*;

mod support;
use std::sync::Arc;

const SECRET: &str = "tok-SECRET-4f2a9c";

fn token(value: &str, business_id: u64) -> OfflinePushToken {
    support::token(PushVendor::Xiaomi, value, business_id)
}

fn manager() -> Arc<OfflinePushManager> {
    support::manager(Platform::Android)
}

fn assert_clean(error: &OfflinePushError) {
    for text in [error.to_string(), format!("{error:?}"), format!("{error:#?}")] {
        assert!(!text.contains(SECRET), "a token leaked into {text:?}");
    }
}

#[test]
fn v1_v3_set_token_errors_never_carry_the_token() {
    let m = manager();
    let refused = m.set_token(token(SECRET, 7)).unwrap_err();
    assert!(matches!(refused, OfflinePushError::NotLoggedIn(_)));
    assert_clean(&refused);
    m.login("bob".into()).unwrap();
    let refused = m.set_token(token(SECRET, 0)).unwrap_err();
    assert!(matches!(refused, OfflinePushError::InvalidToken(_)));
    assert_clean(&refused);
}

/// Throws `failure(reason)` where the reason quotes the token it was given,
/// as a server that echoes its input would.
struct EchoingBackend {
    transient: bool,
}

impl EchoingBackend {
    fn fail(&self, token: &OfflinePushToken) -> Result<(), PushBackendError> {
        let reason = format!("the server does not know token {}", token.token.0);
        Err(if self.transient {
            PushBackendError::Transient { reason }
        } else {
            PushBackendError::Rejected { reason }
        })
    }
}

#[async_trait::async_trait]
impl PushBackend for EchoingBackend {
    async fn upload_settings(
        &self,
        _user_id: String,
        _change: SettingsChange,
    ) -> Result<(), PushBackendError> {
        Ok(())
    }
    async fn fetch_settings(&self, _user_id: String) -> Result<AccountPushSettings, PushBackendError> {
        Ok(AccountPushSettings::default())
    }
    async fn upload_token(&self, _user_id: String, token: OfflinePushToken) -> Result<(), PushBackendError> {
        self.fail(&token)
    }
    async fn unbind_token(&self, _user_id: String, token: OfflinePushToken) -> Result<(), PushBackendError> {
        self.fail(&token)
    }
}

/// K4, K5: an upload that fails transiently throws, one that is refused is
/// reported in the sync status; so is an unbind after logout. Neither the
/// error, the status nor its `Debug` carries the token.
#[tokio::test(start_paused = true)]
async fn a_backend_reason_that_echoes_the_token_is_cleaned() {
    for transient in [false, true] {
        let m = manager();
        m.set_sync_policy(support::backend::manual_policy(2)).unwrap();
        m.login("bob".into()).unwrap();
        m.set_token(token(SECRET, 7)).unwrap();
        m.set_backend(Arc::new(EchoingBackend { transient }));
        for step in ["upload", "unbind"] {
            if step == "unbind" {
                m.logout().unwrap();
            }
            let synced = m.sync().await;
            if transient {
                let failed = synced.unwrap_err();
                assert!(
                    matches!(failed, OfflinePushError::BackendUnavailable(_)),
                    "{failed:?}"
                );
                assert!(
                    failed.to_string().contains("the server does not know token"),
                    "{failed}"
                );
                assert_clean(&failed);
            } else if step == "upload" {
                assert_eq!(synced.unwrap().rejected, 1);
            } else {
                // K5: the backend refused the token, so it has nothing to unbind.
                assert_eq!(synced.unwrap(), SyncReport::default());
            }
            let status = m.sync_status().unwrap();
            let error = status.last_error.clone().unwrap();
            assert!(
                error.contains("the server does not know token <redacted>"),
                "{error}"
            );
            for text in [error, format!("{status:?}")] {
                assert!(!text.contains(SECRET), "{text}");
            }
        }
    }
}

#[test]
fn json_that_holds_a_token_in_the_wrong_place_is_refused_without_quoting_it() {
    let quoted = format!("\"{SECRET}\"");
    let inputs = [
        format!(r#"{{"format_version": 1, "conversation_type": {quoted}}}"#),
        format!(
            r#"{{"format_version": 1, "conversation_type": "c2c", "sender": {{"user_id": "a"}}, "timestamp": {quoted}}}"#
        ),
        format!(r#"{{"format_version": 1, {quoted}: 1}}"#),
        format!(r#"{{"format_version": {quoted}}}"#),
        format!("{SECRET} is not JSON"),
        format!(
            r#"{{"format_version": 1, "conversation_type": "c2c", "sender": {{"user_id": "a"}}, "timestamp": 0, "elements": [{{"type": {quoted}}}]}}"#
        ),
    ];
    for input in &inputs {
        let refused = message_from_json(input).unwrap_err();
        assert!(
            matches!(refused, OfflinePushError::InvalidArgument(_)),
            "{refused:?}"
        );
        assert_clean(&refused);
        let refused = notification_from_json(input).unwrap_err();
        assert_clean(&refused);
    }
}

#[test]
fn debug_output_never_shows_the_token() {
    let m = manager();
    m.login("bob".into()).unwrap();
    m.set_token(token(SECRET, 7)).unwrap();
    let stored = m.token().unwrap();
    for text in [format!("{m:?}"), format!("{m:#?}"), format!("{stored:?}")] {
        assert!(!text.contains(SECRET), "{text}");
    }
}
