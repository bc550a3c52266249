//! The packages' public names must not collide with a platform type an app uses
//! in the same file: the Kotlin package once had `NotificationChannel`, which
//! every channel-creating file of an Android app imports from `android.app`.

/// Platform types an app's push code imports beside the packages': Android's
/// (`android.app`, `android.content`, `android.os`, AndroidX's notification
/// helpers) and Apple's (Foundation, UserNotifications, UIKit).
pub const PLATFORM_TYPES: &[&str] = &[
    "NotificationChannel",
    "NotificationChannelGroup",
    "Notification",
    "NotificationManager",
    "NotificationCompat",
    "PendingIntent",
    "Intent",
    "Context",
    "Application",
    "Service",
    "Bundle",
    "Build",
    "RemoteMessage",
    "Data",
    "URL",
    "UUID",
    "Locale",
    "UNNotification",
    "UNNotificationContent",
    "UNNotificationRequest",
    "UNNotificationSound",
    "UIApplication",
];

/// The public type names declared in the UDL (records, enums, interfaces, errors).
pub fn udl_type_names(udl: &str) -> Vec<String> {
    udl.lines()
        .filter_map(|line| {
            let line = line.trim();
            let rest = ["dictionary ", "enum ", "interface ", "callback interface "]
                .iter()
                .find_map(|kw| line.strip_prefix(kw))?;
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            (!name.is_empty()).then_some(name)
        })
        .collect()
}

/// The public type names the Rust sources export with proc-macros: the object
/// and the foreign traits (the line after the attribute names the type).
pub fn exported_type_names(rust: &str) -> Vec<String> {
    let lines: Vec<&str> = rust.lines().collect();
    let mut names = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if !(line.contains("uniffi::Object") || line.contains("uniffi::export(with_foreign)")) {
            continue;
        }
        // The item follows, maybe after more attributes (`#[async_trait]`).
        if let Some(next) = lines[i + 1..]
            .iter()
            .map(|l| l.trim())
            .find(|l| !l.starts_with("#["))
        {
            let rest = ["pub struct ", "pub trait ", "pub enum "]
                .iter()
                .find_map(|kw| next.strip_prefix(kw));
            if let Some(rest) = rest {
                names.push(
                    rest.chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect(),
                );
            }
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Profile, Project};

    #[test]
    fn no_public_name_collides_with_a_platform_type() {
        let project = Project::here(Profile::Debug);
        let mut names =
            udl_type_names(&std::fs::read_to_string(project.path("core/src/offline_push.udl")).unwrap());
        for file in [
            "core/src/ffi/manager.rs",
            "core/src/backend.rs",
            "core/src/listener.rs",
        ] {
            names.extend(exported_type_names(
                &std::fs::read_to_string(project.path(file)).unwrap(),
            ));
        }
        assert!(names.len() > 40, "the UDL was read: {names:?}");
        for expected in [
            "OfflinePushManager",
            "PushBackend",
            "OfflinePushListener",
            "PushChannel",
        ] {
            assert!(names.iter().any(|n| n == expected), "{expected} in {names:?}");
        }
        let collisions: Vec<&String> = names
            .iter()
            .filter(|n| PLATFORM_TYPES.contains(&n.as_str()))
            .collect();
        assert!(
            collisions.is_empty(),
            "public names that meet a platform type: {collisions:?}"
        );
    }

    #[test]
    fn the_reader_sees_each_kind_of_declaration() {
        let udl = "dictionary NotificationChannel {\n};\n[Enum]\ninterface Sound {\n};\nenum Mode { \"A\" };\ncallback interface Hook {};";
        assert_eq!(
            udl_type_names(udl),
            ["NotificationChannel", "Sound", "Mode", "Hook"]
        );
        let rust = "#[derive(Debug, uniffi::Object)]\npub struct Manager {\n#[uniffi::export(with_foreign)]\n#[async_trait::async_trait]\npub trait Backend: Send {";
        assert_eq!(exported_type_names(rust), ["Manager", "Backend"]);
    }
}
