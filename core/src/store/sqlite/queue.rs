//! The queue of what the device owes the app's backend (docs/RULES.md K4–K7), in
//! the `sync_items` and `accepted_tokens` tables of schema version 2 (`schema.rs`
//! says what each column holds). Every function runs inside the caller's
//! transaction, so a change and its queue entry are saved together.

use super::{business_id_column, parse, read_device, read_receive_option, text, token_from, write_setting};
use crate::model::{
    AccountPushSettings, ConversationType, OfflinePushToken, PendingChange, PendingKind, ReceiveOption,
    SettingsChange, SyncStatus,
};
use crate::rules::limits;
use crate::store::{Claim, Finish, Job, PendingWork};
use rusqlite::{params, OptionalExtension, Transaction};
use std::collections::BTreeMap;

/// A queue entry's key and what it refers to.
pub(super) struct Item<'a> {
    key: String,
    kind: &'static str,
    conversation: Option<(ConversationType, &'a str)>,
    token: Option<&'a OfflinePushToken>,
}

impl<'a> Item<'a> {
    pub(super) fn of_change(change: &'a SettingsChange) -> Self {
        match change {
            SettingsChange::GlobalSettings { .. } => Self::plain("global_settings"),
            SettingsChange::DoNotDisturb { .. } => Self::plain("do_not_disturb"),
            SettingsChange::ConversationOption {
                conversation_type,
                conversation_id,
                ..
            } => Self::conversation(*conversation_type, conversation_id),
        }
    }

    fn plain(kind: &'static str) -> Self {
        Self {
            key: kind.to_owned(),
            kind,
            conversation: None,
            token: None,
        }
    }

    fn conversation(kind: ConversationType, id: &'a str) -> Self {
        Self {
            key: conversation_key(kind, id),
            kind: "receive_option",
            conversation: Some((kind, id)),
            token: None,
        }
    }

    fn unbind(token: &'a OfflinePushToken) -> Self {
        Self {
            key: unbind_key(token),
            kind: "token_unbind",
            conversation: None,
            token: Some(token),
        }
    }
}

fn conversation_key(kind: ConversationType, id: &str) -> String {
    format!("receive_option:{}:{id}", text(&kind))
}

/// Holds the token: a key is never shown, logged or put in an error.
fn unbind_key(token: &OfflinePushToken) -> String {
    format!(
        "token_unbind:{}:{}:{}",
        text(&token.vendor),
        token.business_id,
        token.token.0
    )
}

const TOKEN_UPLOAD: &str = "token_upload";

/// The next number of the device's change counter.
pub(super) fn next_seq(tx: &Transaction) -> rusqlite::Result<i64> {
    tx.execute("UPDATE device SET change_seq = change_seq + 1 WHERE id = 1", [])?;
    tx.query_row("SELECT change_seq FROM device WHERE id = 1", [], |row| row.get(0))
}

/// Queues `item` of `user_id` as changed now: a pending entry keeps when it
/// first became pending and its failures; a sent one starts over.
pub(super) fn put(
    tx: &Transaction,
    user_id: &str,
    item: &Item<'_>,
    seq: i64,
    at_ms: i64,
) -> rusqlite::Result<()> {
    let (conversation_type, conversation_id) = item
        .conversation
        .map_or((None, None), |(kind, id)| (Some(text(&kind)), Some(id)));
    let token = item.token;
    tx.execute(
        "INSERT INTO sync_items (user_id, item, kind, conversation_type, conversation_id,
                                 token_vendor, token_value, token_business_id, seq, pending, since_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 1, ?10)
         ON CONFLICT (user_id, item) DO UPDATE SET
           seq = excluded.seq,
           since_ms = CASE WHEN pending = 1 THEN since_ms ELSE excluded.since_ms END,
           attempts = CASE WHEN pending = 1 THEN attempts ELSE 0 END,
           last_error = CASE WHEN pending = 1 THEN last_error ELSE NULL END,
           pending = 1",
        params![
            user_id,
            item.key,
            item.kind,
            conversation_type,
            conversation_id,
            token.map(|t| text(&t.vendor)),
            token.map(|t| t.token.0.as_str()),
            token.map(business_id_column),
            seq,
            at_ms,
        ],
    )?;
    Ok(())
}

fn remove(tx: &Transaction, user_id: &str, key: &str) -> rusqlite::Result<bool> {
    Ok(tx.execute(
        "DELETE FROM sync_items WHERE user_id = ?1 AND item = ?2",
        params![user_id, key],
    )? > 0)
}

/// K4: the token the backend accepted for `user_id`, if any.
fn accepted(tx: &Transaction, user_id: &str) -> rusqlite::Result<Option<OfflinePushToken>> {
    let row = tx
        .query_row(
            "SELECT vendor, value, business_id FROM accepted_tokens WHERE user_id = ?1",
            [user_id],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .optional()?;
    match row {
        Some((vendor, value, business_id)) => token_from(Some(vendor), Some(value), Some(business_id)),
        None => Ok(None),
    }
}

/// K4: `user_id` is signed in with `token` on the device: its upload is queued
/// unless the backend has it already, and a pending unbind of it is dropped.
pub(super) fn enter(
    tx: &Transaction,
    user_id: &str,
    token: &OfflinePushToken,
    at_ms: i64,
) -> rusqlite::Result<()> {
    remove(tx, user_id, &unbind_key(token))?;
    if accepted(tx, user_id)?.as_ref() == Some(token) {
        remove(tx, user_id, TOKEN_UPLOAD)?;
        return Ok(());
    }
    let seq = next_seq(tx)?;
    put(tx, user_id, &Item::plain(TOKEN_UPLOAD), seq, at_ms)
}

/// K5: `user_id` signed out. Its token upload is dropped; the token the backend
/// accepted for it is unbound, and so is the device's token if an upload of it
/// was queued or on its way (the backend may have it).
pub(super) fn leave(
    tx: &Transaction,
    user_id: &str,
    device_token: Option<&OfflinePushToken>,
    at_ms: i64,
) -> rusqlite::Result<()> {
    let upload_was_queued = remove(tx, user_id, TOKEN_UPLOAD)?;
    let accepted = accepted(tx, user_id)?;
    tx.execute("DELETE FROM accepted_tokens WHERE user_id = ?1", [user_id])?;
    let mut unbind = Vec::new();
    unbind.extend(accepted.as_ref());
    if upload_was_queued {
        unbind.extend(device_token.filter(|t| Some(*t) != accepted.as_ref()));
    }
    for token in unbind {
        let seq = next_seq(tx)?;
        put(tx, user_id, &Item::unbind(token), seq, at_ms)?;
    }
    Ok(())
}

/// The queue's row as `claim_next` reads it.
struct Row {
    user_id: String,
    key: String,
    kind: String,
    seq: i64,
    conversation: Option<(String, String)>,
    token: Option<OfflinePushToken>,
}

pub(super) fn claim_next(tx: &Transaction, claim: Claim<'_>) -> rusqlite::Result<Option<PendingWork>> {
    let signed_in = match read_device(tx)?.session {
        crate::model::SessionState::LoggedIn { user_id } => Some(user_id),
        _ => None,
    };
    loop {
        let row = tx
            .query_row(
                "SELECT user_id, item, kind, seq, conversation_type, conversation_id,
                        token_vendor, token_value, token_business_id
                 FROM sync_items
                 WHERE pending = 1 AND (claimed_by IS NULL OR claimed_by = ?3 OR claimed_until_ms < ?1)
                   AND (kind = 'token_unbind' OR user_id = ?2)
                 ORDER BY seq LIMIT 1",
                params![claim.now_ms, signed_in, claim.by],
                |row| {
                    Ok(Row {
                        user_id: row.get(0)?,
                        key: row.get(1)?,
                        kind: row.get(2)?,
                        seq: row.get(3)?,
                        conversation: match (row.get(4)?, row.get(5)?) {
                            (Some(kind), Some(id)) => Some((kind, id)),
                            _ => None,
                        },
                        token: token_from(row.get(6)?, row.get(7)?, row.get(8)?)?,
                    })
                },
            )
            .optional()?;
        let Some(row) = row else { return Ok(None) };
        let Some(job) = job_of(tx, &row)? else {
            // Nothing to send any more (the device's token was cleared).
            remove(tx, &row.user_id, &row.key)?;
            continue;
        };
        tx.execute(
            "UPDATE sync_items SET claimed_by = ?3, claimed_until_ms = ?4 WHERE user_id = ?1 AND item = ?2",
            params![row.user_id, row.key, claim.by, claim.until_ms],
        )?;
        return Ok(Some(PendingWork {
            user_id: row.user_id,
            item: row.key,
            seq: row.seq,
            job,
        }));
    }
}

/// What to send for a queued row: a settings item's current value, the
/// device's token for an upload, the row's token for an unbind.
fn job_of(tx: &Transaction, row: &Row) -> rusqlite::Result<Option<Job>> {
    let user_id = row.user_id.as_str();
    let change = match row.kind.as_str() {
        "global_settings" => SettingsChange::GlobalSettings {
            settings: super::read_account(tx, user_id)?.settings.unwrap_or_default(),
        },
        "do_not_disturb" => SettingsChange::DoNotDisturb {
            window: super::read_account(tx, user_id)?.dnd,
        },
        "receive_option" => {
            let Some((kind, id)) = &row.conversation else {
                return Err(super::bad_value("pending receive option"));
            };
            let conversation_type: ConversationType = parse(kind, "conversation type")?;
            SettingsChange::ConversationOption {
                conversation_type,
                conversation_id: id.clone(),
                option: read_receive_option(tx, user_id, (conversation_type, id))?,
            }
        }
        "token_upload" => return Ok(read_device(tx)?.token.map(Job::UploadToken)),
        "token_unbind" => {
            return match &row.token {
                Some(token) => Ok(Some(Job::UnbindToken(token.clone()))),
                None => Err(super::bad_value("pending unbind")),
            }
        }
        _ => return Err(super::bad_value("pending change kind")),
    };
    Ok(Some(Job::Settings(change)))
}

pub(super) fn finish(
    tx: &Transaction,
    work: &PendingWork,
    by: &str,
    outcome: Finish<'_>,
    now_ms: i64,
) -> rusqlite::Result<()> {
    let current: Option<i64> = tx
        .query_row(
            "SELECT seq FROM sync_items WHERE user_id = ?1 AND item = ?2",
            params![work.user_id, work.item],
            |row| row.get(0),
        )
        .optional()?;
    let unchanged = current == Some(work.seq);
    // The item: done when it is still the change that was sent (a settings row
    // stays, sent, to remember its seq for K7; a token row goes); otherwise, or
    // after a failure, it stays queued for the next sync.
    match outcome {
        Finish::Accepted | Finish::Rejected { .. } if unchanged => match &work.job {
            Job::Settings(_) => {
                tx.execute(
                    "UPDATE sync_items SET pending = 0, claimed_by = NULL, claimed_until_ms = NULL,
                       attempts = 0, last_error = NULL
                     WHERE user_id = ?1 AND item = ?2",
                    params![work.user_id, work.item],
                )?;
            }
            Job::UploadToken(_) | Job::UnbindToken(_) => {
                remove(tx, &work.user_id, &work.item)?;
            }
        },
        Finish::Accepted | Finish::Rejected { .. } => {
            tx.execute(
                "UPDATE sync_items SET claimed_by = NULL, claimed_until_ms = NULL
                 WHERE user_id = ?1 AND item = ?2 AND claimed_by = ?3",
                params![work.user_id, work.item, by],
            )?;
        }
        Finish::Failed { attempts, reason } => {
            tx.execute(
                "UPDATE sync_items SET claimed_by = NULL, claimed_until_ms = NULL,
                   attempts = attempts + ?4, last_error = ?5
                 WHERE user_id = ?1 AND item = ?2 AND claimed_by = ?3",
                params![work.user_id, work.item, by, attempts, limits::text(reason)],
            )?;
        }
    }
    // K4: the token the backend now has for the account.
    if let (Finish::Accepted, true, Job::UploadToken(token)) = (outcome, unchanged, &work.job) {
        tx.execute(
            "INSERT INTO accepted_tokens (user_id, vendor, value, business_id) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (user_id) DO UPDATE SET vendor = excluded.vendor, value = excluded.value,
               business_id = excluded.business_id",
            params![
                work.user_id,
                text(&token.vendor),
                token.token.0,
                business_id_column(token)
            ],
        )?;
    }
    // The device's record for the diagnostics.
    match outcome {
        Finish::Accepted => {
            tx.execute(
                "UPDATE device SET sync_last_success_ms = ?1 WHERE id = 1",
                [now_ms],
            )?;
        }
        Finish::Rejected { reason } | Finish::Failed { reason, .. } => {
            tx.execute(
                "UPDATE device SET sync_last_error = ?1, sync_last_error_ms = ?2 WHERE id = 1",
                params![limits::text(reason), now_ms],
            )?;
        }
    }
    Ok(())
}

pub(super) fn status(tx: &Transaction, now_ms: i64) -> rusqlite::Result<SyncStatus> {
    let mut statement = tx.prepare(
        "SELECT kind, user_id, conversation_type, conversation_id, since_ms, attempts, last_error,
                claimed_by IS NOT NULL AND claimed_until_ms >= ?1
         FROM sync_items WHERE pending = 1 ORDER BY since_ms, seq",
    )?;
    let pending = statement
        .query_map([now_ms], |row| {
            let kind = match row.get::<_, String>(0)?.as_str() {
                "global_settings" => PendingKind::GlobalSettings,
                "do_not_disturb" => PendingKind::DoNotDisturb,
                "receive_option" => PendingKind::ConversationOption,
                "token_upload" => PendingKind::TokenUpload,
                "token_unbind" => PendingKind::TokenUnbind,
                _ => return Err(super::bad_value("pending change kind")),
            };
            let conversation_type: Option<String> = row.get(2)?;
            Ok(PendingChange {
                kind,
                user_id: row.get(1)?,
                conversation_type: conversation_type
                    .map(|t| parse(&t, "conversation type"))
                    .transpose()?,
                conversation_id: row.get(3)?,
                since_ms: row.get(4)?,
                attempts: row.get(5)?,
                last_error: row.get(6)?,
                in_progress: row.get(7)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let (last_error, last_error_ms, last_success_ms) = tx.query_row(
        "SELECT sync_last_error, sync_last_error_ms, sync_last_success_ms FROM device WHERE id = 1",
        [],
        |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
    )?;
    Ok(SyncStatus {
        oldest_pending_ms: pending.iter().map(|p| p.since_ms).min(),
        pending,
        last_error,
        last_error_ms,
        last_success_ms,
    })
}

/// K7: the backend's values, item by item, except what is queued or changed
/// after `since_seq`.
pub(super) fn apply_fetched(
    tx: &Transaction,
    user_id: &str,
    since_seq: i64,
    settings: &AccountPushSettings,
) -> rusqlite::Result<()> {
    let local_wins = |key: &str| -> rusqlite::Result<bool> {
        tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM sync_items WHERE user_id = ?1 AND item = ?2 AND (pending = 1 OR seq > ?3))",
            params![user_id, key, since_seq],
            |row| row.get(0),
        )
    };
    if !local_wins("global_settings")? {
        write_setting(
            tx,
            user_id,
            &SettingsChange::GlobalSettings {
                settings: settings.global_settings.clone(),
            },
        )?;
    }
    if !local_wins("do_not_disturb")? {
        write_setting(
            tx,
            user_id,
            &SettingsChange::DoNotDisturb {
                window: settings.do_not_disturb,
            },
        )?;
    }
    // Every conversation either side has an option for: the backend's, or
    // `Receive` when it has none.
    let mut options: BTreeMap<(ConversationType, String), ReceiveOption> = BTreeMap::new();
    {
        let mut statement =
            tx.prepare("SELECT conversation_type, conversation_id FROM receive_options WHERE user_id = ?1")?;
        let rows = statement.query_map([user_id], |row| {
            Ok((
                parse::<ConversationType>(&row.get::<_, String>(0)?, "conversation type")?,
                row.get::<_, String>(1)?,
            ))
        })?;
        for row in rows {
            options.insert(row?, ReceiveOption::Receive);
        }
    }
    for option in &settings.receive_options {
        options.insert(
            (option.conversation_type, option.conversation_id.clone()),
            option.option,
        );
    }
    for ((conversation_type, conversation_id), option) in options {
        if local_wins(&conversation_key(conversation_type, &conversation_id))? {
            continue;
        }
        write_setting(
            tx,
            user_id,
            &SettingsChange::ConversationOption {
                conversation_type,
                conversation_id,
                option,
            },
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::model::{AccountPushSettings, OfflinePushSettings, SettingsChange};
    use crate::store::{Claim, Finish, SqliteStore, Store};

    fn quiet() -> OfflinePushSettings {
        OfflinePushSettings {
            enabled: false,
            ..OfflinePushSettings::DEFAULT
        }
    }

    /// K7: a change made after the fetch asked wins even when it was sent (and so
    /// is no longer queued) before the backend's answer came back.
    #[test]
    fn k7_a_fetch_leaves_alone_an_item_changed_after_it_asked() {
        let store = SqliteStore::open_in_memory().unwrap();
        let session = crate::model::SessionState::LoggedIn {
            user_id: "bob".into(),
        };
        store.save_session(&session, 0).unwrap();
        let asked_at = store.change_seq().unwrap();
        let change = SettingsChange::GlobalSettings { settings: quiet() };
        store.save_setting("bob", &change, 0).unwrap();
        let claim = Claim {
            by: "me",
            now_ms: 0,
            until_ms: 10,
        };
        let work = store.claim_next(claim).unwrap().unwrap();
        store.finish(&work, "me", Finish::Accepted, 1).unwrap();
        assert!(store.sync_status(1).unwrap().pending.is_empty());

        let from_backend = AccountPushSettings::default();
        store.apply_fetched("bob", asked_at, &from_backend).unwrap();
        assert_eq!(store.snapshot().unwrap().account.settings, Some(quiet()));
        // A fetch that asked after the change takes the backend's value.
        let asked_later = store.change_seq().unwrap();
        store.apply_fetched("bob", asked_later, &from_backend).unwrap();
        assert_eq!(
            store.snapshot().unwrap().account.settings,
            Some(OfflinePushSettings::DEFAULT)
        );
    }
}
