package org.offlinepush

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import kotlin.test.assertFailsWith

/**
 * The vendors through the Kotlin package (P1–P4): picking one from the device's
 * facts instead of `Build.MANUFACTURER` checks, the configuration and its channels,
 * a payload built on the sender's side and read back on the receiving side.
 */
class VendorTest {
    private fun device(manufacturer: String, brand: String = manufacturer, gms: Boolean = false) =
        DeviceFacts(platform = Platform.ANDROID, manufacturer = manufacturer, brand = brand, hasGooglePlayServices = gms)

    @Test
    fun `the vendor comes from the manufacturer or the brand (P2)`() {
        assertEquals(PushVendor.XIAOMI, selectVendor(device("Xiaomi", "Redmi")))
        assertEquals(PushVendor.HONOR, selectVendor(device("HONOR")))
        assertEquals(PushVendor.OPPO, selectVendor(device("OnePlus")))
        assertEquals(PushVendor.VIVO, selectVendor(device("vivo", "iQOO")))
        assertEquals(PushVendor.FCM, selectVendor(device("samsung", gms = true)))
        assertNull(selectVendor(device("samsung")))
        assertEquals(PushVendor.APNS, selectVendor(DeviceFacts(Platform.IOS, "Apple", "Apple", false)))
    }

    @Test
    fun `a malformed token is InvalidToken and the message never shows it (V3)`() {
        val e = assertFailsWith<OfflinePushException.InvalidToken> {
            checkVendorToken(OfflinePushToken(PushVendor.APNS, PushTokenSecret("secret-value"), 7uL))
        }
        assertFalse(e.message!!.contains("secret-value"), e.message)
        checkVendorToken(OfflinePushToken(PushVendor.APNS, PushTokenSecret("0a".repeat(32)), 7uL))
    }

    @Test
    fun `the configuration is checked and every custom sound gets its channel (S1)`() {
        assertFailsWith<OfflinePushException.InvalidArgument> { checkVendorConfig(VendorConfig(vivoCategory = "IM")) }
        val config = checkVendorConfig(VendorConfig(oppoChannelId = "im", fcmChannelId = ""))
        assertNull(config.fcmChannelId)
        val channels = notificationChannels(config, PushVendor.OPPO, listOf("android.resource://com.example/raw/ding"))
        assertEquals(listOf("im", "im.sound.ding"), channels.map { it.channelId })
        assertEquals("android.resource://com.example/raw/ding", channels[1].sound)
        assertFailsWith<OfflinePushException.NotConfigured> { notificationChannels(VendorConfig(), PushVendor.OPPO, emptyList()) }
    }

    @Test
    fun `a payload built for Xiaomi reads back into a message that receive shows (P1 P4)`() {
        val message = IncomingMessage(
            messageId = "m1",
            conversationType = ConversationType.C2C,
            sender = MessageSender(userId = "alice"),
            elements = listOf(MessageElement.Text("hi")),
            pushSettings = MessagePushSettings(ext = byteArrayOf(0, -1, 42)),
            timestamp = 1_700_000_000L,
        )
        val sender = OfflinePushManager(OfflinePushConfig(platform = Platform.ANDROID))
        sender.login("bob")
        val notification = (sender.render(message) as RenderOutcome.Show).notification
        val payload = buildVendorPayload(PushVendor.XIAOMI, notification, message.messageId, message.timestamp, VendorConfig(xiaomiChannelId = "chat"))
        assertTrue(payload.json.contains("\"title\":\"a new message\""), payload.json)
        assertEquals(payload.json.toByteArray().size.toUInt(), payload.bytes)

        val delivered = deliveredForm(payload) as DeliveredPush.Extras
        assertEquals(setOf("channel_id", "notify_effect", "offline_push"), delivered.extras.keys)
        val push = readVendorPush(PushVendor.XIAOMI, delivered)!!
        assertEquals("alice", push.conversationId)
        assertTrue(push.ext!!.contentEquals(byteArrayOf(0, -1, 42)))
        val device = OfflinePushManager(OfflinePushConfig(platform = Platform.ANDROID))
        device.login("bob")
        val shown = (device.receive(push.message!!) as RenderOutcome.Show).notification
        assertEquals("alice" to "hi", shown.title to shown.content)
        assertEquals(RenderOutcome.Suppress(SuppressReason.DUPLICATE), device.receive(push.message!!))
        assertNull(readVendorPush(PushVendor.FCM, DeliveredPush.Extras(mapOf("offline_push" to "{"))))
    }
}
