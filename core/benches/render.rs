//! `render` against a baseline that only builds the output strings, side by
//! side in one run (BENCHMARKS.md): `cargo bench -p offline-push --bench render`.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use offline_push::rules::decide::RenderContext;
use offline_push::rules::render::render;
use offline_push::view::{ElementView, MessageView, NotificationView, OutSound, OutcomeView};
use offline_push::*;

#[path = "../tests/support/mod.rs"]
mod support;
use support::group_message;

/// The baseline: the same notification, built with no rule evaluated: the one
/// new string (the content) and the message's own strings borrowed, as the
/// rules build it.
fn build_output_only<'m>(m: &MessageView<'m>) -> NotificationView<'m> {
    let group = m.group.unwrap();
    let name_card = m.sender.name_card.unwrap();
    let Some(ElementView::Text(text)) = m.elements.iter().next() else {
        panic!("the benchmark message starts with a text");
    };
    let mut content = String::with_capacity(name_card.len() + 2 + text.len() + "[图片]".len());
    content.push_str(name_card);
    content.push_str(": ");
    content.push_str(text);
    content.push_str("[图片]");
    NotificationView {
        title: group.name.unwrap(),
        title_source: TitleSource::Group,
        content: content.into(),
        conversation_id: group.group_id,
        conversation_type: m.conversation_type,
        sender_id: m.sender.user_id,
        sender_nickname: m.sender.name_card,
        group_name: group.name,
        ext: None,
        sound: OutSound::Default,
        badge: true,
        notify_mode: NotifyMode::Normal,
        badge_count: None,
        mentioned_user_id: None,
        mentions_all: false,
    }
}

/// The earlier lower bound: the same notification as the owned record, its
/// strings copied (what `render` built before it borrowed).
fn build_owned_only(m: &IncomingMessage) -> OfflinePushNotification {
    build_output_only(&m.view()).into_owned()
}

fn bench(c: &mut Criterion) {
    let message = group_message();
    let session = SessionState::LoggedIn {
        user_id: "bob".into(),
    };
    let settings = OfflinePushSettings::default();
    let dnd = DoNotDisturbWindow {
        start_seconds: 79_200,
        duration_seconds: 28_800,
        utc_offset_seconds: 28_800,
    };
    let ctx = RenderContext {
        platform: Platform::Android,
        locale: PushLocale::ZhHans,
        session: &session,
        settings: &settings,
        receive_options: &(),
        dnd: Some(&dnd),
    };
    let view = message.view();
    let OutcomeView::Show(notification) = render(&ctx, &view) else {
        panic!("the benchmark message must produce a notification");
    };
    assert_eq!(
        notification,
        build_output_only(&view),
        "baseline and render must agree"
    );

    let manager = support::signed_in(Platform::Android, "bob");

    let mut group = c.benchmark_group("render");
    group.bench_function("baseline: build the notification only", |b| {
        b.iter(|| build_output_only(black_box(&view)))
    });
    group.bench_function("rules::render (D1-D7, T, C, F, S, B, N)", |b| {
        b.iter(|| render(black_box(&ctx), black_box(&view)))
    });
    // L1-L5 (issue 17): what every render and receive now checks first.
    group.bench_function("rules::limits::bounded (every string within its limit)", |b| {
        b.iter(|| {
            matches!(
                offline_push::rules::limits::bounded(black_box(&view)),
                std::borrow::Cow::Borrowed(_)
            )
        })
    });
    group.bench_function("baseline, owned: build the notification record only", |b| {
        b.iter(|| build_owned_only(black_box(&message)))
    });
    group.bench_function("rules::render, then the owned record", |b| {
        b.iter(|| render(black_box(&ctx), black_box(&view)).into_owned())
    });
    group.bench_function("OfflinePushManager::render (cache check + owned message)", |b| {
        b.iter(|| manager.render(black_box(message.clone())))
    });
    group.finish();

    // The Rust side of a crossing (the Kotlin fast path and UniFFI's own path do
    // this): read the message from UniFFI's bytes, render, write the outcome.
    let mut bytes = Vec::new();
    <IncomingMessage as uniffi::Lower<UniFfiTag>>::write(message.clone(), &mut bytes);
    let outcome = manager.render(message.clone()).unwrap();
    let mut out = Vec::new();
    let mut group = c.benchmark_group("crossing, Rust side");
    group.bench_function("read the message from its bytes", |b| {
        b.iter(|| <IncomingMessage as uniffi::Lift<UniFfiTag>>::try_read(&mut black_box(&bytes[..])).unwrap())
    });
    group.bench_function("write the outcome to bytes", |b| {
        b.iter(|| {
            out.clear();
            <RenderOutcome as uniffi::Lower<UniFfiTag>>::write(black_box(outcome.clone()), &mut out);
            out.len()
        })
    });
    group.bench_function("the fast path: read the message where it is (wire)", |b| {
        b.iter(|| {
            offline_push::ffi::wire::Reader::with_message(black_box(&bytes), |message| message.timestamp)
                .unwrap()
        })
    });
    group.bench_function("the fast path: read, render, write (ffi::fast::ops)", |b| {
        b.iter(|| {
            out.clear();
            offline_push::ffi::fast::ops::render(&manager, black_box(&bytes), &mut out)
                .unwrap()
                .unwrap();
            out.len()
        })
    });
    let tiny = IncomingMessage {
        message_id: None,
        conversation_type: ConversationType::C2c,
        sender: MessageSender {
            user_id: "a".into(),
            nickname: None,
            name_card: None,
        },
        group: None,
        elements: vec![],
        push_settings: None,
        timestamp: 0,
        mentioned_user_ids: Vec::new(),
        mentions_all: false,
    };
    let mut tiny_bytes = Vec::new();
    <IncomingMessage as uniffi::Lower<UniFfiTag>>::write(tiny, &mut tiny_bytes);
    group.bench_function(
        "the fast path's floor: fast::ops::preview of a tiny message",
        |b| {
            b.iter(|| {
                out.clear();
                offline_push::ffi::fast::ops::preview(&manager, black_box(&tiny_bytes), &mut out)
                    .unwrap()
                    .unwrap();
                out.len()
            })
        },
    );
    // A batch of 100 of the same shape (one text each, distinct), per message.
    let batch: Vec<IncomingMessage> = (0..100)
        .map(|i| {
            let mut m = message.clone();
            m.elements[0] = MessageElement::Text {
                text: format!("look at this {i} "),
            };
            m
        })
        .collect();
    let mut batch_bytes = Vec::new();
    <Vec<IncomingMessage> as uniffi::Lower<UniFfiTag>>::write(batch, &mut batch_bytes);
    group.bench_function(
        "the fast path: fast::ops::render_batch of 100, per message",
        |b| {
            b.iter_custom(|iterations| {
                let start = std::time::Instant::now();
                for _ in 0..iterations {
                    out.clear();
                    offline_push::ffi::fast::ops::render_batch(&manager, black_box(&batch_bytes), &mut out)
                        .unwrap()
                        .unwrap();
                }
                start.elapsed() / 100
            })
        },
    );
    group.bench_function("read, OfflinePushManager::render, write", |b| {
        b.iter(|| {
            let m =
                <IncomingMessage as uniffi::Lift<UniFfiTag>>::try_read(&mut black_box(&bytes[..])).unwrap();
            out.clear();
            <RenderOutcome as uniffi::Lower<UniFfiTag>>::write(manager.render(m).unwrap(), &mut out);
            out.len()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
