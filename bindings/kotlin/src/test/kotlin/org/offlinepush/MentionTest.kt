package org.offlinepush

import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test
import java.nio.file.Files
import java.util.Collections

/**
 * Mentions through the Kotlin package (docs/RULES.md M1–M6): the two receive
 * options that mute except for mentions, in `render`, `renderBatch`, `preview`
 * and `receive` (the badge, the listener), kept across a reopen, carried through
 * a vendor's payload and back, and through the JSON hand-over.
 */
class MentionTest {
    private val directory = Files.createTempDirectory("offline-push-mentions")

    @AfterEach
    fun removeTheStore() {
        directory.toFile().deleteRecursively()
    }

    private fun open() = OfflinePushManager(OfflinePushConfig(platform = Platform.ANDROID, storeDirectory = directory.toString()))

    private fun message(id: String, mentioned: List<String> = emptyList(), all: Boolean = false) = IncomingMessage(
        messageId = id,
        conversationType = ConversationType.GROUP,
        sender = MessageSender(userId = "dave", nameCard = "D-Man"),
        group = GroupInfo(groupId = "g7", name = "Team"),
        elements = listOf(MessageElement.Text("hi")),
        timestamp = 1_700_000_000L,
        mentionedUserIds = mentioned,
        mentionsAll = all,
    )

    private class Told : OfflinePushListener {
        val shown: MutableList<String> = Collections.synchronizedList(mutableListOf())
        override fun onNotification(notification: OfflinePushNotification) {
            shown += notification.content
        }
        override fun onSuppressed(message: IncomingMessage, reason: SuppressReason) {
            shown += "suppressed ${reason.name.lowercase()}"
        }
    }

    @Test
    fun `a group muted except mentions notifies a mention of the user or of everyone, in every call (M1 M2 M4 M5 B2)`() {
        open().use { manager ->
            manager.login("bob")
            manager.setReceiveOption(ConversationType.GROUP, "g7", ReceiveOption.RECEIVE_NOT_NOTIFY_EXCEPT_MENTIONS)
            val muted = RenderOutcome.Suppress(SuppressReason.MUTED)
            assertEquals(muted, manager.render(message("m1", listOf("carol"))))
            val me = (manager.render(message("m2", listOf("bob"))) as RenderOutcome.Show).notification
            assertEquals("[有人@我]D-Man: hi", me.content)
            assertEquals("bob", me.mentionedUserId)
            val batch = manager.renderBatch(listOf(message("m1"), message("m2", listOf("bob")), message("m3", all = true)))
            assertEquals(muted, batch[0])
            assertEquals(me, (batch[1] as RenderOutcome.Show).notification)
            assertEquals("[@所有人]D-Man: hi", (batch[2] as RenderOutcome.Show).notification.content)
            assertEquals(listOf("D-Man: hi", "[有人@我]D-Man: hi"), manager.previewBatch(listOf(message("m1"), message("m2", listOf("bob")))))

            val told = Told()
            manager.setListener(told)
            assertEquals(muted, manager.receive(message("m4")))
            assertEquals(1u, (manager.receive(message("m5", listOf("bob"))) as RenderOutcome.Show).notification.badgeCount)
            assertEquals(1u, manager.badgeTotal(), "B2: only the mention counted")
            assertEquals(listOf("suppressed muted", "[有人@我]D-Man: hi"), told.shown)
        }
    }

    @Test
    fun `the options persist, and a mention travels through a payload and the JSON hand-over (M5 M6 P4)`() {
        open().use { manager ->
            manager.login("bob")
            manager.setReceiveOption(ConversationType.GROUP, "g7", ReceiveOption.NOT_RECEIVE_EXCEPT_MENTIONS)
        }
        open().use { manager ->
            assertEquals(ReceiveOption.NOT_RECEIVE_EXCEPT_MENTIONS, manager.receiveOption(ConversationType.GROUP, "g7"))
            val sent = message("m1", listOf("bob"), all = true)
            val shown = (manager.render(sent) as RenderOutcome.Show).notification
            val payload = buildVendorPayload(PushVendor.XIAOMI, shown, sent.messageId, sent.timestamp, VendorConfig())
            val push = readVendorPush(PushVendor.XIAOMI, deliveredForm(payload))!!
            assertEquals(shown, push.notification)
            assertEquals(listOf("bob"), push.message!!.mentionedUserIds)
            assertEquals(RenderOutcome.Show(shown), manager.render(push.message!!), "P4: the read-back message renders the same, through the mute")
            assertEquals(sent, messageFromJson(messageToJson(sent)))
        }
    }
}
