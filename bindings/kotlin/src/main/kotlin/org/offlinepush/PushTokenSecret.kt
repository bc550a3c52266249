package org.offlinepush

/**
 * A vendor push token (Xiaomi regId, Huawei token, FCM token, APNs device token).
 *
 * It is a secret: [toString] never shows it, so a token inside an [OfflinePushToken]
 * cannot leak into logs or crash reports by accident. Read [value] only to hand it
 * to the vendor or the app's server.
 */
class PushTokenSecret(val value: String) {
    override fun toString(): String = "PushTokenSecret(<redacted, ${value.length} chars>)"

    override fun equals(other: Any?): Boolean = other is PushTokenSecret && other.value == value

    override fun hashCode(): Int = value.hashCode()
}
