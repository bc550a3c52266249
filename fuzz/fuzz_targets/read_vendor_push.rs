//! P4 on hostile input: whatever a vendor delivers, `read_vendor_push` returns
//! `None` or a push, never panics; a push it returns reads back the same after
//! the core builds a payload from it (the builder takes what the reader gives).
#![no_main]

use libfuzzer_sys::fuzz_target;
use offline_push::*;


fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let vendor = vendor::ALL_VENDORS[usize::from(selector) % vendor::ALL_VENDORS.len()];
    let text = String::from_utf8_lossy(rest).into_owned();
    let delivered = if selector & 0x80 == 0 {
        DeliveredPush::Json { json: text }
    } else {
        // Extras: `key=value` lines, the custom data's key among them or not.
        let extras = text
            .lines()
            .filter_map(|line| line.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        DeliveredPush::Extras { extras }
    };
    let Some(push) = read_vendor_push(vendor, delivered) else {
        return;
    };
    if let Some(notification) = push.notification {
        let config = VendorConfig {
            oppo_channel_id: Some("im".into()),
            ..VendorConfig::default()
        };
        if let Ok(payload) = build_vendor_payload(vendor, notification.clone(), push.message_id.clone(), 0, config) {
            let again = read_vendor_push(vendor, delivered_form(payload)).expect("a payload of the core reads back");
            assert_eq!(again.conversation_id, notification.conversation_id);
            assert_eq!(again.sender_id, notification.sender_id);
            assert_eq!(again.ext, notification.ext);
        }
    }
});
