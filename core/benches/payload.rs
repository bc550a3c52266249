//! `build_vendor_payload` (the Rust function behind it, without the copy of the
//! notification the exported one takes) beside its baselines, in one run (BENCHMARKS.md, issue
//! 18): `cargo bench -p offline-push --bench payload`.
//!
//! - a short message, per vendor, against serializing the same finished payload
//!   (parsed into a `serde_json::Value` beforehand) with serde_json: the goal is 3x;
//! - a 20,000-character text, per vendor, against walking that text's graphemes
//!   once with `unicode-segmentation` (the floor of any grapheme-safe cut): 3x.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use offline_push::vendor::ALL_VENDORS;
use offline_push::*;
use unicode_segmentation::UnicodeSegmentation;

fn notification(title: &str, content: &str) -> OfflinePushNotification {
    OfflinePushNotification {
        title: title.into(),
        title_source: TitleSource::Message,
        content: content.into(),
        conversation_id: "g7".into(),
        conversation_type: ConversationType::Group,
        sender_id: "alice".into(),
        sender_nickname: Some("Ally".into()),
        group_name: Some("Weekend hike".into()),
        ext: Some(br#"{"entity":{"chatType":2,"action":1}}"#.to_vec()),
        sound: PushSound::Default,
        badge: true,
        notify_mode: NotifyMode::Normal,
        badge_count: Some(3),
        mentioned_user_id: None,
        mentions_all: false,
    }
}

fn config() -> VendorConfig {
    VendorConfig {
        oppo_channel_id: Some("chat".into()),
        ..VendorConfig::default()
    }
}

fn bench(c: &mut Criterion) {
    let short = notification("Weekend hike", "Ally: see you at 8 at the station [Image]");
    let long_text: String = "长路漫漫🏔️ e\u{301}".chars().cycle().take(20_000).collect();
    let long = notification("Weekend hike", &long_text);
    let config = config();
    for vendor in ALL_VENDORS {
        let built =
            build_vendor_payload(vendor, short.clone(), Some("m-1".into()), 1, config.clone()).unwrap();
        let finished: serde_json::Value = serde_json::from_str(&built.json).unwrap();
        let mut group = c.benchmark_group(format!("payload/{vendor:?}"));
        group.bench_function("short: serialize the finished payload (baseline)", |b| {
            b.iter(|| serde_json::to_string(black_box(&finished)).unwrap())
        });
        group.bench_function("short: build_vendor_payload", |b| {
            b.iter(|| {
                offline_push::vendor::build(vendor, black_box(&short), Some("m-1"), 1, &config).unwrap()
            })
        });
        group.bench_function("20,000 characters: walk the graphemes once (baseline)", |b| {
            b.iter(|| black_box(&long_text).graphemes(true).count())
        });
        group.bench_function("20,000 characters: build_vendor_payload", |b| {
            b.iter(|| offline_push::vendor::build(vendor, black_box(&long), Some("m-1"), 1, &config).unwrap())
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
