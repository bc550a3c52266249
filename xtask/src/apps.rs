//! The checks of the demo app projects that need no Android SDK and no Xcode:
//! the Android manifest and resources compiled and linked by `aapt2` against the
//! framework resources Debian ships; each vendor entry point declared as its vendor
//! requires and present in the sources; the iOS plists, entitlements and XcodeGen
//! project agreeing with each other (`apple_checks`).

use crate::process::{describe, stdout_of};
use crate::{fail, Project, Result};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const ANDROID_APP: &str = "android-demo/app";
const MANIFEST: &str = "android-demo/app/src/main/AndroidManifest.xml";
/// The app's namespace (app/build.gradle.kts): what `.Name` in the manifest means.
const NAMESPACE: &str = "org.offlinepush.demo.app";
const APPLICATION_ID: &str = "org.offlinepush.demo";
const ANDROID_NS: &str = "http://schemas.android.com/apk/res/android";

/// One vendor entry point as its vendor's integration guide declares it.
pub struct EntryPoint {
    pub class: &'static str,
    /// `service` or `receiver`.
    pub element: &'static str,
    /// The vendor SDK's class it extends.
    pub extends: &'static str,
    /// Actions its intent filters must name.
    pub actions: &'static [&'static str],
    pub exported: bool,
    /// The permission a sender must hold, when the vendor asks for one.
    pub permission: Option<&'static str>,
}

/// Every vendor's entry point: the demo app declares each in `:push`.
pub const ENTRY_POINTS: &[EntryPoint] = &[
    EntryPoint {
        class: "FcmService",
        element: "service",
        extends: "FirebaseMessagingService",
        actions: &["com.google.firebase.MESSAGING_EVENT"],
        exported: false,
        permission: None,
    },
    EntryPoint {
        class: "HuaweiService",
        element: "service",
        extends: "HmsMessageService",
        actions: &["com.huawei.push.action.MESSAGING_EVENT"],
        exported: false,
        permission: None,
    },
    EntryPoint {
        class: "HonorService",
        element: "service",
        extends: "HonorMessageService",
        actions: &["com.hihonor.push.action.MESSAGING_EVENT"],
        exported: false,
        permission: None,
    },
    EntryPoint {
        class: "XiaomiReceiver",
        element: "receiver",
        extends: "PushMessageReceiver",
        actions: &[
            "com.xiaomi.mipush.RECEIVE_MESSAGE",
            "com.xiaomi.mipush.MESSAGE_ARRIVED",
            "com.xiaomi.mipush.ERROR",
        ],
        exported: true,
        permission: None,
    },
    EntryPoint {
        class: "VivoReceiver",
        element: "receiver",
        extends: "OpenClientPushMessageReceiver",
        actions: &["com.vivo.pushclient.action.RECEIVE"],
        exported: false,
        permission: None,
    },
    EntryPoint {
        class: "MeizuReceiver",
        element: "receiver",
        extends: "MzPushMessageReceiver",
        actions: &[
            "com.meizu.flyme.push.intent.MESSAGE",
            "com.meizu.flyme.push.intent.REGISTER.FEEDBACK",
            "com.meizu.flyme.push.intent.UNREGISTER.FEEDBACK",
        ],
        exported: true,
        permission: None,
    },
    EntryPoint {
        class: "OppoService",
        element: "service",
        extends: "DataMessageCallbackService",
        actions: &[
            "com.heytap.mcs.action.RECEIVE_MCS_MESSAGE",
            "com.heytap.msp.push.RECEIVE_MCS_MESSAGE",
        ],
        exported: true,
        permission: Some("com.heytap.mcs.permission.SEND_PUSH_MESSAGE"),
    },
];

/// A named check and what it found wrong.
pub type Check = (&'static str, std::result::Result<(), String>);

fn read(path: &Path) -> std::result::Result<String, String> {
    fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn attr<'a>(node: roxmltree::Node<'a, '_>, name: &str) -> Option<&'a str> {
    node.attribute((ANDROID_NS, name))
}

/// The source file of a manifest class name (`.push.FcmService`), in the app's sources.
fn source_of(app: &Path, name: &str) -> PathBuf {
    let full = match name.strip_prefix('.') {
        Some(rest) => format!("{NAMESPACE}.{rest}"),
        None => name.to_owned(),
    };
    app.join("src/main/kotlin")
        .join(full.replace('.', "/"))
        .with_extension("kt")
}

/// The manifest against the vendors' requirements and the app's sources.
pub fn android_manifest(manifest: &str, app: &Path) -> std::result::Result<(), String> {
    let doc = roxmltree::Document::parse(manifest).map_err(|e| format!("the manifest is not XML: {e}"))?;
    let root = doc.root_element();
    let mut problems = Vec::new();
    let permissions: Vec<&str> = root
        .children()
        .filter(|n| n.has_tag_name("uses-permission"))
        .filter_map(|n| attr(n, "name"))
        .collect();
    if !permissions.contains(&"android.permission.POST_NOTIFICATIONS") {
        problems.push("no POST_NOTIFICATIONS permission (Android 13+ posts nothing without it)".to_owned());
    }
    let Some(application) = root.children().find(|n| n.has_tag_name("application")) else {
        return Err("no <application>".into());
    };
    // Every class the manifest names in this app has a source file.
    let own = std::iter::once(application)
        .chain(application.children().filter(|n| n.is_element()))
        .filter_map(|n| attr(n, "name").filter(|name| name.starts_with('.')));
    for name in own {
        if !source_of(app, name).is_file() {
            problems.push(format!(
                "{name} has no source file {}",
                source_of(app, name).display()
            ));
        }
    }
    // The main activity: one instance, opened by the conversation links.
    let main = application
        .children()
        .find(|n| n.has_tag_name("activity") && attr(*n, "name") == Some(".MainActivity"));
    match main {
        None => problems.push("no .MainActivity".into()),
        Some(main) => {
            if attr(main, "launchMode") != Some("singleTask") {
                problems.push(".MainActivity is not singleTask".into());
            }
            let links = main.descendants().any(|n| {
                n.has_tag_name("data")
                    && attr(n, "scheme") == Some("offlinepush-demo")
                    && attr(n, "host") == Some("chat")
            });
            if !links {
                problems
                    .push(".MainActivity has no offlinepush-demo://chat filter (ConversationLink)".into());
            }
        }
    }
    for entry in ENTRY_POINTS {
        let name = format!(".push.{}", entry.class);
        let Some(node) = application
            .children()
            .find(|n| n.has_tag_name(entry.element) && attr(*n, "name") == Some(name.as_str()))
        else {
            problems.push(format!("{name} is not declared as a <{}>", entry.element));
            continue;
        };
        if attr(node, "process") != Some(":push") {
            problems.push(format!("{name} does not run in :push"));
        }
        let exported = if entry.exported { "true" } else { "false" };
        if attr(node, "exported") != Some(exported) {
            problems.push(format!("{name} must say android:exported=\"{exported}\""));
        }
        if attr(node, "permission") != entry.permission {
            problems.push(format!(
                "{name} must ask for the permission {:?}",
                entry.permission
            ));
        }
        let actions: Vec<&str> = node
            .descendants()
            .filter(|n| n.has_tag_name("action"))
            .filter_map(|n| attr(n, "name"))
            .collect();
        for action in entry.actions {
            if !actions.contains(action) {
                problems.push(format!("{name} does not listen for {action}"));
            }
        }
        let source = source_of(app, &name);
        match read(&source) {
            Ok(text) if text.contains(&format!("class {} : {}()", entry.class, entry.extends)) => {}
            Ok(_) => problems.push(format!("{} does not extend {}", entry.class, entry.extends)),
            Err(e) => problems.push(e),
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

/// Files under `dir` with extension `ext`, recursively.
fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            // Build folders (.build, .gradle) hold generated sources, not ours.
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            if path.is_dir() {
                out.extend(files(&path, ext));
            } else if path.extension().is_some_and(|e| e == ext) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Lines of `dir`'s sources that import one of `forbidden`.
pub fn imports_of(dir: &Path, ext: &str, forbidden: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for file in files(dir, ext) {
        let text = fs::read_to_string(&file).unwrap_or_default();
        for line in text.lines() {
            let line = line.trim();
            let imported = line
                .strip_prefix("import ")
                .map(|i| i.trim_start_matches("class "));
            if let Some(imported) = imported {
                if forbidden.iter().any(|f| imported.starts_with(f)) {
                    found.push(format!("{}: {line}", file.display()));
                }
            }
        }
    }
    found
}

/// The neutral modules import nothing of the platform; the apps use only the
/// packages' public API (never the generated FFI layer or JNA).
pub fn boundaries(project: &Project) -> Vec<Check> {
    let check = |found: Vec<String>| {
        if found.is_empty() {
            Ok(())
        } else {
            Err(found.join("; "))
        }
    };
    vec![
        (
            "android-demo/shared imports no android.*",
            check(imports_of(
                &project.path("android-demo/shared"),
                "kt",
                &["android.", "androidx."],
            )),
        ),
        (
            "ios-demo/shared imports no UIKit or UserNotifications",
            check(imports_of(
                &project.path("ios-demo/shared"),
                "swift",
                &["UIKit", "UserNotifications", "SwiftUI"],
            )),
        ),
        (
            "the Android app uses only the package's public API",
            check(imports_of(
                &project.path(ANDROID_APP),
                "kt",
                &["uniffi.", "com.sun.jna", "org.offlinepush.FfiConverter"],
            )),
        ),
        (
            "the iOS app uses only the package's public API",
            check(imports_of(
                &project.path("ios-demo"),
                "swift",
                &["OfflinePushFFI"],
            )),
        ),
    ]
}

/// aapt2 and the framework resources: Debian's on Linux, the Android SDK's
/// (`ANDROID_HOME`) elsewhere.
fn android_tools(project: &Project) -> Result<(PathBuf, PathBuf)> {
    if cfg!(target_os = "linux") {
        let mut cmd = Command::new("bash");
        cmd.arg(project.path("scripts/toolchains.sh")).arg("android-env");
        let text = stdout_of(&mut cmd)?;
        let aapt2 = crate::toolchains::parse_env_lines(&text, "AAPT2");
        let framework = crate::toolchains::parse_env_lines(&text, "FRAMEWORK_RES");
        return aapt2
            .zip(framework)
            .ok_or_else(|| fail!("scripts/toolchains.sh android-env named no aapt2"));
    }
    let home = std::env::var_os("ANDROID_HOME")
        .map(PathBuf::from)
        .ok_or_else(|| fail!("set ANDROID_HOME to an Android SDK (aapt2 and a platform's android.jar)"))?;
    let newest = |dir: PathBuf| -> Option<PathBuf> {
        let mut all: Vec<PathBuf> = fs::read_dir(dir).ok()?.flatten().map(|e| e.path()).collect();
        all.sort();
        all.pop()
    };
    let aapt2 = newest(home.join("build-tools")).map(|d| d.join("aapt2"));
    let jar = newest(home.join("platforms")).map(|d| d.join("android.jar"));
    aapt2
        .zip(jar)
        .ok_or_else(|| fail!("no build-tools or platforms in ANDROID_HOME"))
}

/// The manifest as Gradle's merger hands it to aapt2: the package from the
/// namespace, `${applicationId}` filled in.
fn merged_manifest(manifest: &str) -> String {
    manifest
        .replacen(
            &format!("<manifest xmlns:android=\"{ANDROID_NS}\">"),
            &format!("<manifest xmlns:android=\"{ANDROID_NS}\" package=\"{NAMESPACE}\">"),
            1,
        )
        .replace("${applicationId}", APPLICATION_ID)
}

/// `aapt2 compile` of the resources and `aapt2 link` with `manifest`.
fn aapt2_link(aapt2: &Path, framework: &Path, res: &Path, manifest: &str, work: &Path) -> Result<()> {
    if work.exists() {
        fs::remove_dir_all(work)?;
    }
    fs::create_dir_all(work)?;
    let compiled = work.join("res.zip");
    let mut compile = Command::new(aapt2);
    compile
        .arg("compile")
        .arg("--dir")
        .arg(res)
        .arg("-o")
        .arg(&compiled);
    checked(&mut compile).map_err(|e| fail!("aapt2 compile: {e}"))?;
    let manifest_file = work.join("AndroidManifest.xml");
    fs::write(&manifest_file, merged_manifest(manifest))?;
    let mut link = Command::new(aapt2);
    link.arg("link")
        .arg("-I")
        .arg(framework)
        .arg("--manifest")
        .arg(&manifest_file)
        .args([
            "--min-sdk-version",
            "23",
            "--rename-manifest-package",
            APPLICATION_ID,
        ])
        .arg("-o")
        .arg(work.join("resources.ap_"))
        .arg(&compiled);
    checked(&mut link).map_err(|e| fail!("aapt2 link: {e}"))
}

/// Runs a checking tool quietly: what it said on stderr when it refused.
fn checked(cmd: &mut Command) -> std::result::Result<(), String> {
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run `{}`: {e}", describe(cmd)))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_owned())
    }
}

/// The Android app's checks: aapt2 links the resources and manifest, and refuses
/// a manifest that names a resource that is not there (so the check can fail);
/// the manifest's structure against the vendors.
pub fn android_checks(project: &Project) -> Vec<Check> {
    let manifest = match read(&project.path(MANIFEST)) {
        Ok(m) => m,
        Err(e) => return vec![("the Android manifest is readable", Err(e))],
    };
    let res = project.path("android-demo/app/src/main/res");
    let work = project.build_dir().join("android-resources");
    let linked = android_tools(project)
        .map_err(|e| e.to_string())
        .and_then(|(aapt2, framework)| {
            aapt2_link(&aapt2, &framework, &res, &manifest, &work).map_err(|e| e.to_string())?;
            let broken = manifest.replacen("@string/app_name", "@string/no_such_string", 1);
            match aapt2_link(&aapt2, &framework, &res, &broken, &work.join("selfcheck")) {
                Err(_) => Ok(()),
                Ok(()) => {
                    Err("aapt2 linked a manifest naming a missing string: the check proves nothing".into())
                }
            }
        });
    vec![
        (
            "aapt2 compiles and links the Android app's manifest and resources",
            linked,
        ),
        (
            "each vendor entry point is declared as its vendor requires, and exists",
            android_manifest(&manifest, &project.path(ANDROID_APP)),
        ),
    ]
}

// --- iOS ------------------------------------------------------------------------------

/// A property list (XML) as JSON: dict, array, string, integer, true, false.
pub fn plist(text: &str) -> std::result::Result<serde_json::Value, String> {
    use serde_json::Value;
    fn value(node: roxmltree::Node) -> std::result::Result<Value, String> {
        let text = || node.text().unwrap_or_default().to_owned();
        match node.tag_name().name() {
            "string" => Ok(Value::String(text())),
            "integer" => text()
                .trim()
                .parse::<i64>()
                .map(Value::from)
                .map_err(|_| format!("not an integer: {}", text())),
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            "array" => node.children().filter(|n| n.is_element()).map(value).collect(),
            "dict" => {
                let mut map = serde_json::Map::new();
                let mut it = node.children().filter(|n| n.is_element());
                while let Some(key) = it.next() {
                    if !key.has_tag_name("key") {
                        return Err(format!("<{}> where a <key> belongs", key.tag_name().name()));
                    }
                    let name = key.text().unwrap_or_default().to_owned();
                    let item = it.next().ok_or_else(|| format!("the key {name} has no value"))?;
                    if map.insert(name.clone(), value(item)?).is_some() {
                        return Err(format!("the key {name} twice"));
                    }
                }
                Ok(Value::Object(map))
            }
            other => Err(format!("<{other}> is not a plist value this project uses")),
        }
    }
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    let doc = roxmltree::Document::parse_with_options(text, options).map_err(|e| format!("not XML: {e}"))?;
    let root = doc.root_element();
    if !root.has_tag_name("plist") {
        return Err("the root is not <plist>".into());
    }
    let mut top = root.children().filter(|n| n.is_element());
    match (top.next(), top.next()) {
        (Some(only), None) => value(only),
        _ => Err("a plist holds exactly one value".into()),
    }
}

/// The parts of the iOS project the checks compare.
pub struct IosProject {
    pub app_info: serde_json::Value,
    pub app_entitlements: serde_json::Value,
    pub extension_info: serde_json::Value,
    pub extension_entitlements: serde_json::Value,
    /// (bundle id, Info.plist, entitlements) per target, from project.yml.
    pub app_target: (String, String, String),
    pub extension_target: (String, String, String),
    pub app_embeds_extension: bool,
    pub packages: Vec<String>,
    pub extension_source: String,
}

const IOS: &str = "ios-demo";
const APP_TARGET: &str = "OfflinePushDemo";
const EXTENSION_TARGET: &str = "NotificationService";

/// Reads project.yml and the files it names.
pub fn ios_project(dir: &Path) -> std::result::Result<IosProject, String> {
    use yaml_rust2::{Yaml, YamlLoader};
    let docs = YamlLoader::load_from_str(&read(&dir.join("project.yml"))?)
        .map_err(|e| format!("project.yml is not YAML: {e}"))?;
    let yaml = docs.first().ok_or("project.yml is empty")?;
    let target = |name: &str| -> std::result::Result<(String, String, String), String> {
        let settings = &yaml["targets"][name]["settings"]["base"];
        let field = |key: &str| {
            settings[key]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| format!("project.yml: the target {name} has no {key}"))
        };
        Ok((
            field("PRODUCT_BUNDLE_IDENTIFIER")?,
            field("INFOPLIST_FILE")?,
            field("CODE_SIGN_ENTITLEMENTS")?,
        ))
    };
    let app_target = target(APP_TARGET)?;
    let extension_target = target(EXTENSION_TARGET)?;
    if yaml["targets"][EXTENSION_TARGET]["type"].as_str() != Some("app-extension") {
        return Err(format!("project.yml: {EXTENSION_TARGET} is not an app-extension"));
    }
    let app_embeds_extension = yaml["targets"][APP_TARGET]["dependencies"]
        .as_vec()
        .into_iter()
        .flatten()
        .any(|d| d["target"].as_str() == Some(EXTENSION_TARGET) && d["embed"] != Yaml::Boolean(false));
    let mut packages = Vec::new();
    if let Some(map) = yaml["packages"].as_hash() {
        for (_, package) in map {
            if let Some(path) = package["path"].as_str() {
                packages.push(path.to_owned());
            }
        }
    }
    let load = |file: &str| read(&dir.join(file)).and_then(|t| plist(&t).map_err(|e| format!("{file}: {e}")));
    Ok(IosProject {
        app_info: load(&app_target.1)?,
        app_entitlements: load(&app_target.2)?,
        extension_info: load(&extension_target.1)?,
        extension_entitlements: load(&extension_target.2)?,
        app_target,
        extension_target,
        app_embeds_extension,
        packages,
        extension_source: read(&dir.join("NotificationService/NotificationService.swift"))?,
    })
}

fn problems(found: Vec<String>) -> std::result::Result<(), String> {
    if found.is_empty() {
        Ok(())
    } else {
        Err(found.join("; "))
    }
}

/// One app group everywhere: both entitlements and both Info.plists name the same one.
pub fn one_app_group(p: &IosProject) -> std::result::Result<(), String> {
    let groups = |entitlements: &serde_json::Value| {
        entitlements["com.apple.security.application-groups"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|g| g.as_str().map(str::to_owned))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    let (app, ext) = (groups(&p.app_entitlements), groups(&p.extension_entitlements));
    let mut found = Vec::new();
    if app.len() != 1 || app != ext {
        found.push(format!(
            "the app's groups {app:?} and the extension's {ext:?} differ"
        ));
    }
    for (who, info) in [("app", &p.app_info), ("extension", &p.extension_info)] {
        if info["OfflinePushAppGroup"].as_str() != app.first().map(String::as_str) {
            found.push(format!("the {who}'s Info.plist names another app group"));
        }
    }
    problems(found)
}

/// The extension is a notification service whose class exists, under the app's id,
/// embedded in the app, with the filtering entitlement; the app can receive pushes.
pub fn extension_wiring(p: &IosProject) -> std::result::Result<(), String> {
    let mut found = Vec::new();
    let ext = &p.extension_info["NSExtension"];
    if ext["NSExtensionPointIdentifier"] != "com.apple.usernotifications.service" {
        found.push("the extension point is not com.apple.usernotifications.service".to_owned());
    }
    let principal = ext["NSExtensionPrincipalClass"].as_str().unwrap_or_default();
    let class = principal
        .strip_prefix("$(PRODUCT_MODULE_NAME).")
        .unwrap_or(principal);
    if class.is_empty()
        || !p
            .extension_source
            .contains(&format!("class {class}: UNNotificationServiceExtension"))
    {
        found.push(format!(
            "the principal class {principal} is not a UNNotificationServiceExtension in the sources"
        ));
    }
    if !p.extension_target.0.starts_with(&format!("{}.", p.app_target.0)) {
        found.push(format!(
            "the extension's bundle id {} is not under the app's {}",
            p.extension_target.0, p.app_target.0
        ));
    }
    if !p.app_embeds_extension {
        found.push("the app does not embed the extension".into());
    }
    if p.extension_entitlements["com.apple.developer.usernotifications.filtering"] != true {
        found.push(
            "the extension lacks the notification-filtering entitlement (W5: a suppressed push would show)"
                .into(),
        );
    }
    if p.app_entitlements["aps-environment"].as_str().is_none() {
        found.push("the app has no aps-environment entitlement".into());
    }
    let modes = p.app_info["UIBackgroundModes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if !modes.iter().any(|m| m == "remote-notification") {
        found.push("the app's background modes lack remote-notification".into());
    }
    let schemes: Vec<serde_json::Value> = p.app_info["CFBundleURLTypes"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|t| t["CFBundleURLSchemes"].as_array().cloned().unwrap_or_default())
        .collect();
    if !schemes.iter().any(|s| s == "offlinepush-demo") {
        found.push("the app does not open offlinepush-demo:// links (ConversationLink)".into());
    }
    problems(found)
}

/// The iOS project's checks.
pub fn apple_checks(project: &Project) -> Vec<Check> {
    let dir = project.path(IOS);
    match ios_project(&dir) {
        Err(e) => vec![("project.yml, the plists and the entitlements read", Err(e))],
        Ok(p) => {
            let packages = problems(
                p.packages
                    .iter()
                    .filter(|path| !dir.join(path).join("Package.swift").is_file())
                    .map(|path| format!("project.yml names the package {path}, which has no Package.swift"))
                    .collect(),
            );
            vec![
                (
                    "one app group in both targets' entitlements and Info.plists",
                    one_app_group(&p),
                ),
                (
                    "the extension: its point, principal class, bundle id, embedding and entitlements",
                    extension_wiring(&p),
                ),
                ("project.yml's packages exist", packages),
            ]
        }
    }
}

/// The app's and the extension's Swift parses (`swiftc -parse`): UIKit, SwiftUI and
/// UserNotifications are not on Linux, so this is as far as they are checked here.
pub fn ios_sources_parse(project: &Project) -> Check {
    let name = "the iOS app's and extension's Swift parses (swiftc -parse; no UIKit here to type-check it)";
    let result = (|| -> std::result::Result<(), String> {
        let swift =
            crate::toolchains::swift(project, crate::toolchains::Mode::Install).map_err(|e| e.to_string())?;
        let dir = project.path(IOS);
        let sources: Vec<PathBuf> = ["App", "Common", "NotificationService"]
            .iter()
            .flat_map(|folder| files(&dir.join(folder), "swift"))
            .collect();
        if sources.is_empty() {
            return Err("no Swift sources in ios-demo/App, Common, NotificationService".into());
        }
        checked(
            swift
                .exec(project, &dir, Path::new("swiftc"))
                .arg("-parse")
                .args(&sources),
        )
    })();
    (name, result)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project() -> Project {
        Project::here(crate::Profile::Debug)
    }

    #[test]
    fn the_demo_manifest_passes_and_each_kind_of_mistake_is_caught() {
        let project = project();
        let app = project.path(ANDROID_APP);
        let manifest = fs::read_to_string(project.path(MANIFEST)).unwrap();
        android_manifest(&manifest, &app).unwrap();
        let mistakes = [
            (
                "android:name=\".push.FcmService\"\n            android:exported=\"false\"",
                "android:name=\".push.FcmService\"\n            android:exported=\"true\"",
                "exported",
            ),
            (
                "com.xiaomi.mipush.MESSAGE_ARRIVED",
                "com.xiaomi.mipush.OTHER",
                "MESSAGE_ARRIVED",
            ),
            (
                "android:launchMode=\"singleTask\"",
                "android:launchMode=\"standard\"",
                "singleTask",
            ),
            (
                "android.permission.POST_NOTIFICATIONS",
                "android.permission.VIBRATE",
                "POST_NOTIFICATIONS",
            ),
            (
                "android:name=\".push.VivoReceiver\"",
                "android:name=\".push.VivoReceiverGone\"",
                "VivoReceiver",
            ),
            (
                "android:permission=\"com.heytap.mcs.permission.SEND_PUSH_MESSAGE\"",
                "",
                "permission",
            ),
        ];
        for (from, to, said) in mistakes {
            assert!(manifest.contains(from), "{from}");
            let broken = manifest.replacen(from, to, 1);
            let error = android_manifest(&broken, &app).unwrap_err();
            assert!(error.contains(said), "{said}: {error}");
        }
        // One :push process for every entry point.
        let moved = manifest.replacen("android:process=\":push\"", "android:process=\":other\"", 1);
        assert!(android_manifest(&moved, &app).unwrap_err().contains(":push"));
    }

    #[test]
    fn the_boundaries_hold_and_an_import_is_found() {
        for (name, result) in boundaries(&project()) {
            assert!(result.is_ok(), "{name}: {result:?}");
        }
        let dir = std::env::temp_dir().join(format!("apps-imports-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("A.kt"), "package a\nimport android.content.Context\n").unwrap();
        assert_eq!(imports_of(&dir, "kt", &["android."]).len(), 1);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_ios_project_passes_and_each_kind_of_mistake_is_caught() {
        let dir = project().path(IOS);
        let good = || ios_project(&dir).unwrap();
        for (name, result) in apple_checks(&project()) {
            assert!(result.is_ok(), "{name}: {result:?}");
        }
        let mut p = good();
        p.extension_entitlements["com.apple.security.application-groups"] =
            serde_json::json!(["group.other"]);
        assert!(one_app_group(&p).unwrap_err().contains("differ"));
        let mut p = good();
        p.app_info["OfflinePushAppGroup"] = serde_json::json!("group.other");
        assert!(one_app_group(&p).unwrap_err().contains("app's Info.plist"));
        let mut p = good();
        p.extension_target.0 = "org.example.NotificationService".into();
        assert!(extension_wiring(&p).unwrap_err().contains("not under"));
        let mut p = good();
        p.extension_entitlements["com.apple.developer.usernotifications.filtering"] =
            serde_json::json!(false);
        assert!(extension_wiring(&p).unwrap_err().contains("filtering"));
        let mut p = good();
        p.extension_info["NSExtension"]["NSExtensionPrincipalClass"] =
            serde_json::json!("$(PRODUCT_MODULE_NAME).Gone");
        assert!(extension_wiring(&p).unwrap_err().contains("Gone"));
        let mut p = good();
        p.extension_info["NSExtension"]["NSExtensionPointIdentifier"] =
            serde_json::json!("com.apple.widgetkit-extension");
        assert!(extension_wiring(&p).unwrap_err().contains("extension point"));
    }

    #[test]
    fn plists_read_as_json_and_bad_ones_are_refused() {
        let doc = r#"<?xml version="1.0"?><!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "x"><plist version="1.0"><dict><key>a</key><array><string>x</string><true/><integer>3</integer></array></dict></plist>"#;
        assert_eq!(plist(doc).unwrap(), serde_json::json!({"a": ["x", true, 3]}));
        assert!(plist("<plist><dict><key>a</key></dict></plist>")
            .unwrap_err()
            .contains("no value"));
        assert!(plist("<plist><dict><string>a</string></dict></plist>").is_err());
        assert!(plist("<dict/>").is_err());
    }

    #[test]
    fn the_merged_manifest_has_the_package_and_the_application_id() {
        let merged = merged_manifest(&format!(
            "<manifest xmlns:android=\"{ANDROID_NS}\"><category android:name=\"${{applicationId}}\"/></manifest>"
        ));
        assert!(merged.contains("package=\"org.offlinepush.demo.app\""));
        assert!(merged.contains("android:name=\"org.offlinepush.demo\""));
    }
}
