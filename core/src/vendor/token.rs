//! V3 and each vendor's documented token shape. Only Apple documents one: the
//! device token is binary data the app turns into hex (of variable length;
//! 32 bytes today). The others document none, so only what no token can be is
//! refused: whitespace, control characters, more than 4,096 bytes.

use crate::error::Error;
use crate::model::{OfflinePushToken, PushVendor};
use crate::rules::validate;

/// An APNs device token is at least 8 bytes (16 hex digits) and at most 255.
const APNS_BYTES: std::ops::RangeInclusive<usize> = 8..=255;

/// V3, then the vendor's shape. The messages never contain the token.
pub fn check_token(token: &OfflinePushToken) -> Result<(), Error> {
    validate::check_token(token)?;
    let value = token.token.0.as_str();
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::InvalidToken(
            "the token contains whitespace or control characters",
        ));
    }
    if matches!(token.vendor, PushVendor::Apns | PushVendor::ApnsVoip) {
        if !value.bytes().all(|b| b.is_ascii_hexdigit()) || !value.len().is_multiple_of(2) {
            return Err(Error::InvalidToken(
                "an APNs device token is its bytes in hex: an even number of 0-9, a-f",
            ));
        }
        if !APNS_BYTES.contains(&(value.len() / 2)) {
            return Err(Error::InvalidToken(
                "an APNs device token is 8 to 255 bytes (16 to 510 hex digits)",
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PushTokenValue;

    fn token(vendor: PushVendor, value: &str) -> OfflinePushToken {
        OfflinePushToken {
            vendor,
            token: PushTokenValue(value.into()),
            business_id: 7,
        }
    }

    #[test]
    fn v3_shapes_and_no_token_in_the_message() {
        let good = [
            token(PushVendor::Apns, &"0a".repeat(32)),
            token(PushVendor::ApnsVoip, &"FF".repeat(8)),
            token(PushVendor::Fcm, "dGVzdA:APA91bH-x_y"),
            token(PushVendor::Xiaomi, "mi/regid+abc="),
        ];
        for t in &good {
            assert!(check_token(t).is_ok(), "{t:?}");
        }
        let bad = [
            token(PushVendor::Apns, "secret-not-hex"),
            token(PushVendor::Apns, "abc"),
            token(PushVendor::Apns, "0a0b"),
            token(PushVendor::Huawei, "secret with space"),
            token(PushVendor::Vivo, "secret\n"),
            token(PushVendor::Meizu, ""),
        ];
        for t in &bad {
            let error = crate::OfflinePushError::from(check_token(t).unwrap_err());
            assert_eq!(error.kind(), "invalid_token");
            assert!(!error.to_string().contains("secret"), "{error}");
        }
        // L2, V5: over the limit is an argument too long, named with its limit.
        let error = crate::OfflinePushError::from(
            check_token(&token(PushVendor::Fcm, &"s".repeat(4_097))).unwrap_err(),
        );
        assert_eq!(error.kind(), "invalid_argument");
        assert!(error.to_string().contains("4096"), "{error}");
        assert!(!error.to_string().contains("sss"), "{error}");
    }
}
