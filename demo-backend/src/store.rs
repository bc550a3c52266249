//! What the backend keeps, in SQLite: each user's settings (what their devices
//! uploaded, K6), the tokens bound to them with the device that bound each, and
//! each device's inbox (the vendor's service stand-in: the delivered forms of
//! the payloads sent to it, until the device collects them).

use crate::ApiError;
use offline_push::{AccountPushSettings, OfflinePushToken, Platform, PushLocale, PushTokenValue, PushVendor};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use std::path::Path;

/// The device that bound a token, as its app told the backend.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceInfo {
    /// The app's own id of the device (one per installation).
    pub id: String,
    pub platform: Platform,
    #[serde(default)]
    pub locale: PushLocale,
    /// The vendor the device selects for itself (P2), when it knows it: the route
    /// the server takes first (W6).
    #[serde(default)]
    pub own_vendor: Option<PushVendor>,
}

/// A bound token and its device.
#[derive(Clone, Debug)]
pub struct Bound {
    pub token: OfflinePushToken,
    pub device: DeviceInfo,
}

/// A record's JSON spelling as a text column (the core's own, `json.rs`).
fn spelled<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("the core's records serialize")
}

fn read<T: DeserializeOwned>(text: &str) -> Result<T, ApiError> {
    serde_json::from_str(text)
        .map_err(|e| ApiError::Internal(format!("the backend's store holds a bad value: {e}")))
}

pub struct Store {
    db: Connection,
}

impl From<rusqlite::Error> for ApiError {
    fn from(e: rusqlite::Error) -> Self {
        ApiError::Internal(format!("the backend's store failed: {e}"))
    }
}

impl Store {
    pub fn open(file: &Path) -> Result<Store, ApiError> {
        let db = Connection::open(file)?;
        db.execute_batch(
            "PRAGMA journal_mode = WAL;
             CREATE TABLE IF NOT EXISTS settings (user TEXT PRIMARY KEY, json TEXT NOT NULL);
             CREATE TABLE IF NOT EXISTS tokens (
                 vendor TEXT NOT NULL, token TEXT NOT NULL, user TEXT NOT NULL,
                 business_id INTEGER NOT NULL, device TEXT NOT NULL,
                 PRIMARY KEY (vendor, token));
             CREATE TABLE IF NOT EXISTS inbox (
                 seq INTEGER PRIMARY KEY AUTOINCREMENT, device TEXT NOT NULL,
                 vendor TEXT NOT NULL, delivered TEXT NOT NULL);",
        )?;
        Ok(Store { db })
    }

    /// Whether the backend has heard of the user (settings or a token).
    pub fn knows(&self, user: &str) -> Result<bool, ApiError> {
        let known: bool = self.db.query_row(
            "SELECT EXISTS (SELECT 1 FROM settings WHERE user = ?1)
                 OR EXISTS (SELECT 1 FROM tokens WHERE user = ?1)",
            [user],
            |row| row.get(0),
        )?;
        Ok(known)
    }

    /// The user's settings; the defaults when they never uploaded any.
    pub fn settings(&self, user: &str) -> Result<AccountPushSettings, ApiError> {
        let json: Option<String> = self
            .db
            .query_row("SELECT json FROM settings WHERE user = ?1", [user], |row| {
                row.get(0)
            })
            .optional()?;
        json.map_or(Ok(AccountPushSettings::default()), |j| read(&j))
    }

    pub fn set_settings(&self, user: &str, settings: &AccountPushSettings) -> Result<(), ApiError> {
        self.db.execute(
            "INSERT INTO settings (user, json) VALUES (?1, ?2)
             ON CONFLICT (user) DO UPDATE SET json = excluded.json",
            params![user, spelled(settings)],
        )?;
        Ok(())
    }

    /// Binds the token to the user and device; a token is bound to one user. The
    /// user is known from then on, with the default settings until they upload.
    pub fn bind(&self, user: &str, token: &OfflinePushToken, device: &DeviceInfo) -> Result<(), ApiError> {
        self.db.execute(
            "INSERT OR IGNORE INTO settings (user, json) VALUES (?1, ?2)",
            params![user, spelled(&AccountPushSettings::default())],
        )?;
        self.db.execute(
            "INSERT INTO tokens (vendor, token, user, business_id, device) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (vendor, token) DO UPDATE SET user = excluded.user,
                 business_id = excluded.business_id, device = excluded.device",
            params![
                spelled(&token.vendor),
                token.token.0,
                user,
                token.business_id as i64,
                spelled(device)
            ],
        )?;
        Ok(())
    }

    /// Unbinds the token from the user; a token the user did not have is no change.
    pub fn unbind(&self, user: &str, token: &OfflinePushToken) -> Result<(), ApiError> {
        self.db.execute(
            "DELETE FROM tokens WHERE vendor = ?1 AND token = ?2 AND user = ?3",
            params![spelled(&token.vendor), token.token.0, user],
        )?;
        Ok(())
    }

    /// The tokens bound to the user, in the order they were bound.
    pub fn tokens(&self, user: &str) -> Result<Vec<Bound>, ApiError> {
        let mut statement = self.db.prepare(
            "SELECT vendor, token, business_id, device FROM tokens WHERE user = ?1 ORDER BY rowid",
        )?;
        let rows = statement.query_map([user], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, i64>(2)?,
                row.get::<_, String>(3)?,
            ))
        })?;
        let mut bound = Vec::new();
        for row in rows {
            let (vendor, token, business_id, device) = row?;
            bound.push(Bound {
                token: OfflinePushToken {
                    vendor: read(&vendor)?,
                    token: PushTokenValue(token),
                    business_id: business_id as u64,
                },
                device: read(&device)?,
            });
        }
        Ok(bound)
    }

    /// Puts what the vendor delivers into the device's inbox.
    pub fn deliver(
        &self,
        device: &str,
        vendor: PushVendor,
        delivered: &offline_push::DeliveredPush,
    ) -> Result<(), ApiError> {
        self.db.execute(
            "INSERT INTO inbox (device, vendor, delivered) VALUES (?1, ?2, ?3)",
            params![device, spelled(&vendor), spelled(delivered)],
        )?;
        Ok(())
    }

    /// Takes everything in the device's inbox, oldest first.
    pub fn collect(
        &mut self,
        device: &str,
    ) -> Result<Vec<(PushVendor, offline_push::DeliveredPush)>, ApiError> {
        let tx = self.db.transaction()?;
        let mut items = Vec::new();
        {
            let mut statement =
                tx.prepare("SELECT vendor, delivered FROM inbox WHERE device = ?1 ORDER BY seq")?;
            let rows = statement.query_map([device], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
            })?;
            for row in rows {
                let (vendor, delivered) = row?;
                items.push((read(&vendor)?, read(&delivered)?));
            }
        }
        tx.execute("DELETE FROM inbox WHERE device = ?1", [device])?;
        tx.commit()?;
        Ok(items)
    }
}
