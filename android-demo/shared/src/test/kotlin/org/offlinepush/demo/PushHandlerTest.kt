package org.offlinepush.demo

import org.junit.jupiter.api.Test
import org.offlinepush.ConversationType
import org.offlinepush.DeliveredPush
import org.offlinepush.GroupInfo
import org.offlinepush.IncomingMessage
import org.offlinepush.MessageElement
import org.offlinepush.MessageSender
import org.offlinepush.OfflinePushConfig
import org.offlinepush.OfflinePushManager
import org.offlinepush.OfflinePushSettings
import org.offlinepush.Platform
import org.offlinepush.PushVendor
import org.offlinepush.ReceiveOption
import org.offlinepush.RenderOutcome
import org.offlinepush.SuppressReason
import org.offlinepush.VendorConfig
import org.offlinepush.buildVendorPayload
import org.offlinepush.deliveredForm
import org.offlinepush.kind
import java.nio.file.Files
import kotlin.test.assertEquals
import kotlin.test.assertIs

class PushHandlerTest {
    private val config = VendorConfig(fcmChannelId = "im")
    private val ding = "android.resource://com.example.chat/raw/ding"

    private fun manager(): OfflinePushManager =
        OfflinePushManager(OfflinePushConfig(platform = Platform.ANDROID, storeDirectory = null)).also { it.login("bob") }

    private fun message(id: String) = IncomingMessage(
        messageId = id,
        conversationType = ConversationType.GROUP,
        sender = MessageSender(userId = "alice", nickname = "Alice", nameCard = null),
        group = GroupInfo(groupId = "team", name = "The team"),
        elements = listOf(MessageElement.Text("lunch?")),
        pushSettings = null,
        timestamp = 1_700_000_000,
    )

    /** What FCM delivers for the message, as the sender's side builds it (a data message: W4). */
    private fun delivered(id: String, senderSide: OfflinePushManager = manager()): DeliveredPush {
        val shown = senderSide.render(message(id)) as RenderOutcome.Show
        return deliveredForm(buildVendorPayload(PushVendor.FCM, shown.notification, id, 1_700_000_000, config))
    }

    @Test
    fun aPushBecomesOnePlanAndItsCopyADuplicate_D8_B4() {
        val bob = manager()
        val handler = PushHandler(PushVendor.FCM, config) { bob }
        val plan = assertIs<PushOutcome.Post>(handler.handle(delivered("m1"))).plan
        assertEquals("The team", plan.title)
        assertEquals("Alice: lunch?", plan.text)
        assertEquals("im", plan.channelId)
        assertEquals("group:team", plan.groupKey)
        assertEquals(1u, plan.badgeCount)
        assertEquals("offlinepush-demo://chat/group/team", plan.tapLink)
        assertEquals(PushOutcome.Quiet(SuppressReason.DUPLICATE, "group:team"), handler.handle(delivered("m1")))
    }

    @Test
    fun theDeviceDecidesWithItsOwnSettings_D5_S1() {
        val bob = manager()
        val handler = PushHandler(PushVendor.FCM, config) { bob }
        bob.setReceiveOption(ConversationType.GROUP, "team", ReceiveOption.RECEIVE_NOT_NOTIFY)
        assertEquals(PushOutcome.Quiet(SuppressReason.MUTED, "group:team"), handler.handle(delivered("m1")))
        bob.setReceiveOption(ConversationType.GROUP, "team", ReceiveOption.RECEIVE)
        bob.setGlobalSettings(OfflinePushSettings(enabled = true, c2cSound = null, groupSound = ding))
        // The sender's side knows nothing of bob's sound; his device plays it on its own channel.
        val plan = assertIs<PushOutcome.Post>(handler.handle(delivered("m2"))).plan
        assertEquals("im.sound.ding", plan.channelId)
    }

    @Test
    fun whenTheStoreCannotOpenThePayloadsOwnNotificationIsPosted() {
        val notADirectory = Files.createTempFile("offline-push", ".file").toString()
        val handler = PushHandler(PushVendor.FCM, config) {
            OfflinePushManager(OfflinePushConfig(platform = Platform.ANDROID, storeDirectory = notADirectory))
        }
        val fallback = assertIs<PushOutcome.Fallback>(handler.handle(delivered("m1")))
        assertEquals("Alice: lunch?", fallback.plan.text)
        assertEquals("storage", fallback.error.kind)
    }

    @Test
    fun anotherLibrarysPushIsNotOurs() {
        val handler = PushHandler(PushVendor.FCM, config) { error("never opened for a push that is not ours") }
        assertEquals(PushOutcome.NotOurs, handler.handle(DeliveredPush.Extras(mapOf("other_sdk" to "{}"))))
        assertEquals(PushOutcome.NotOurs, handler.handle(DeliveredPush.Extras(mapOf("offline_push" to "{not json"))))
    }
}
