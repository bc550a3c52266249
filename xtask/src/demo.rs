//! `./dev demo`: one day of two phones, through real processes, a real store and
//! real HTTP. The demo backend (`demo-backend/`) serves on a loopback port; the
//! Android device is two JVM processes on one store directory (the app and its
//! `:push` process, `android-demo/device`), the iOS device a Swift process standing
//! for iOS that runs the app's process and, per push, the Notification Service
//! Extension's (`ios-demo/device`). This module plays the day: it makes the
//! devices' users act, sends messages through the backend, and prints what each
//! user sees and why. Nothing in the day depends on the clock or on chance (fixed
//! message times, a do-not-disturb window placed by them, a sync policy that
//! retries at once), so the transcript is the same on every run; `./dev test`
//! compares it with `tests/demo/day.txt`.

use crate::jvm::{android_device, java};
use crate::process::describe;
use crate::toolchains::{self, Mode};
use crate::{fail, step, Project, Result};
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

/// The committed transcript the test compares with.
pub const EXPECTED: &str = "tests/demo/day.txt";

/// 2026-12-07 00:00 in UTC+8, where both users live.
const MIDNIGHT: i64 = 1_796_572_800;
const UTC_OFFSET: i64 = 8 * 3600;

/// One process the day talks to: a command line in, one JSON line out.
struct Peer {
    name: &'static str,
    child: Child,
    input: ChildStdin,
    lines: Receiver<String>,
}

impl Peer {
    fn start(name: &'static str, cmd: &mut Command) -> Result<Peer> {
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| fail!("cannot start the {name} (`{}`): {e}", describe(cmd)))?;
        let input = child.stdin.take().expect("piped");
        let output = child.stdout.take().expect("piped");
        let (send, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(output).lines().map_while(|l| l.ok()) {
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        Ok(Peer {
            name,
            child,
            input,
            lines,
        })
    }

    /// Sends one command and waits for its answer (a device waits at most the
    /// store's 5 s busy timeout and a backend call's 5 s; a minute means it hangs).
    fn ask(&mut self, command: &str) -> Result<Value> {
        writeln!(self.input, "{command}")
            .and_then(|()| self.input.flush())
            .map_err(|e| fail!("the {} stopped before `{command}`: {e}", self.name))?;
        let line = self
            .lines
            .recv_timeout(Duration::from_secs(60))
            .map_err(|_| fail!("the {} gave no answer to `{command}`", self.name))?;
        let answer: Value = serde_json::from_str(&line)
            .map_err(|e| fail!("the {} answered `{command}` with `{line}`: {e}", self.name))?;
        if answer["ok"] == json!(false) {
            return Err(fail!(
                "the {} refused `{command}`: {}",
                self.name,
                answer["error"]
            ));
        }
        Ok(answer)
    }

    fn stop(mut self) {
        let _ = writeln!(self.input, "quit");
        let _ = self.input.flush();
        for _ in 0..50 {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The demo backend, stopped when dropped.
struct Backend {
    child: Child,
    url: String,
}

impl Backend {
    fn start(project: &Project, data: &Path) -> Result<Backend> {
        let program = project.top.join("target/debug/demo-backend");
        let mut cmd = Command::new(&program);
        cmd.arg("--port").arg("0").arg("--data").arg(data);
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| fail!("cannot start the demo backend (`{}`): {e}", describe(&cmd)))?;
        let mut first = String::new();
        BufReader::new(child.stdout.take().expect("piped"))
            .read_line(&mut first)
            .map_err(|e| fail!("the demo backend said nothing: {e}"))?;
        let url = first
            .trim()
            .strip_prefix("demo-backend: listening on ")
            .ok_or_else(|| fail!("the demo backend did not start: `{}`", first.trim()))?
            .to_owned();
        Ok(Backend { child, url })
    }

    fn call(&self, method: &str, path: &str, body: Value) -> Result<Value> {
        let url = format!("{}{path}", self.url);
        let response = ureq::request(method, &url).send_json(body);
        let text = match response {
            Ok(r) => r.into_string(),
            Err(ureq::Error::Status(code, r)) => {
                return Err(fail!(
                    "{method} {path}: HTTP {code}: {}",
                    r.into_string().unwrap_or_default()
                ))
            }
            Err(e) => return Err(fail!("{method} {path}: {e}")),
        }
        .map_err(|e| fail!("{method} {path}: {e}"))?;
        Ok(if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).map_err(|e| fail!("{method} {path}: {e}"))?
        })
    }
}

impl Drop for Backend {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What one user saw of one message.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Seen {
    Shown {
        title: String,
        text: String,
        badge: Option<u64>,
    },
    /// The device's rules kept it quiet.
    Quiet(String),
    /// The server's rules kept it from being sent (W2).
    Withheld(String),
    /// Nothing reached the device: no token bound.
    NotSent,
}

impl Seen {
    /// What the rules decide the same on both platforms: shown or not, why,
    /// title and content (not where it was decided, the sound or the badge).
    fn verdict(&self) -> String {
        match self {
            Seen::Shown { title, text, .. } => format!("shown: {title} / {text}"),
            Seen::Quiet(r) | Seen::Withheld(r) => format!("not shown: {r}"),
            Seen::NotSent => "not sent".into(),
        }
    }

    fn describe(&self) -> String {
        match self {
            Seen::Shown { title, text, badge } => {
                let badge = badge.map(|b| format!(" (badge {b})")).unwrap_or_default();
                format!("shown: \"{title}\" · \"{text}\"{badge}")
            }
            Seen::Quiet(r) => format!("not shown: {r} ({}), decided on the device", rule(r)),
            Seen::Withheld(r) => format!("not sent: {r} ({}), withheld by the server (W2)", rule(r)),
            Seen::NotSent => "nothing sent: no token bound (K5)".into(),
        }
    }
}

/// The rule that gives a suppress reason (docs/RULES.md).
fn rule(reason: &str) -> &'static str {
    match reason {
        "logged_out" | "kicked_offline" => "D1",
        "system_message" => "D2",
        "duplicate" => "D8",
        "disabled_by_receiver" => "D3",
        "disabled_by_sender" => "D4",
        "muted" => "D5",
        "do_not_disturb" => "D6",
        "nothing_to_show" => "D7",
        _ => "?",
    }
}

/// One row of a device's table.
struct Row {
    time: String,
    conversation: String,
    seen: Seen,
    /// Compared with the other platform's row of the same step.
    compared: bool,
}

struct Day {
    /// Print the transcript as it is played (`./dev demo`), not only return it.
    echo: bool,
    backend: Backend,
    android_app: Peer,
    android_push: Peer,
    iphone: Peer,
    out: String,
    android_rows: Vec<Row>,
    ios_rows: Vec<Row>,
    /// The tap link of each conversation's last shown notification, per platform.
    android_links: Vec<(String, String)>,
    ios_links: Vec<(String, String)>,
}

fn clock(timestamp: i64) -> String {
    let local = (timestamp + UTC_OFFSET).rem_euclid(86_400);
    let day = if timestamp - MIDNIGHT >= 86_400 { "+1 " } else { "" };
    format!("{day}{:02}:{:02}", local / 3600, local % 3600 / 60)
}

fn message(id: &str, at: i64, conversation: &str, sender: (&str, &str), text: &str, image: bool) -> Value {
    let mut elements = vec![json!({"type": "text", "text": text})];
    if image {
        elements.push(json!({"type": "image"}));
    }
    let mut m = json!({
        "message_id": id,
        "sender": {"user_id": sender.0, "nickname": sender.1},
        "elements": elements,
        "timestamp": at,
    });
    if let Some((id, name)) = conversation
        .strip_prefix("group:")
        .and_then(|g| g.split_once('='))
    {
        m["conversation_type"] = json!("group");
        m["group"] = json!({"group_id": id, "name": name});
    } else {
        m["conversation_type"] = json!("c2c");
    }
    m
}

fn seen_of(push: &Value) -> Seen {
    match push["outcome"].as_str() {
        Some("shown" | "fallback") => Seen::Shown {
            title: push["title"].as_str().unwrap_or_default().into(),
            text: push["text"].as_str().unwrap_or_default().into(),
            badge: push["badge"].as_u64(),
        },
        Some("quiet") => Seen::Quiet(push["reason"].as_str().unwrap_or_default().into()),
        other => Seen::Quiet(format!("unexpected outcome {other:?}")),
    }
}

impl Day {
    fn line(&mut self, text: impl AsRef<str>) {
        if self.echo {
            println!("{}", text.as_ref());
        }
        self.out.push_str(text.as_ref());
        self.out.push('\n');
    }

    fn both(&mut self, android: &str, ios: &str) -> Result<(Value, Value)> {
        let a = self.android_app.ask(android)?;
        let i = self.iphone.ask(&format!("app {ios}"))?;
        Ok((a, i))
    }

    /// Sends one message to a user; what their device shows (or why not).
    fn deliver(&mut self, to: &str, message: &Value, via: Option<&str>, android: bool) -> Result<Seen> {
        let mut body = json!({"to": to, "message": message});
        if let Some(via) = via {
            body["via"] = json!(via);
        }
        let report = self.backend.call("POST", "/v1/messages", body)?;
        let deliveries = report["deliveries"].as_array().cloned().unwrap_or_default();
        let device = if android {
            &mut self.android_push
        } else {
            &mut self.iphone
        };
        let collected = device.ask("collect")?;
        let pushes = collected["pushes"].as_array().cloned().unwrap_or_default();
        if let Some(withheld) = deliveries.iter().find(|d| d["outcome"] == "withheld") {
            return Ok(Seen::Withheld(
                withheld["reason"].as_str().unwrap_or_default().into(),
            ));
        }
        if let Some(failed) = deliveries.iter().find(|d| d["outcome"] == "failed") {
            return Err(fail!(
                "the backend could not build the payload: {}",
                failed["reason"]
            ));
        }
        match pushes.as_slice() {
            [] => Ok(Seen::NotSent),
            [push] => {
                if let Some(link) = push["link"].as_str() {
                    let conversation = link.rsplit_once("/chat/").map(|(_, c)| c).unwrap_or(link);
                    let links = if android {
                        &mut self.android_links
                    } else {
                        &mut self.ios_links
                    };
                    links.retain(|(c, _)| c != conversation);
                    links.push((conversation.into(), link.into()));
                }
                Ok(seen_of(push))
            }
            more => Err(fail!("one message arrived {} times", more.len())),
        }
    }

    /// The same message to both users; both rows, compared.
    fn send_both(
        &mut self,
        at: i64,
        conversation: &str,
        sender: (&str, &str),
        text: &str,
        image: bool,
    ) -> Result<Value> {
        self.mention_both(at, conversation, sender, text, image, (&[], false))
    }

    /// [`Self::send_both`] of a message that mentions `mentions.0` and, with
    /// `mentions.1`, everyone (M1).
    fn mention_both(
        &mut self,
        at: i64,
        conversation: &str,
        sender: (&str, &str),
        text: &str,
        image: bool,
        mentions: (&[&str], bool),
    ) -> Result<Value> {
        let id = format!("m-{}", self.android_rows.len() + 1);
        let mut m = message(&id, at, conversation, sender, text, image);
        if !mentions.0.is_empty() || mentions.1 {
            m["mentioned_user_ids"] = json!(mentions.0);
            m["mentions_all"] = json!(mentions.1);
        }
        let shown = conversation.split('=').next().unwrap_or(conversation).to_owned();
        self.line(format!(
            "{}  {} → bob and alice in {shown}: \"{text}\"",
            clock(at),
            sender.1
        ));
        let a = self.deliver("bob", &m, None, true)?;
        let i = self.deliver("alice", &m, None, false)?;
        self.line(format!("        Android: {}", a.describe()));
        self.line(format!("        iOS:     {}", i.describe()));
        for (rows, seen) in [(&mut self.android_rows, a), (&mut self.ios_rows, i)] {
            rows.push(Row {
                time: clock(at),
                conversation: shown.clone(),
                seen,
                compared: true,
            });
        }
        Ok(m)
    }

    fn sync_both(&mut self, what: &str) -> Result<()> {
        let (a, i) = self.both("sync", "sync")?;
        let said = |v: &Value| {
            if v["unavailable"] == json!(true) {
                "the backend is unavailable; the change stays pending (K6)".to_owned()
            } else {
                format!("{} sent", v["sent"])
            }
        };
        self.line(format!(
            "        sync {what}: Android {}; iOS {}",
            said(&a),
            said(&i)
        ));
        Ok(())
    }

    /// What each phone still owes the backend (K6).
    fn pending(&mut self) -> Result<()> {
        let (a, i) = self.both("status", "status")?;
        self.line(format!(
            "        pending changes: Android {}, iOS {}",
            a["pending"], i["pending"]
        ));
        Ok(())
    }

    fn table(&mut self, title: &str, android: bool) {
        self.line("");
        self.line(title);
        let rows = if android {
            &self.android_rows
        } else {
            &self.ios_rows
        };
        let lines: Vec<String> = rows
            .iter()
            .map(|r| format!("  {:<8} {:<13} {}", r.time, r.conversation, r.seen.describe()))
            .collect();
        for line in lines {
            self.line(line);
        }
    }
}

/// Plays the day; the transcript.
fn play(mut day: Day) -> Result<String> {
    day.line("offline-push demo: one day of Bob's Android phone (a Pixel: FCM data messages) and");
    day.line("Alice's iPhone (APNs, with the Notification Service Extension), through the demo backend.");
    day.line("");

    // 08:00 sign in and bind the tokens (K4).
    day.line("08:00  Bob and Alice sign in; each phone's vendor gives it a token (K4)");
    day.both("login bob", "login alice")?;
    day.android_app
        .ask("token fcm fcm-registration-token-of-bobs-pixel-0001")?;
    day.iphone
        .ask("app token apns 8f3a2b1c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8")?;
    day.sync_both("the tokens")?;

    // 08:05 settings and a muted conversation (K6).
    day.line("08:05  Bob picks a sound for group chats (Android's global settings, S1); both mute the group \"News\" (D5, K6)");
    day.android_app.ask("sound group ding")?;
    day.both("mute group g-news", "mute group g-news")?;
    day.sync_both("the settings")?;

    let at = |h: i64, m: i64| MIDNIGHT + h * 3600 + m * 60;
    let lunch = day.send_both(
        at(8, 30),
        "c2c:carol",
        ("carol", "Carol"),
        "Lunch at noon?",
        false,
    )?;
    day.send_both(
        at(9, 0),
        "group:g-hike=Weekend hike",
        ("dave", "Dave"),
        "Trail map attached ",
        true,
    )?;
    day.send_both(
        at(10, 0),
        "group:g-news=News",
        ("news", "News bot"),
        "Daily digest",
        false,
    )?;

    // 10:05 the sender's server fails over: the 08:30 message again, through Xiaomi.
    day.line("10:05  the sender's server resends Carol's 08:30 message to Bob through Xiaomi (a failover)");
    let again = day.deliver("bob", &lunch, Some("xiaomi"), true)?;
    day.line(format!("        Android: {}", again.describe()));
    day.android_rows.push(Row {
        time: "10:05".into(),
        conversation: "c2c:carol".into(),
        seen: again,
        compared: false,
    });

    // 10:20 the group "News" muted except for mentions (M2), then two mentions.
    day.line("10:20  both mute \"News\" except @mentions instead (M2, K6)");
    day.both(
        "mute-except-mentions group g-news",
        "mute-except-mentions group g-news",
    )?;
    day.sync_both("the settings")?;
    day.mention_both(
        at(10, 30),
        "group:g-news=News",
        ("news", "News bot"),
        "@all the office is closed on Friday",
        false,
        (&[], true),
    )?;
    day.mention_both(
        at(10, 40),
        "group:g-news=News",
        ("dave", "Dave"),
        "@Bob @Alice your parcels are at the desk",
        false,
        (&["bob", "alice"], false),
    )?;
    day.mention_both(
        at(10, 45),
        "group:g-news=News",
        ("dave", "Dave"),
        "@Carol yours too",
        false,
        (&["carol"], false),
    )?;

    // 12:30 a backend outage during a settings change, and its recovery.
    day.line("12:30  the backend goes down; both mute the group \"Ads\"");
    day.backend
        .call("POST", "/v1/control/outage", json!({"down": true}))?;
    day.both("mute group g-ads", "mute group g-ads")?;
    day.sync_both("during the outage")?;
    day.pending()?;
    day.line("12:45  the backend is back");
    day.backend
        .call("POST", "/v1/control/outage", json!({"down": false}))?;
    day.sync_both("after the outage")?;
    day.pending()?;

    // 21:00 a do-not-disturb night, 22:00-07:00.
    day.line("21:00  both set do-not-disturb from 22:00 to 07:00 (D6)");
    let window = format!("dnd 79200 32400 {UTC_OFFSET}");
    day.both(&window, &window)?;
    day.sync_both("the night")?;
    day.send_both(at(23, 30), "c2c:carol", ("carol", "Carol"), "Good night", false)?;
    day.line(
        "        (Bob's phone counts the quiet message, B2; Alice's never got it: only a device counts, W3)",
    );
    day.send_both(
        at(24 + 7, 30),
        "group:g-hike=Weekend hike",
        ("dave", "Dave"),
        "Leaving at 8 sharp",
        false,
    )?;

    // +1 07:40 the tap: the conversation opens and its count clears (B3).
    day.line("+1 07:40  both tap Carol's notification: the chat opens, its count is cleared (B3)");
    let link = |links: &[(String, String)]| {
        links
            .iter()
            .find(|(c, _)| c == "c2c/carol")
            .map(|(_, l)| l.clone())
            .ok_or_else(|| fail!("no notification of Carol's to tap"))
    };
    let (a_link, i_link) = (link(&day.android_links)?, link(&day.ios_links)?);
    let before = day.both("badge", "badge")?;
    let (a, i) = day.both(&format!("tap {a_link}"), &format!("tap {i_link}"))?;
    day.line(format!(
        "        Android opens {} (badge {} → {}); iOS opens {} (badge {} → {})",
        a["opened"], before.0["badge"], a["badge"], i["opened"], before.1["badge"], i["badge"]
    ));
    let (a, i) = day.both("why", "why")?;
    let why = |v: &Value| {
        let reasons: Vec<&str> = v["quiet"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        if reasons.is_empty() {
            "nothing kept quiet on the phone".to_owned()
        } else {
            reasons.join(", ")
        }
    };
    day.line(format!("        \"why no notification\" on Android: {}", why(&a)));
    day.line(format!("        \"why no notification\" on iOS: {}", why(&i)));

    // +1 08:00 logout: the token is unbound (K5), the backend sends nothing.
    day.line("+1 08:00  both sign out; the backend unbinds their tokens (K5)");
    day.both("logout", "logout")?;
    day.sync_both("the sign-out")?;
    day.send_both(
        at(24 + 8, 5),
        "c2c:carol",
        ("carol", "Carol"),
        "Are you there?",
        false,
    )?;

    day.table("Android (Bob): what he saw, and why", true);
    day.table("iOS (Alice): what she saw, and why", false);

    let compared: Vec<(String, String, String)> = day
        .android_rows
        .iter()
        .filter(|r| r.compared)
        .zip(day.ios_rows.iter())
        .map(|(a, i)| (a.time.clone(), a.seen.verdict(), i.seen.verdict()))
        .collect();
    let differing: Vec<String> = compared
        .iter()
        .filter(|(_, a, i)| a != i)
        .map(|(t, a, i)| format!("{t}: Android {a}, iOS {i}"))
        .collect();
    day.line("");
    if differing.is_empty() {
        day.line(format!(
            "agreement: Android and iOS agree on all {} messages sent to both (shown or not, why, title, content)",
            compared.len()
        ));
    } else {
        day.line(format!("DISAGREEMENT: {}", differing.join("; ")));
    }
    let Day {
        android_app,
        android_push,
        iphone,
        out,
        ..
    } = day;
    for peer in [android_app, android_push, iphone] {
        peer.stop();
    }
    if !differing.is_empty() {
        return Err(fail!("the two platforms disagree"));
    }
    Ok(out)
}

/// `./dev demo`: builds the library and what the day runs, and plays it.
pub fn run(project: &Project) -> Result<String> {
    crate::build::build(project)?;
    play_day(project, true)
}

/// Builds what the day runs over the last `./dev build` and plays it; the transcript.
pub fn play_day(project: &Project, echo: bool) -> Result<String> {
    step("the demo backend (demo-backend)");
    crate::process::run(crate::build::cargo().args(["build", "--quiet", "-p", "offline-push-demo-backend"]))?;
    step("the Android device on the JVM (android-demo/device)");
    let kotlin = toolchains::kotlin(project, Mode::Install)?;
    let log = crate::process::open_log(&project.logs().join("demo-build.log"))?;
    let (_, classpath) = android_device(project, &kotlin, &log)?;
    step("the iOS device (ios-demo/device)");
    let swift = toolchains::swift(project, Mode::Install)?;
    let device_dir = project.path("ios-demo/device");
    crate::process::run(&mut swift.command(project, &device_dir, &["build", "--quiet"]))?;
    let ios_binary = device_dir.join(".build/debug/ios-device");

    let work = project.build_dir().join("demo");
    if work.exists() {
        fs::remove_dir_all(&work)?;
    }
    let dir = |name: &str| -> Result<PathBuf> {
        let d = work.join(name);
        fs::create_dir_all(&d)?;
        Ok(d)
    };
    let (backend_dir, android_dir, ios_dir) = (dir("backend")?, dir("android")?, dir("ios")?);
    step("one day: the backend, the Android app and push processes, the iPhone");
    let backend = Backend::start(project, &backend_dir)?;
    let classpath = std::env::join_paths(&classpath).map_err(|e| fail!("{e}"))?;
    let android = |role: &str| {
        let mut cmd = java(project);
        cmd.arg("-cp")
            .arg(&classpath)
            .arg("org.offlinepush.demo.device.AndroidDeviceKt")
            .args(["--role", role, "--store"])
            .arg(&android_dir)
            .args(["--backend", &backend.url, "--device", "bob-pixel"]);
        cmd
    };
    let android_app = Peer::start("Android app process", &mut android("app"))?;
    let android_push = Peer::start("Android push process", &mut android("push"))?;
    let mut phone = swift.exec(project, &device_dir, &ios_binary);
    phone.arg("phone").arg("--store").arg(&ios_dir).args([
        "--backend",
        &backend.url,
        "--device",
        "alice-iphone",
    ]);
    let iphone = Peer::start("iPhone", &mut phone)?;
    let day = Day {
        echo,
        backend,
        android_app,
        android_push,
        iphone,
        out: String::new(),
        android_rows: Vec::new(),
        ios_rows: Vec::new(),
        android_links: Vec::new(),
        ios_links: Vec::new(),
    };
    let transcript = play(day)?;
    fs::write(work.join("day.txt"), &transcript)?;
    Ok(transcript)
}

/// The test: the day as played against the committed transcript; the first
/// difference, line by line, when they differ.
pub fn compare(expected: &str, played: &str) -> std::result::Result<(), String> {
    if expected == played {
        return Ok(());
    }
    let mut report = String::new();
    for (n, (e, p)) in expected.lines().zip(played.lines()).enumerate() {
        if e != p {
            let _ = write!(report, "line {}:\n  expected: {e}\n  played:   {p}", n + 1);
            return Err(report);
        }
    }
    Err(format!(
        "the day has {} lines, the expected transcript {}",
        played.lines().count(),
        expected.lines().count()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_reads_local_time_and_the_next_day() {
        assert_eq!(clock(MIDNIGHT + 8 * 3600 + 30 * 60), "08:30");
        assert_eq!(clock(MIDNIGHT + 31 * 3600 + 30 * 60), "+1 07:30");
    }

    #[test]
    fn compare_names_the_first_differing_line() {
        assert!(compare("a\nb\n", "a\nb\n").is_ok());
        let e = compare("a\nb\n", "a\nc\n").unwrap_err();
        assert!(
            e.contains("line 2") && e.contains("expected: b") && e.contains("played:   c"),
            "{e}"
        );
        assert!(compare("a\n", "a\nb\n").unwrap_err().contains("2 lines"));
    }

    #[test]
    fn every_suppress_reason_names_its_rule() {
        for reason in [
            "logged_out",
            "kicked_offline",
            "system_message",
            "duplicate",
            "disabled_by_receiver",
            "disabled_by_sender",
            "muted",
            "do_not_disturb",
            "nothing_to_show",
        ] {
            assert_ne!(rule(reason), "?", "{reason}");
        }
    }
}
