//! The store that lives in this process only: what an app that wants no
//! persistence, and the engine's tests, use. Never fails.

use super::{
    AccountState, ConversationKey, DeviceState, Generation, Receipt, ReceiptRecord, Snapshot, Store,
    StoreError, REMEMBERED_MESSAGE_IDS,
};
use crate::model::{
    ConversationReceiveOption, ConversationType, DoNotDisturbWindow, OfflinePushSettings, OfflinePushToken,
    PushLocale, ReceiveOption, SessionState,
};
use parking_lot::RwLock;
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

type Conversation = (ConversationType, String);

#[derive(Debug, Default)]
struct Account {
    state: AccountState,
    receive_options: BTreeMap<Conversation, ReceiveOption>,
    unread: HashMap<Conversation, u32>,
    /// Oldest first, at most `REMEMBERED_MESSAGE_IDS`, and the same ids to look up.
    received: VecDeque<String>,
    received_set: HashSet<String>,
}

#[derive(Debug, Default)]
struct State {
    generation: u64,
    device: DeviceState,
    accounts: HashMap<String, Account>,
}

/// State in memory, gone with the process.
#[derive(Debug, Default)]
pub struct MemoryStore {
    state: RwLock<State>,
    /// What the engine's tests watch and switch.
    #[cfg(test)]
    pub(crate) probe: Probe,
}

/// Counts the reads other than `generation`, and can make every call fail as a
/// broken disk would.
#[cfg(test)]
#[derive(Debug, Default)]
pub(crate) struct Probe {
    pub reads: std::sync::atomic::AtomicUsize,
    pub option_reads: std::sync::atomic::AtomicUsize,
    pub broken: std::sync::atomic::AtomicBool,
}

impl MemoryStore {
    /// The test probe's say: `Err` when switched to broken; counts a read.
    #[cfg(test)]
    fn check(&self, read: bool) -> Result<(), StoreError> {
        use std::sync::atomic::Ordering::SeqCst;
        if self.probe.broken.load(SeqCst) {
            return Err(StoreError::Io(std::io::Error::other("the test broke the disk")));
        }
        if read {
            self.probe.reads.fetch_add(1, SeqCst);
        }
        Ok(())
    }

    #[cfg(not(test))]
    fn check(&self, _read: bool) -> Result<(), StoreError> {
        Ok(())
    }
}

fn key((kind, id): ConversationKey<'_>) -> Conversation {
    (kind, id.to_owned())
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    fn write<T>(&self, change: impl FnOnce(&mut State) -> T) -> Result<T, StoreError> {
        self.check(false)?;
        let mut state = self.state.write();
        let out = change(&mut state);
        state.generation += 1;
        Ok(out)
    }

    fn account<T>(&self, user_id: &str, read: impl FnOnce(&Account) -> T) -> Result<T, StoreError> {
        self.check(true)?;
        let state = self.state.read();
        Ok(read(state.accounts.get(user_id).unwrap_or(&Account::default())))
    }

    fn write_account<T>(
        &self,
        user_id: &str,
        change: impl FnOnce(&mut Account) -> T,
    ) -> Result<T, StoreError> {
        self.write(|state| change(state.accounts.entry(user_id.to_owned()).or_default()))
    }
}

impl Store for MemoryStore {
    fn generation(&self) -> Result<Generation, StoreError> {
        self.check(false)?;
        Ok(Generation([self.state.read().generation, 0, 0]))
    }

    fn snapshot(&self) -> Result<Snapshot, StoreError> {
        self.check(true)?;
        let state = self.state.read();
        let account = match &state.device.session {
            SessionState::LoggedIn { user_id } => state.accounts.get(user_id).map(|a| a.state.clone()),
            SessionState::LoggedOut | SessionState::KickedOffline => None,
        };
        Ok(Snapshot {
            generation: Generation([state.generation, 0, 0]),
            device: state.device.clone(),
            account: account.unwrap_or_default(),
        })
    }

    fn save_session(&self, session: &SessionState) -> Result<(), StoreError> {
        self.write(|s| s.device.session = session.clone())
    }

    fn save_locale(&self, locale: PushLocale) -> Result<(), StoreError> {
        self.write(|s| s.device.locale = locale)
    }

    fn save_token(&self, token: Option<&OfflinePushToken>) -> Result<(), StoreError> {
        self.write(|s| s.device.token = token.cloned())
    }

    fn save_global_settings(&self, user_id: &str, settings: &OfflinePushSettings) -> Result<(), StoreError> {
        self.write_account(user_id, |a| a.state.settings = Some(settings.clone()))
    }

    fn save_dnd(&self, user_id: &str, window: Option<&DoNotDisturbWindow>) -> Result<(), StoreError> {
        self.write_account(user_id, |a| a.state.dnd = window.copied())
    }

    fn receive_option(
        &self,
        user_id: &str,
        conversation: ConversationKey<'_>,
    ) -> Result<ReceiveOption, StoreError> {
        #[cfg(test)]
        self.probe
            .option_reads
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.account(user_id, |a| {
            a.receive_options
                .get(&key(conversation))
                .copied()
                .unwrap_or_default()
        })
    }

    fn save_receive_option(
        &self,
        user_id: &str,
        conversation: ConversationKey<'_>,
        option: ReceiveOption,
    ) -> Result<(), StoreError> {
        self.write_account(user_id, |a| {
            if option == ReceiveOption::Receive {
                a.receive_options.remove(&key(conversation));
            } else {
                a.receive_options.insert(key(conversation), option);
            }
        })
    }

    fn receive_options(&self, user_id: &str) -> Result<Vec<ConversationReceiveOption>, StoreError> {
        self.account(user_id, |a| {
            a.receive_options
                .iter()
                .map(
                    |((conversation_type, conversation_id), option)| ConversationReceiveOption {
                        conversation_type: *conversation_type,
                        conversation_id: conversation_id.clone(),
                        option: *option,
                    },
                )
                .collect()
        })
    }

    fn record_receipt(&self, user_id: &str, receipt: Receipt<'_>) -> Result<ReceiptRecord, StoreError> {
        self.write_account(user_id, |a| {
            let duplicate = match receipt.message_id {
                Some(id) if a.received_set.contains(id) => true,
                Some(id) => {
                    a.received.push_back(id.to_owned());
                    a.received_set.insert(id.to_owned());
                    while a.received.len() > REMEMBERED_MESSAGE_IDS as usize {
                        if let Some(oldest) = a.received.pop_front() {
                            a.received_set.remove(&oldest);
                        }
                    }
                    false
                }
                None => false,
            };
            if let (false, Some(conversation)) = (duplicate, receipt.counts_toward) {
                let count = a.unread.entry(key(conversation)).or_default();
                *count = count.saturating_add(1);
            }
            ReceiptRecord {
                duplicate,
                badge_total: total(a),
            }
        })
    }

    fn unread_count(&self, user_id: &str, conversation: ConversationKey<'_>) -> Result<u32, StoreError> {
        self.account(user_id, |a| {
            a.unread.get(&key(conversation)).copied().unwrap_or(0)
        })
    }

    fn save_unread_count(
        &self,
        user_id: &str,
        conversation: ConversationKey<'_>,
        count: u32,
    ) -> Result<(), StoreError> {
        self.write_account(user_id, |a| {
            if count == 0 {
                a.unread.remove(&key(conversation));
            } else {
                a.unread.insert(key(conversation), count);
            }
        })
    }

    fn badge_total(&self, user_id: &str) -> Result<u32, StoreError> {
        self.account(user_id, total)
    }
}

/// B3, saturating: a badge never wraps around.
fn total(account: &Account) -> u32 {
    account
        .unread
        .values()
        .fold(0u32, |sum, n| sum.saturating_add(*n))
}
