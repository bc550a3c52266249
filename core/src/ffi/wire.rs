//! UniFFI's byte format for the hot calls (`fast.rs`): the message read with
//! `Lift`'s checks into a [`MessageView`] that borrows the caller's bytes (an
//! owned one costs 2.5x, docs/CROSSING.md), the answer written as `Lower` writes
//! it. The tests check both byte for byte against UniFFI's `Lift` and `Lower`.

use crate::model::ConversationType::{self, C2c, Group, System};
use crate::model::NotifyMode;
use crate::view::{
    AndroidView, ElementView, Elements, GroupView, IosView, Mentioned, MessageView, OutSound, OutcomeView,
    PushSettingsView, SenderView, SoundView,
};
use crate::UniFfiTag;
use uniffi::Lower;

/// The variants of the fieldless enums a message holds, in the UDL's order.
const CONVERSATION_TYPES: [ConversationType; 3] = [C2c, Group, System];
const NOTIFY_MODES: [NotifyMode; 2] = [NotifyMode::Normal, NotifyMode::Custom];

/// Why the caller's bytes are not a message: a bug of the generated converters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WireError(pub String);

type Read<T> = Result<T, WireError>;

/// Reads UniFFI's encoding, borrowing strings and byte strings. The field
/// readers keep the first failure and return placeholders after it (no bytes
/// are left to read); the public readers report it. (A `Result` per field was a
/// store-forwarding stall at every string: half of reading a message.)
pub struct Reader<'a> {
    rest: &'a [u8],
    error: Option<WireError>,
}

impl<'a> Reader<'a> {
    pub fn new(rest: &'a [u8]) -> Self {
        Self { rest, error: None }
    }

    /// Fails if anything failed, or unless every byte was read.
    pub fn finish(self) -> Read<()> {
        self.check()?;
        match self.rest.len() {
            0 => Ok(()),
            left => Err(WireError(format!("{left} bytes left over"))),
        }
    }

    #[inline(always)]
    fn check(&self) -> Read<()> {
        self.error.clone().map_or(Ok(()), Err)
    }

    /// Keeps the first failure (its message made out of line: the reader stays
    /// in registers) and leaves no bytes to read after it.
    #[inline(always)]
    fn fail(&mut self, why: std::fmt::Arguments<'_>) {
        if self.error.is_none() {
            self.error = Some(wire_error(why));
        }
        self.rest = &[];
    }

    #[inline(always)]
    fn array<const N: usize>(&mut self) -> [u8; N] {
        if let Some((value, rest)) = self.rest.split_first_chunk::<N>() {
            self.rest = rest;
            return *value;
        }
        self.fail(format_args!("{N} bytes wanted, {} left", self.rest.len()));
        [0; N]
    }

    #[inline(always)]
    fn i32(&mut self) -> i32 {
        i32::from_be_bytes(self.array())
    }

    /// A bool, or (named `what` in the error) an `Option`'s tag: 0 or 1.
    #[inline(always)]
    fn flag(&mut self, what: &str) -> bool {
        let [byte] = self.array();
        if byte > 1 {
            self.fail(format_args!("{what} of {}", byte as i8));
        }
        byte == 1
    }

    /// A fieldless enum: its variant's number, from 1, as UniFFI writes it.
    #[inline(always)]
    fn variant<T: Copy, const N: usize>(&mut self, name: &str, variants: &[T; N]) -> T {
        let number = self.i32();
        let found = usize::try_from(number)
            .ok()
            .and_then(|n| variants.get(n.checked_sub(1)?));
        found.copied().unwrap_or_else(|| {
            self.fail(format_args!("no {name} variant {number}"));
            variants[0]
        })
    }

    /// Bytes after their length, an `i32`.
    #[inline(always)]
    fn bytes(&mut self) -> &'a [u8] {
        let length = self.i32();
        match usize::try_from(length) {
            Ok(length) if length <= self.rest.len() => {
                let (taken, rest) = self.rest.split_at(length);
                self.rest = rest;
                taken
            }
            Ok(length) => {
                self.fail(format_args!("{length} bytes wanted, {} left", self.rest.len()));
                &[]
            }
            Err(_) => {
                self.fail(format_args!("a negative length, {length}"));
                &[]
            }
        }
    }

    #[inline(always)]
    fn string(&mut self) -> &'a str {
        let bytes = self.bytes();
        if bytes.is_ascii() {
            // SAFETY: ASCII is UTF-8.
            return unsafe { std::str::from_utf8_unchecked(bytes) };
        }
        std::str::from_utf8(bytes).unwrap_or_else(|e| {
            self.fail(format_args!("{e}"));
            ""
        })
    }

    #[inline(always)]
    fn option<T>(&mut self, read: impl FnOnce(&mut Self) -> T) -> Option<T> {
        self.flag("an Option tag").then(|| read(self))
    }

    /// A sequence's count. (A loop that reads the items stops at the first failure.)
    #[inline(always)]
    pub fn count(&mut self) -> Read<usize> {
        let count = self.i32();
        let count = usize::try_from(count).unwrap_or_else(|_| {
            self.fail(format_args!("a negative count, {count}"));
            0
        });
        self.check().map(|()| count)
    }

    /// The next `IncomingMessage`, handed to `then` where it was read (not moved).
    #[inline(always)]
    pub fn next_message<R>(&mut self, then: impl FnOnce(&MessageView<'a>) -> R) -> Read<R> {
        let message = self.read_message();
        self.check()?;
        Ok(then(&message))
    }

    /// The one `IncomingMessage` that `input` holds, handed to `then`.
    #[inline(always)]
    pub fn with_message<R>(input: &'a [u8], then: impl FnOnce(&MessageView<'a>) -> R) -> Read<R> {
        let mut reader = Self::new(input);
        let message = reader.read_message();
        reader.finish()?;
        Ok(then(&message))
    }

    /// A sequence, read up to its first failure (each item takes at least 4 bytes).
    #[inline(always)]
    fn sequence<T>(&mut self, mut item: impl FnMut(&mut Self) -> T) -> Vec<T> {
        let count = self.count().unwrap_or(0);
        let mut items = Vec::with_capacity(count.min(self.rest.len() / 4));
        while items.len() < count && self.error.is_none() {
            items.push(item(self));
        }
        items
    }

    /// An `IncomingMessage`, or a placeholder if it does not decode.
    #[inline(always)]
    fn read_message(&mut self) -> MessageView<'a> {
        MessageView {
            message_id: self.option(Self::string),
            conversation_type: self.variant("ConversationType", &CONVERSATION_TYPES),
            sender: SenderView {
                user_id: self.string(),
                nickname: self.option(Self::string),
                name_card: self.option(Self::string),
            },
            group: self.option(|r| GroupView {
                group_id: r.string(),
                name: r.option(Self::string),
            }),
            elements: Elements::Views(self.sequence(Self::element)),
            push_settings: self.option(Self::push_settings),
            timestamp: i64::from_be_bytes(self.array()),
            mentioned_user_ids: Mentioned::Views(self.sequence(Self::string)),
            mentions_all: self.flag("a bool"),
        }
    }

    #[inline(always)]
    fn element(&mut self) -> ElementView<'a> {
        match self.i32() {
            1 => ElementView::Text(self.string()),
            2 => ElementView::Sound(u32::from_be_bytes(self.array())),
            3 => ElementView::File(self.option(Self::string)),
            4 => ElementView::Image,
            5 => ElementView::Video,
            6 => ElementView::Face,
            7 => ElementView::Location(self.option(Self::string)),
            8 => ElementView::Custom {
                desc: self.option(Self::string),
                data: self.option(Self::bytes),
            },
            other => {
                self.fail(format_args!("no MessageElement variant {other}"));
                ElementView::Image
            }
        }
    }

    #[inline(always)]
    fn push_settings(&mut self) -> PushSettingsView<'a> {
        PushSettingsView {
            enabled: self.flag("a bool"),
            description: self.option(Self::string),
            ext: self.option(Self::bytes),
            android: self.option(|r| AndroidView {
                title: r.option(Self::string),
                sound: r.option(Self::string),
                notify_mode: r.option(|r| r.variant("NotifyMode", &NOTIFY_MODES)),
            }),
            ios: self.option(|r| IosView {
                sound: r.option(|r| match r.i32() {
                    1 => SoundView::Default,
                    2 => SoundView::Silent,
                    3 => SoundView::Custom(r.string()),
                    other => {
                        r.fail(format_args!("no PushSound variant {other}"));
                        SoundView::Default
                    }
                }),
                badge_enabled: r.flag("a bool"),
            }),
        }
    }
}

#[cold]
#[inline(never)]
fn wire_error(why: std::fmt::Arguments<'_>) -> WireError {
    WireError(why.to_string())
}

/// Appends `value` as UniFFI writes it.
fn put<T: Lower<UniFfiTag>>(out: &mut Vec<u8>, value: T) {
    T::write(value, out);
}

/// Appends a string (the caller's length check refuses what does not fit an i32).
pub fn write_string(out: &mut Vec<u8>, s: &str) {
    write_count(out, s.len());
    out.extend_from_slice(s.as_bytes());
}

/// Appends a sequence's count.
pub fn write_count(out: &mut Vec<u8>, count: usize) {
    put(out, i32::try_from(count).unwrap_or(i32::MAX));
}

fn write_option(out: &mut Vec<u8>, value: Option<&str>) {
    put(out, i8::from(value.is_some()));
    value.inspect(|s| write_string(out, s));
}

/// Appends a `RenderOutcome` as UniFFI writes it.
pub fn write_outcome(out: &mut Vec<u8>, outcome: &OutcomeView<'_>) {
    let n = match outcome {
        OutcomeView::Suppress(reason) => {
            put(out, 2i32);
            return put(out, *reason);
        }
        OutcomeView::Show(notification) => notification,
    };
    put(out, 1i32);
    write_string(out, n.title);
    put(out, n.title_source);
    write_string(out, &n.content);
    write_string(out, n.conversation_id);
    put(out, n.conversation_type);
    write_string(out, n.sender_id);
    write_option(out, n.sender_nickname);
    write_option(out, n.group_name);
    put(out, i8::from(n.ext.is_some()));
    if let Some(ext) = n.ext {
        write_count(out, ext.len());
        out.extend_from_slice(ext);
    }
    match &n.sound {
        OutSound::Default => put(out, 1i32),
        OutSound::Silent => put(out, 2i32),
        OutSound::Custom(path) => {
            put(out, 3i32);
            write_string(out, path);
        }
    }
    put(out, n.badge);
    put(out, n.notify_mode);
    put(out, n.badge_count);
    write_option(out, n.mentioned_user_id);
    put(out, n.mentions_all);
}

#[cfg(test)]
pub(crate) mod samples {
    //! The test suite's messages: every element, option and variant, from a seed.
    use crate::model::*;

    /// A small deterministic generator (no dependency for tests' randomness).
    pub struct Seeded(u64);

    impl Seeded {
        pub fn new(seed: u64) -> Self {
            Self(seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1))
        }

        pub fn below(&mut self, n: u64) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (self.0 >> 33) % n
        }

        fn string(&mut self, pool: &[&str]) -> String {
            pool[self.below(pool.len() as u64) as usize].to_string()
        }

        fn maybe(&mut self, pool: &[&str]) -> Option<String> {
            (self.below(3) > 0).then(|| self.string(pool))
        }
    }

    const NAMES: &[&str] = &[
        "alice",
        "",
        "Ally",
        "群聊",
        "g7",
        "a very long name that goes on and on 🙂",
    ];
    const SOUNDS: &[&str] = &[
        "android.resource://com.example/raw/ding",
        "",
        "ding.caf",
        "file:///x",
    ];

    pub fn message(seed: u64) -> IncomingMessage {
        let mut r = Seeded::new(seed);
        let conversation_type = [
            ConversationType::C2c,
            ConversationType::Group,
            ConversationType::System,
        ][r.below(3) as usize];
        let elements = (0..r.below(4))
            .map(|_| match r.below(8) {
                0 => MessageElement::Text {
                    text: r.string(NAMES),
                },
                1 => MessageElement::Sound {
                    duration_seconds: r.below(u64::from(u32::MAX)) as u32,
                },
                2 => MessageElement::File {
                    file_name: r.maybe(NAMES),
                },
                3 => MessageElement::Image,
                4 => MessageElement::Video,
                5 => MessageElement::Face,
                6 => MessageElement::Location {
                    description: r.maybe(NAMES),
                },
                _ => MessageElement::Custom {
                    desc: r.maybe(NAMES),
                    data: (r.below(2) == 0).then(|| vec![0, 1, 255]),
                },
            })
            .collect();
        let push_settings = (r.below(2) == 0).then(|| MessagePushSettings {
            enabled: r.below(4) > 0,
            description: r.maybe(NAMES),
            ext: (r.below(2) == 0).then(|| vec![7; r.below(5) as usize]),
            android: (r.below(2) == 0).then(|| AndroidPushSettings {
                title: r.maybe(NAMES),
                sound: r.maybe(SOUNDS),
                notify_mode: [None, Some(NotifyMode::Normal), Some(NotifyMode::Custom)][r.below(3) as usize],
            }),
            ios: (r.below(2) == 0).then(|| IosPushSettings {
                sound: match r.below(4) {
                    0 => None,
                    1 => Some(PushSound::Default),
                    2 => Some(PushSound::Silent),
                    _ => Some(PushSound::Custom {
                        path: r.string(SOUNDS),
                    }),
                },
                badge_enabled: r.below(2) == 0,
            }),
        });
        IncomingMessage {
            message_id: r.maybe(&["m1", "", "0042"]),
            conversation_type,
            sender: MessageSender {
                user_id: r.string(NAMES),
                nickname: r.maybe(NAMES),
                name_card: r.maybe(NAMES),
            },
            group: (r.below(4) > 0).then(|| GroupInfo {
                group_id: r.string(NAMES),
                name: r.maybe(NAMES),
            }),
            elements,
            push_settings,
            timestamp: r.below(u64::MAX) as i64 - (1 << 40),
            mentioned_user_ids: (0..r.below(3)).map(|_| r.string(NAMES)).collect(),
            mentions_all: r.below(3) == 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::samples::{message, Seeded};
    use super::*;
    use crate::model::{IncomingMessage, OfflinePushSettings, Platform, PushLocale, SessionState};
    use crate::rules::decide::RenderContext;
    use crate::rules::{content, render};
    use std::borrow::Cow;
    use uniffi::Lift;

    /// One `IncomingMessage`, read.
    fn read<'a>(reader: &mut Reader<'a>) -> Read<MessageView<'a>> {
        let message = reader.read_message();
        reader.check().map(|()| message)
    }

    fn uniffi_bytes<T: Lower<UniFfiTag>>(value: T) -> Vec<u8> {
        let mut bytes = Vec::new();
        T::write(value, &mut bytes);
        bytes
    }

    #[test]
    fn a_message_reads_as_uniffi_reads_it() {
        for seed in 0..2_000 {
            let m = message(seed);
            let bytes = uniffi_bytes(m.clone());
            let mut reader = Reader::new(&bytes);
            let view = read(&mut reader).unwrap();
            reader.finish().unwrap();
            assert_eq!(view.to_owned(), m, "seed {seed}");
        }
        let batch: Vec<IncomingMessage> = (0..50).map(message).collect();
        let bytes = uniffi_bytes(batch.clone());
        let mut reader = Reader::new(&bytes);
        let views: Vec<_> = (0..reader.count().unwrap())
            .map(|_| reader.next_message(MessageView::to_owned).unwrap())
            .collect();
        reader.finish().unwrap();
        assert_eq!(views, batch);
    }

    #[test]
    fn bytes_uniffi_refuses_are_refused_and_none_panics() {
        // Every cut and many corruptions of real messages: nothing panics or
        // allocates by a count the bytes do not back, and what this reader
        // accepts UniFFI's accepts as the same message. (UniFFI's own reader is
        // not run on what this one refuses: it allocates by a corrupt count
        // first and aborts the process.)
        let mut r = Seeded::new(99);
        for seed in 0..300 {
            let bytes = uniffi_bytes(message(seed));
            for cut in 0..bytes.len() {
                assert!(
                    read(&mut Reader::new(&bytes[..cut])).is_err(),
                    "seed {seed} cut {cut}"
                );
            }
            for _ in 0..20 {
                let mut bad = bytes.clone();
                let at = r.below(bad.len() as u64) as usize;
                bad[at] = r.below(256) as u8;
                let mut reader = Reader::new(&bad);
                if let Ok(view) = read(&mut reader) {
                    let theirs = <IncomingMessage as Lift<UniFfiTag>>::try_read(&mut &bad[..]);
                    assert_eq!(Some(view.to_owned()), theirs.ok(), "seed {seed} at {at}");
                }
            }
        }
        let mut refused = Reader::new(&[0xff; 64]);
        assert!(refused.count().is_err(), "a negative count");
        let mut refused = Reader::new(&[0, 0, 0, 1, 0xff]);
        assert_eq!(refused.count(), Ok(1));
        assert!(refused.next_message(|_| ()).is_err());
        assert!(Reader::new(&[0, 0, 0, 0, 0]).finish().is_err());
    }

    /// Writes the seeds of the `read_message_bytes` fuzz target (README,
    /// "Fuzzing"): `cargo test -p offline-push --lib -- --ignored write_fuzz_seeds`.
    #[test]
    #[ignore = "writes fuzz/seeds/read_message_bytes"]
    fn write_fuzz_seeds() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/seeds/read_message_bytes");
        std::fs::create_dir_all(&dir).unwrap();
        for seed in 0..16 {
            std::fs::write(
                dir.join(format!("message-{seed:02}")),
                uniffi_bytes(message(seed)),
            )
            .unwrap();
        }
    }

    #[test]
    fn strings_that_are_not_utf8_are_refused_ascii_or_not() {
        // The sender's id is the first string: after the unset message id (1
        // byte), the conversation type (4) and its length (4).
        for (id, broken) in [("ab", &[b'a', 0xff][..]), ("é", &[0xc3, 0x28][..])] {
            let m = IncomingMessage {
                sender: crate::model::MessageSender {
                    user_id: id.into(),
                    nickname: None,
                    name_card: None,
                },
                message_id: None,
                ..message(1)
            };
            let mut bytes = uniffi_bytes(m.clone());
            assert_eq!(read(&mut Reader::new(&bytes)).unwrap().to_owned(), m);
            bytes[9..11].copy_from_slice(broken);
            let error = read(&mut Reader::new(&bytes)).unwrap_err();
            assert!(error.0.contains("utf-8"), "{error:?}");
            assert!(<IncomingMessage as Lift<UniFfiTag>>::try_read(&mut &bytes[..]).is_err());
        }
    }

    #[test]
    fn a_count_the_bytes_do_not_back_stops_at_the_first_failure() {
        // A message cut before its elements, then told it has i32::MAX of them:
        // refused at once, and with the first failure, not the last.
        let m = IncomingMessage {
            elements: vec![],
            push_settings: None,
            mentioned_user_ids: vec![],
            mentions_all: false,
            ..message(2)
        };
        let bytes = uniffi_bytes(m);
        // After the elements' count: push settings' tag, the timestamp, the
        // mentioned ids' count and "@all".
        let mut bad = bytes[..bytes.len() - 4 - 1 - 8 - 4 - 1].to_vec();
        bad.extend_from_slice(&i32::MAX.to_be_bytes());
        bad.extend_from_slice(&1i32.to_be_bytes()); // a text, and no length
        let error = read(&mut Reader::new(&bad)).unwrap_err();
        assert_eq!(error, WireError("4 bytes wanted, 0 left".into()));
        let mut reader = Reader::new(&bad);
        assert!(read(&mut reader).is_err());
        assert!(reader.finish().is_err(), "finish reports it too");
    }

    /// What the rules give `view` for the test's receiver, bob, with a badge
    /// count on every second timestamp.
    fn rendered<'m>(platform: Platform, view: &MessageView<'m>, timestamp: i64) -> OutcomeView<'m> {
        let session = SessionState::LoggedIn {
            user_id: "bob".into(),
        };
        let settings = OfflinePushSettings {
            enabled: true,
            c2c_sound: Some("android.resource://com.example/raw/c2c".into()),
            group_sound: None,
        };
        let ctx = RenderContext {
            platform,
            locale: PushLocale::En,
            session: &session,
            settings: &settings,
            receive_options: &(),
            dnd: None,
        };
        let mut outcome = render::render(&ctx, view);
        if let OutcomeView::Show(n) = &mut outcome {
            n.badge_count = (timestamp % 2 == 0).then_some(7);
        }
        outcome
    }

    #[test]
    fn an_answer_writes_as_uniffi_writes_it() {
        let mut shown = 0;
        for seed in 0..2_000 {
            let m = message(seed);
            let input = uniffi_bytes(m.clone());
            let view = read(&mut Reader::new(&input)).unwrap();
            for platform in [Platform::Android, Platform::Ios] {
                // The owned message's outcome, as UniFFI writes it, against this
                // writer's bytes for the outcome of the message read in place.
                let expected = rendered(platform, &m.view(), m.timestamp).into_owned();
                let outcome = rendered(platform, &view, m.timestamp);
                shown += usize::from(matches!(outcome, OutcomeView::Show(_)));
                let mut answer = Vec::new();
                write_outcome(&mut answer, &outcome);
                assert_eq!(answer, uniffi_bytes(expected), "seed {seed} {platform:?}");
            }
        }
        assert!(shown > 500, "shown {shown}");
    }

    #[test]
    fn c2_one_text_is_the_message_s_own_string() {
        let m = IncomingMessage {
            elements: vec![crate::model::MessageElement::Text { text: "hi".into() }],
            conversation_type: ConversationType::C2c,
            ..message(1)
        };
        let view = m.view();
        assert!(matches!(
            content::preview(&view, PushLocale::En),
            Cow::Borrowed("hi")
        ));
    }

    #[test]
    fn strings_write_as_uniffi_writes_a_sequence_of_them() {
        let strings: Vec<Cow<'_, str>> = vec!["a".into(), String::from("bé").into(), "".into()];
        let mut out = Vec::new();
        write_count(&mut out, strings.len());
        strings.iter().for_each(|s| write_string(&mut out, s));
        assert_eq!(
            out,
            uniffi_bytes(strings.iter().map(|s| s.to_string()).collect::<Vec<_>>())
        );
    }
}
