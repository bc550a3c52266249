//! V2–V4: what the public API refuses, each with its typed error. Incoming
//! network data never goes through these to raise: it is read with the lenient
//! forms (`android_sound_if_valid`) and bad values count as unset.

use super::{filled, limits, non_empty_owned};
use crate::error::Error;
use crate::model::{
    DoNotDisturbWindow, MessagePushSettings, OfflinePushSettings, OfflinePushToken, PushSound,
};
use crate::view::SoundView;

const ANDROID_RESOURCE: &str = "android.resource://";
const SECONDS_PER_DAY: i32 = 86_400;
/// The widest offset any time zone has ever used is under 15 hours; 18 hours is
/// the bound ISO 8601 and java.time accept.
const MAX_UTC_OFFSET_SECONDS: i32 = 18 * 3_600;

/// V2: whether `uri` is an app-bundled sound, `android.resource://<package>/<path>`
/// with a non-empty package and a non-empty path.
pub fn is_bundled_android_sound(uri: &str) -> bool {
    let Some(rest) = uri.strip_prefix(ANDROID_RESOURCE) else {
        return false;
    };
    match rest.split_once('/') {
        Some((package, path)) => !package.is_empty() && !path.is_empty(),
        None => false,
    }
}

/// V2, strict form for what the app sets: an unset or empty sound is fine, a
/// set one must be bundled.
pub fn check_android_sound(field: &'static str, sound: Option<String>) -> Result<Option<String>, Error> {
    if let Some(sound) = &sound {
        limits::check(field, sound.len(), limits::MAX_SOUND_BYTES)?;
    }
    match non_empty_owned(sound) {
        None => Ok(None),
        Some(uri) if is_bundled_android_sound(&uri) => Ok(Some(uri)),
        Some(_) => Err(Error::InvalidSound { field }),
    }
}

/// V2, lenient form for incoming data (docs/RULES.md, "What the public API refuses"): an invalid sound counts as unset.
pub fn android_sound_if_valid(sound: Option<&str>) -> Option<&str> {
    filled(sound).filter(|uri| uri.len() <= limits::MAX_SOUND_BYTES && is_bundled_android_sound(uri))
}

/// An iOS sound, with a custom sound of an empty path counting as unset (docs/RULES.md, "Words").
pub fn ios_sound_if_set(sound: Option<SoundView<'_>>) -> Option<SoundView<'_>> {
    sound.filter(|s| !matches!(s, SoundView::Custom("")))
}

/// V2 on the receiver's global settings; returns them normalised (empty → unset).
pub fn check_global_settings(settings: OfflinePushSettings) -> Result<OfflinePushSettings, Error> {
    Ok(OfflinePushSettings {
        enabled: settings.enabled,
        c2c_sound: check_android_sound("c2c_sound", settings.c2c_sound)?,
        group_sound: check_android_sound("group_sound", settings.group_sound)?,
    })
}

/// V2 on the settings a sender attaches to a message; returns them normalised.
pub fn check_message_push_settings(settings: MessagePushSettings) -> Result<MessagePushSettings, Error> {
    let length = |value: &Option<String>| value.as_ref().map_or(0, String::len);
    limits::check(
        "description",
        length(&settings.description),
        limits::MAX_TEXT_BYTES,
    )?;
    limits::check(
        "ext",
        settings.ext.as_ref().map_or(0, Vec::len),
        limits::MAX_EXT_BYTES,
    )?;
    if let Some(android) = &settings.android {
        limits::check("android.title", length(&android.title), limits::MAX_TEXT_BYTES)?;
    }
    if let Some(PushSound::Custom { path }) = settings.ios.as_ref().and_then(|ios| ios.sound.as_ref()) {
        limits::check("ios.sound", path.len(), limits::MAX_SOUND_BYTES)?;
    }
    let android = match settings.android {
        Some(mut android) => {
            android.title = non_empty_owned(android.title);
            android.sound = check_android_sound("android.sound", android.sound)?;
            Some(android)
        }
        None => None,
    };
    let ios = settings.ios.map(|mut ios| {
        ios.sound = ios
            .sound
            .filter(|s| ios_sound_if_set(Some(SoundView::of(s))).is_some());
        ios
    });
    Ok(MessagePushSettings {
        enabled: settings.enabled,
        description: non_empty_owned(settings.description),
        ext: settings.ext,
        android,
        ios,
    })
}

/// V3: a token must be non-empty and carry a business id other than 0. The
/// message never includes the token.
pub fn check_token(token: &OfflinePushToken) -> Result<(), Error> {
    limits::check("the token", token.token.0.len(), limits::MAX_TOKEN_BYTES)?;
    if token.token.0.is_empty() {
        return Err(Error::InvalidToken("the token is empty"));
    }
    if token.business_id == 0 {
        return Err(Error::InvalidToken(
            "the business id is 0; use the certificate id from the IM console",
        ));
    }
    Ok(())
}

/// V4: start in 0..=86399, duration in 0..=86400, and a UTC offset a device can have.
pub fn check_dnd(window: &DoNotDisturbWindow) -> Result<(), Error> {
    if !(0..SECONDS_PER_DAY).contains(&window.start_seconds) {
        return Err(Error::InvalidArgument(format!(
            "do-not-disturb start must be within 0..=86399 seconds after midnight, got {}",
            window.start_seconds
        )));
    }
    if !(0..=SECONDS_PER_DAY).contains(&window.duration_seconds) {
        return Err(Error::InvalidArgument(format!(
            "do-not-disturb duration must be within 0..=86400 seconds, got {}",
            window.duration_seconds
        )));
    }
    if !(-MAX_UTC_OFFSET_SECONDS..=MAX_UTC_OFFSET_SECONDS).contains(&window.utc_offset_seconds) {
        return Err(Error::InvalidArgument(format!(
            "UTC offset must be within -64800..=64800 seconds, got {}",
            window.utc_offset_seconds
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{PushTokenValue, PushVendor};

    #[test]
    fn v2_accepts_only_bundled_resources() {
        assert!(is_bundled_android_sound(
            "android.resource://com.example/raw/ding"
        ));
        assert!(is_bundled_android_sound(
            "android.resource://com.example/2131623936"
        ));
        for bad in [
            "",
            "android.resource://",
            "android.resource:///raw/ding",
            "android.resource://com.example",
            "android.resource://com.example/",
            "file:///sdcard/ding.mp3",
            "content://media/external/audio/1",
            "https://example.com/ding.mp3",
        ] {
            assert!(!is_bundled_android_sound(bad), "{bad:?} must be refused");
        }
    }

    #[test]
    fn v2_global_settings_refuse_a_file_uri_and_empty_counts_as_unset() {
        let bad = OfflinePushSettings {
            c2c_sound: Some("file:///sdcard/a.mp3".into()),
            ..Default::default()
        };
        assert!(matches!(
            check_global_settings(bad),
            Err(Error::InvalidSound { field: "c2c_sound" })
        ));
        let empty = OfflinePushSettings {
            group_sound: Some(String::new()),
            ..Default::default()
        };
        assert_eq!(check_global_settings(empty).unwrap().group_sound, None);
    }

    #[test]
    fn v3_token_errors_never_show_the_token() {
        let token = OfflinePushToken {
            vendor: PushVendor::Xiaomi,
            token: PushTokenValue("secret-reg-id".into()),
            business_id: 0,
        };
        let err = check_token(&token).unwrap_err();
        assert!(matches!(err, Error::InvalidToken(_)));
        assert!(!err.to_string().contains("secret-reg-id"));
        assert!(!format!("{token:?}").contains("secret-reg-id"));
    }

    #[test]
    fn v4_bounds_are_inclusive_where_the_rule_says() {
        let w = |start_seconds, duration_seconds| DoNotDisturbWindow {
            start_seconds,
            duration_seconds,
            utc_offset_seconds: 0,
        };
        assert!(check_dnd(&w(0, 0)).is_ok());
        assert!(check_dnd(&w(86_399, 86_400)).is_ok());
        assert!(check_dnd(&w(86_400, 0)).is_err());
        assert!(check_dnd(&w(-1, 0)).is_err());
        assert!(check_dnd(&w(0, 86_401)).is_err());
        assert!(check_dnd(&w(0, -1)).is_err());
    }
}
