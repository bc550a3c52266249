//! P2: the vendor of a device.

use crate::model::{DeviceFacts, Platform, PushVendor};

/// The names each vendor's devices carry in `Build.MANUFACTURER` or
/// `Build.BRAND`, in the order they are tried (HONOR devices once said
/// `HUAWEI`: their brand says `HONOR`; Huawei comes first as the seeds' older
/// devices do).
const BY_NAME: [(&[&str], PushVendor); 6] = [
    (&["xiaomi", "redmi", "poco"], PushVendor::Xiaomi),
    (&["huawei"], PushVendor::Huawei),
    (&["honor"], PushVendor::Honor),
    (&["oppo", "realme", "oneplus"], PushVendor::Oppo),
    (&["vivo", "iqoo"], PushVendor::Vivo),
    (&["meizu"], PushVendor::Meizu),
];

/// P2. iOS: APNs. Android: the first vendor whose name the manufacturer or the
/// brand contains, case-insensitively; else FCM with Google Play services;
/// else none (the SDK's own connection).
pub fn select_vendor(device: &DeviceFacts) -> Option<PushVendor> {
    if device.platform == Platform::Ios {
        return Some(PushVendor::Apns);
    }
    let manufacturer = device.manufacturer.to_lowercase();
    let brand = device.brand.to_lowercase();
    for (names, vendor) in BY_NAME {
        if names
            .iter()
            .any(|name| manufacturer.contains(name) || brand.contains(name))
        {
            return Some(vendor);
        }
    }
    device.has_google_play_services.then_some(PushVendor::Fcm)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn android(manufacturer: &str, brand: &str, gms: bool) -> DeviceFacts {
        DeviceFacts {
            platform: Platform::Android,
            manufacturer: manufacturer.into(),
            brand: brand.into(),
            has_google_play_services: gms,
        }
    }

    #[test]
    fn p2_every_name_of_the_rule() {
        let cases = [
            ("Xiaomi", "Redmi", Some(PushVendor::Xiaomi)),
            ("POCO", "", Some(PushVendor::Xiaomi)),
            ("HUAWEI", "HUAWEI", Some(PushVendor::Huawei)),
            ("HONOR", "HONOR", Some(PushVendor::Honor)),
            ("OPPO", "OPPO", Some(PushVendor::Oppo)),
            ("realme", "realme", Some(PushVendor::Oppo)),
            ("OnePlus", "OnePlus", Some(PushVendor::Oppo)),
            ("vivo", "iQOO", Some(PushVendor::Vivo)),
            ("Meizu", "meizu", Some(PushVendor::Meizu)),
            ("samsung", "samsung", None),
            ("Google", "google", None),
        ];
        for (manufacturer, brand, expected) in cases {
            assert_eq!(
                select_vendor(&android(manufacturer, brand, false)),
                expected,
                "{manufacturer}"
            );
        }
        assert_eq!(
            select_vendor(&android("samsung", "samsung", true)),
            Some(PushVendor::Fcm)
        );
        // A vendor's own push wins over FCM on its devices.
        assert_eq!(
            select_vendor(&android("Xiaomi", "Xiaomi", true)),
            Some(PushVendor::Xiaomi)
        );
        // The brand alone is enough.
        assert_eq!(
            select_vendor(&android("unknown", "Redmi", true)),
            Some(PushVendor::Xiaomi)
        );
        let iphone = DeviceFacts {
            platform: Platform::Ios,
            ..android("Apple", "Apple", false)
        };
        assert_eq!(select_vendor(&iphone), Some(PushVendor::Apns));
    }
}
