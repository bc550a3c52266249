package org.offlinepush

import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import kotlin.test.assertFailsWith

/**
 * The whole path from Kotlin through the generated package into the Rust core
 * and back: every field type. The async calls and a backend written in Kotlin
 * are in SyncTest.
 */
class BindingPathTest {
    private val richMessage = IncomingMessage(
        conversationType = ConversationType.GROUP,
        sender = MessageSender(userId = "alice", nickname = "Alice 🐱", nameCard = null),
        group = GroupInfo(groupId = "g7", name = "团队"),
        elements = listOf(
            MessageElement.Text("hello "),
            MessageElement.Sound(3u),
            MessageElement.File(fileName = null),
            MessageElement.Image,
            MessageElement.Location(description = "家"),
            MessageElement.Custom(desc = "红包", data = byteArrayOf(0, 1, -1, 127)),
        ),
        pushSettings = MessagePushSettings(
            enabled = true,
            description = null,
            ext = byteArrayOf(123, 34, 107, 34, 58, 49, 125),
            android = AndroidPushSettings(
                title = "Team",
                sound = "android.resource://com.example.chat/raw/ding",
                notifyMode = NotifyMode.CUSTOM,
            ),
            ios = IosPushSettings(sound = PushSound.Custom("sounds/ding.caf"), badgeEnabled = false),
        ),
        timestamp = -1_700_000_000L,
    )

    @Test
    fun `a message with every field type crosses to Rust and back unchanged`() {
        val back = messageFromJson(messageToJson(richMessage))
        // Kotlin data classes compare ByteArray fields by reference: compare the bytes apart.
        assertEquals(richMessage.copy(elements = listOf(), pushSettings = null), back.copy(elements = listOf(), pushSettings = null))
        assertEquals(richMessage.elements.size, back.elements.size)
        richMessage.elements.zip(back.elements).forEach { (sent, got) ->
            if (sent is MessageElement.Custom && got is MessageElement.Custom) {
                assertEquals(sent.desc, got.desc)
                assertArrayEquals(sent.data, got.data)
            } else {
                assertEquals(sent, got)
            }
        }
        val sent = richMessage.pushSettings!!
        val got = back.pushSettings!!
        assertArrayEquals(sent.ext, got.ext)
        assertEquals(sent.copy(ext = null), got.copy(ext = null))
    }

    @Test
    fun `a notification crosses to Rust and back unchanged`() {
        val notification = OfflinePushNotification(
            title = "Team", content = "Ally: look [图片]", conversationId = "g7",
            conversationType = ConversationType.GROUP, senderId = "alice", senderNickname = "Ally",
            groupName = null, ext = null, sound = PushSound.Silent, badge = false, notifyMode = NotifyMode.NORMAL,
        )
        assertEquals(notification, notificationFromJson(notificationToJson(notification)))
    }

    @Test
    fun `the package's default records are the core's defaults (D3 D4 B1)`() {
        val manager = OfflinePushManager(OfflinePushConfig(platform = Platform.ANDROID))
        manager.login("bob")
        assertEquals(OfflinePushSettings(), manager.globalSettings())
        val json = """{"format_version": 1, "conversation_type": "c2c", "sender": {"user_id": "a"},
            "timestamp": 0, "push_settings": {"android": {}, "ios": {}}}"""
        assertEquals(
            MessagePushSettings(android = AndroidPushSettings(), ios = IosPushSettings()),
            messageFromJson(json).pushSettings,
        )
    }

    @Test
    fun `settings and token set in Kotlin come back from the core (V1)`() {
        val manager = OfflinePushManager(OfflinePushConfig(platform = Platform.ANDROID))
        assertFailsWith<OfflinePushException.NotLoggedIn> { manager.globalSettings() }
        manager.login("bob")
        val settings = OfflinePushSettings(enabled = false, c2cSound = null, groupSound = "android.resource://com.example.chat/raw/ding")
        manager.setGlobalSettings(settings)
        assertEquals(settings, manager.globalSettings())
        val token = OfflinePushToken(PushVendor.XIAOMI, PushTokenSecret("reg-id-123"), 2_882_303_761uL)
        manager.setToken(token)
        assertEquals(token, manager.token())
        assertEquals(SessionState.LoggedIn("bob"), manager.session())
    }

    @Test
    fun `rendering returns a sealed outcome (D1 C4 T2)`() {
        val manager = OfflinePushManager(OfflinePushConfig(platform = Platform.IOS))
        assertEquals(RenderOutcome.Suppress(SuppressReason.LOGGED_OUT), manager.render(richMessage))
        manager.login("bob")
        when (val outcome = manager.render(richMessage)) {
            is RenderOutcome.Show -> {
                assertEquals("团队", outcome.notification.title)
                assertEquals("Alice 🐱: hello [语音][文件][图片][位置][红包]", outcome.notification.content)
                assertEquals(PushSound.Custom("sounds/ding.caf"), outcome.notification.sound)
            }
            is RenderOutcome.Suppress -> error("expected a notification, got ${outcome.reason}")
        }
    }

    @Test
    fun `errors are a sealed exception hierarchy with clear messages (V2 V3 V4)`() {
        val manager = OfflinePushManager(OfflinePushConfig(platform = Platform.ANDROID))
        manager.login("bob")
        val sound = assertFailsWith<OfflinePushException.InvalidSound> {
            manager.setGlobalSettings(OfflinePushSettings(enabled = true, c2cSound = "file:///sdcard/a.mp3", groupSound = null))
        }
        assertTrue(sound.message!!.contains("android.resource://"), sound.message)
        val token = assertFailsWith<OfflinePushException.InvalidToken> {
            manager.setToken(OfflinePushToken(PushVendor.HUAWEI, PushTokenSecret("secret-token"), 0uL))
        }
        assertFalse(token.message!!.contains("secret-token"))
        assertFailsWith<OfflinePushException.InvalidArgument> {
            manager.setDoNotDisturb(DoNotDisturbWindow(startSeconds = 86_400, durationSeconds = 0, utcOffsetSeconds = 0))
        }
    }

    @Test
    fun `the batch forms agree with one call per message (C1 C2 C3 C4 D7)`() {
        val manager = OfflinePushManager(OfflinePushConfig(platform = Platform.ANDROID))
        manager.login("bob")
        manager.setLocale(PushLocale.EN)
        val c2c = IncomingMessage(
            conversationType = ConversationType.C2C,
            sender = MessageSender(userId = "carol"),
            elements = listOf(MessageElement.Video, MessageElement.Face),
            timestamp = 0,
        )
        val empty = c2c.copy(elements = listOf(MessageElement.Custom(desc = null, data = null)))
        // No ext bytes: data-class equality compares ByteArray by reference.
        val burst = listOf(richMessage.copy(pushSettings = null), c2c, empty)
        assertEquals(burst.map(manager::render), manager.renderBatch(burst))
        assertEquals(RenderOutcome.Suppress(SuppressReason.NOTHING_TO_SHOW), manager.render(empty))
        assertEquals(
            listOf("Alice 🐱: hello [Voice][File][Image][Location][红包]", "[Video][Sticker]", ""),
            manager.previewBatch(burst),
        )
    }

    @Test
    fun `the sender-side validator refuses a sound the receiver would ignore (V2)`() {
        val settings = richMessage.pushSettings!!
        val checked = validateMessagePushSettings(settings.copy(description = ""))
        assertNull(checked.description)
        assertFailsWith<OfflinePushException.InvalidSound> {
            validateMessagePushSettings(settings.copy(android = AndroidPushSettings(sound = "https://x.example/ding.mp3")))
        }
    }

    @Test
    fun `a token never shows in toString`() {
        val token = OfflinePushToken(PushVendor.FCM, PushTokenSecret("fcm-secret-value"), 7uL)
        assertFalse(token.toString().contains("fcm-secret-value"), token.toString())
    }
}
