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
    let mut content = String::new();
    content.push_str(m.sender.name_card.unwrap());
    content.push_str(": ");
    if let Some(ElementView::Text(text)) = m.elements.iter().next() {
        content.push_str(text);
    }
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
    }
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
            offline_push::wire::Reader::new(black_box(&bytes))
                .message()
                .unwrap()
                .timestamp
        })
    });
    group.bench_function(
        "the fast path: read, render, write naming the message's strings (calls::ops)",
        |b| {
            b.iter(|| {
                out.clear();
                offline_push::calls::ops::render(&manager, black_box(&bytes), &mut out)
                    .unwrap()
                    .unwrap();
                out.len()
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
