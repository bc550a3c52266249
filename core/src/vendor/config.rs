//! The app's vendor configuration, checked when it is given, and the Android
//! notification channels it implies. On Android 8+ a notification plays the
//! sound of its channel, not its own: a message's custom sound (S1) is heard only
//! on a channel made with that sound, so every custom sound gets its own
//! channel id, derived from the vendor's channel and the sound's name.

use crate::error::Error;
use crate::model::{PushChannel, PushVendor, VendorConfig, VivoClassification};
use crate::rules::{non_empty_owned, validate};

/// vivo's categories for system messages and for operation messages (vivo's
/// push docs, "classification and category").
const VIVO_SYSTEM: [&str; 6] = [
    "IM",
    "ACCOUNT",
    "TODO",
    "DEVICE_REMINDER",
    "ORDER",
    "SUBSCRIPTION",
];
const VIVO_OPERATION: [&str; 4] = ["NEWS", "CONTENT", "MARKETING", "SOCIAL"];
/// Huawei's self-classification categories (Push Kit, "message classification").
const HUAWEI_CATEGORIES: [&str; 12] = [
    "IM",
    "VOIP",
    "SUBSCRIPTION",
    "TRAVEL",
    "HEALTH",
    "WORK",
    "ACCOUNT",
    "EXPRESS",
    "FINANCE",
    "DEVICE_REMINDER",
    "MAIL",
    "MARKETING",
];
/// The channel of a vendor the app configured none for.
pub const DEFAULT_CHANNEL_ID: &str = "offline_push";
/// Android's channel ids have no documented limit; vendors' consoles take 64.
const MAX_CHANNEL_ID: usize = 64;

fn check_channel(field: &'static str, id: Option<String>) -> Result<Option<String>, Error> {
    let Some(id) = non_empty_owned(id) else {
        return Ok(None);
    };
    if id.chars().count() > MAX_CHANNEL_ID || id.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::InvalidArgument(format!(
            "{field} must be at most {MAX_CHANNEL_ID} characters without spaces"
        )));
    }
    Ok(Some(id))
}

/// Checks and normalises the configuration (empty strings become unset).
pub fn check_config(config: VendorConfig) -> Result<VendorConfig, Error> {
    let vivo_category = non_empty_owned(config.vivo_category);
    if let Some(category) = &vivo_category {
        let allowed: &[&str] = match config.vivo_classification {
            Some(VivoClassification::System) => &VIVO_SYSTEM,
            Some(VivoClassification::Operation) => &VIVO_OPERATION,
            None => {
                return Err(Error::InvalidArgument(
                    "vivo_category needs vivo_classification".into(),
                ))
            }
        };
        if !allowed.contains(&category.as_str()) {
            return Err(Error::InvalidArgument(format!(
                "vivo_category must be one of {} for this classification",
                allowed.join(", ")
            )));
        }
    }
    let huawei_category = non_empty_owned(config.huawei_category);
    if let Some(category) = &huawei_category {
        if !HUAWEI_CATEGORIES.contains(&category.as_str()) {
            return Err(Error::InvalidArgument(format!(
                "huawei_category must be one of {}",
                HUAWEI_CATEGORIES.join(", ")
            )));
        }
    }
    Ok(VendorConfig {
        fcm_channel_id: check_channel("fcm_channel_id", config.fcm_channel_id)?,
        xiaomi_channel_id: check_channel("xiaomi_channel_id", config.xiaomi_channel_id)?,
        huawei_channel_id: check_channel("huawei_channel_id", config.huawei_channel_id)?,
        honor_channel_id: check_channel("honor_channel_id", config.honor_channel_id)?,
        oppo_channel_id: check_channel("oppo_channel_id", config.oppo_channel_id)?,
        vivo_classification: config.vivo_classification,
        vivo_category,
        huawei_category,
        huawei_importance: config.huawei_importance,
        honor_importance: config.honor_importance,
        fcm_delivery: config.fcm_delivery,
    })
}

/// The vendor's configured channel for the system sound; OPPO has no default.
pub(crate) fn base_channel(config: &VendorConfig, vendor: PushVendor) -> Result<String, Error> {
    let configured = match vendor {
        PushVendor::Fcm => &config.fcm_channel_id,
        PushVendor::Xiaomi => &config.xiaomi_channel_id,
        PushVendor::Huawei => &config.huawei_channel_id,
        PushVendor::Honor => &config.honor_channel_id,
        PushVendor::Oppo => {
            return config.oppo_channel_id.clone().ok_or(Error::NotConfigured(
                "OPPO shows no notification without a channel id: set oppo_channel_id",
            ))
        }
        PushVendor::Apns | PushVendor::ApnsVoip | PushVendor::Vivo | PushVendor::Meizu => &None,
    };
    Ok(configured
        .clone()
        .unwrap_or_else(|| DEFAULT_CHANNEL_ID.to_owned()))
}

/// A sound resource's name: the last part of its URI (`ding` of
/// `android.resource://app/raw/ding`).
pub(crate) fn resource_name(sound_uri: &str) -> &str {
    sound_uri.rsplit('/').next().unwrap_or_default()
}

/// The channel a custom sound plays on: `<vendor channel>.sound.<name>`, the
/// name being the resource's (`resource_name`), letters, digits and `_` kept.
pub fn sound_channel_id(base: &str, sound_uri: &str) -> String {
    let name: String = resource_name(sound_uri)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{base}.sound.{name}")
}

/// The channels the app must create for `vendor`: its channel with the
/// system's sound, and one per distinct valid custom sound. An invalid sound
/// (V2) is refused.
pub fn notification_channels(
    config: &VendorConfig,
    vendor: PushVendor,
    sounds: &[String],
) -> Result<Vec<PushChannel>, Error> {
    let base = base_channel(config, vendor)?;
    let mut channels = vec![PushChannel {
        channel_id: base.clone(),
        sound: None,
    }];
    for sound in sounds {
        let Some(uri) = validate::check_android_sound("sounds", Some(sound.clone()))? else {
            continue;
        };
        let channel_id = sound_channel_id(&base, &uri);
        if !channels.iter().any(|c| c.channel_id == channel_id) {
            channels.push(PushChannel {
                channel_id,
                sound: Some(uri),
            });
        }
    }
    Ok(channels)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_configuration_is_checked_and_normalised() {
        let config = check_config(VendorConfig {
            oppo_channel_id: Some("im".into()),
            fcm_channel_id: Some(String::new()),
            vivo_classification: Some(VivoClassification::System),
            vivo_category: Some("IM".into()),
            huawei_category: Some("IM".into()),
            ..VendorConfig::default()
        })
        .unwrap();
        assert_eq!(config.fcm_channel_id, None);
        assert_eq!(config.oppo_channel_id.as_deref(), Some("im"));
        for bad in [
            VendorConfig {
                vivo_category: Some("IM".into()),
                ..VendorConfig::default()
            },
            VendorConfig {
                vivo_classification: Some(VivoClassification::Operation),
                vivo_category: Some("IM".into()),
                ..VendorConfig::default()
            },
            VendorConfig {
                huawei_category: Some("GAMES".into()),
                ..VendorConfig::default()
            },
            VendorConfig {
                xiaomi_channel_id: Some("with space".into()),
                ..VendorConfig::default()
            },
        ] {
            assert!(matches!(check_config(bad), Err(Error::InvalidArgument(_))));
        }
    }

    #[test]
    fn s1_every_custom_sound_gets_a_channel_and_oppo_needs_one() {
        let config = VendorConfig {
            xiaomi_channel_id: Some("chat".into()),
            ..VendorConfig::default()
        };
        let sounds = [
            "android.resource://com.app/raw/ding".to_owned(),
            "android.resource://com.app/raw/ding".to_owned(),
            String::new(),
            "android.resource://com.app/raw/ring-2".to_owned(),
        ];
        let channels = notification_channels(&config, PushVendor::Xiaomi, &sounds).unwrap();
        let ids: Vec<_> = channels.iter().map(|c| c.channel_id.as_str()).collect();
        assert_eq!(ids, ["chat", "chat.sound.ding", "chat.sound.ring_2"]);
        assert_eq!(
            channels[1].sound.as_deref(),
            Some("android.resource://com.app/raw/ding")
        );
        assert!(matches!(
            notification_channels(&config, PushVendor::Xiaomi, &["file:///x.mp3".into()]),
            Err(Error::InvalidSound { .. })
        ));
        assert!(matches!(
            notification_channels(&config, PushVendor::Oppo, &[]),
            Err(Error::NotConfigured(_))
        ));
        let fcm = notification_channels(&VendorConfig::default(), PushVendor::Fcm, &[]).unwrap();
        assert_eq!(fcm[0].channel_id, DEFAULT_CHANNEL_ID);
    }
}
