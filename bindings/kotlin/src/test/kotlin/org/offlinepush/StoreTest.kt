package org.offlinepush

import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.nio.ByteBuffer
import java.nio.file.Files
import java.util.Collections
import kotlin.test.assertFailsWith

/**
 * The store through the Kotlin package: the app and its push process on one
 * directory (K2), a restart, `receive` with duplicates and badges (R1 D8 B2 B3 B4),
 * a listener written in Kotlin, one that throws too; a damaged store reset, not
 * logged out (K8); another program's database refused and left as it was (K9);
 * strings over their limits refused by name (V5).
 */
class StoreTest {
    private val directory = Files.createTempDirectory("offline-push-kotlin")

    @AfterEach
    fun removeTheStore() {
        directory.toFile().deleteRecursively()
    }

    private fun open() = OfflinePushManager(OfflinePushConfig(platform = Platform.ANDROID, storeDirectory = directory.toString()))

    private fun message(id: String, from: String = "alice") = IncomingMessage(
        messageId = id,
        conversationType = ConversationType.C2C,
        sender = MessageSender(userId = from),
        elements = listOf(MessageElement.Text("hi")),
        timestamp = 1_700_000_000L,
    )

    private val duplicate = RenderOutcome.Suppress(SuppressReason.DUPLICATE)

    @Test
    fun `the app and its push process on one directory see each other's changes at the next call (K2 R1 D8 B4)`() {
        open().use { app ->
            open().use { pushProcess ->
                app.login("bob")
                assertTrue(pushProcess.render(message("m0")) is RenderOutcome.Show)
                app.setGlobalSettings(OfflinePushSettings(enabled = false))
                assertEquals(RenderOutcome.Suppress(SuppressReason.DISABLED_BY_RECEIVER), pushProcess.render(message("m0")))
                app.setGlobalSettings(OfflinePushSettings(enabled = true))

                val shown = pushProcess.receive(message("m1")) as RenderOutcome.Show
                assertEquals(1u, shown.notification.badgeCount)
                assertEquals(1u, app.badgeTotal())
                assertEquals(duplicate, app.receive(message("m1")))
            }
        }
    }

    @Test
    fun `everything survives a restart (K2 B3)`() {
        open().use { app ->
            app.login("bob")
            app.setGlobalSettings(OfflinePushSettings(enabled = true, groupSound = "android.resource://com.example/raw/ding"))
            app.receive(message("m1"))
            app.setUnreadCount(ConversationType.GROUP, "g1", 4u)
        }
        open().use { again ->
            assertEquals(SessionState.LoggedIn("bob"), again.session())
            assertEquals("android.resource://com.example/raw/ding", again.globalSettings().groupSound)
            assertEquals(5u, again.badgeTotal())
            again.markRead(ConversationType.C2C, "alice")
            assertEquals(4u, again.badgeTotal())
            assertEquals(duplicate, again.receive(message("m1")))
        }
    }

    /** Records what it is told; the core calls it from the caller's thread. */
    private class RecordingListener(private val fail: Boolean = false) : OfflinePushListener {
        val told: MutableList<String> = Collections.synchronizedList(mutableListOf())

        override fun onNotification(notification: OfflinePushNotification) {
            told += "shown ${notification.title} badge ${notification.badgeCount}"
            if (fail) throw IllegalStateException("the app's listener is broken")
        }

        override fun onSuppressed(message: IncomingMessage, reason: SuppressReason) {
            told += "suppressed ${message.messageId} $reason"
            if (fail) throw IllegalStateException("the app's listener is broken")
        }
    }

    @Test
    fun `a Kotlin listener is told of every notification and every suppression with its reason (R1 D8)`() {
        open().use { manager ->
            val listener = RecordingListener()
            manager.setListener(listener)
            manager.login("bob")
            manager.receive(message("m1"))
            manager.receive(message("m1"))
            manager.setListener(null)
            manager.receive(message("m2"))
            assertEquals(listOf("shown alice badge 1", "suppressed m1 DUPLICATE"), listener.told)
        }
    }

    @Test
    fun `a listener that throws never breaks receive, and the message is still recorded (R1 D8)`() {
        open().use { manager ->
            val listener = RecordingListener(fail = true)
            manager.setListener(listener)
            manager.login("bob")
            assertTrue(manager.receive(message("m1")) is RenderOutcome.Show)
            assertEquals(duplicate, manager.receive(message("m1")))
            assertEquals(2, listener.told.size)
            assertEquals(1u, manager.badgeTotal())
        }
    }

    @Test
    fun `suspend lets go of the store and calls still work, resume keeps it open again`() {
        open().use { manager ->
            manager.login("bob")
            manager.suspend()
            assertTrue(manager.receive(message("m1")) is RenderOutcome.Show)
            assertEquals(1u, manager.badgeTotal())
            manager.resume()
            assertEquals(duplicate, manager.receive(message("m1")))
        }
    }

    @Test
    fun `receive options and the badge need a signed-in account (K1 V1)`() {
        open().use { manager ->
            assertFailsWith<OfflinePushException.NotLoggedIn> { manager.badgeTotal() }
            assertFailsWith<OfflinePushException.NotLoggedIn> {
                manager.setReceiveOption(ConversationType.C2C, "alice", ReceiveOption.NOT_RECEIVE)
            }
            assertFalse(manager.isLoggedIn())
        }
    }

    private val storeFile get() = directory.resolve("offline-push.sqlite3")

    @Test
    fun `a damaged store is moved aside and the new one is reset, not logged out (K8 B2 B4)`() {
        val garbage = "not a database, but someone's bytes".toByteArray()
        Files.write(storeFile, garbage)
        open().use { app ->
            val reset = app.session() as SessionState.StoreReset
            assertTrue(garbage.contentEquals(Files.readAllBytes(java.nio.file.Path.of(reset.movedTo))))
            val shown = app.receive(message("m1")) as RenderOutcome.Show
            assertEquals(1u, shown.notification.badgeCount)
            assertFailsWith<OfflinePushException.NotLoggedIn> { app.badgeTotal() }
            app.login("bob")
            assertEquals(1u, app.badgeTotal())
            assertEquals(duplicate, app.receive(message("m1")))
        }
    }

    /** One empty page of an SQLite database (sqlite.org/fileformat2.html) with `applicationId`. */
    private fun sqliteDatabase(applicationId: Int): ByteArray {
        val page = ByteBuffer.allocate(4096)
        page.put("SQLite format 3\u0000".toByteArray())
        page.putShort(16, 4096.toShort()).put(18, 1).put(19, 1).put(21, 64).put(22, 32).put(23, 32)
        page.putInt(24, 1).putInt(28, 1).putInt(44, 4).putInt(56, 1).putInt(68, applicationId)
        page.putInt(92, 1).putInt(96, 3_045_000)
        page.put(100, 0x0d).putShort(105, 4096.toShort())
        return page.array()
    }

    @Test
    fun `another program's database at the store's path is refused and left byte for byte (K9)`() {
        Files.createDirectories(directory)
        val theirs = sqliteDatabase(applicationId = 0x12345678)
        Files.write(storeFile, theirs)
        val error = assertFailsWith<OfflinePushException.StoreRefused> { open() }
        assertEquals("store_refused", error.kind)
        assertTrue(theirs.contentEquals(Files.readAllBytes(storeFile)))
        assertFalse(Files.exists(directory.resolve("offline-push.sqlite3-wal")))
    }

    @Test
    fun `a string over its limit is refused by name, and one at it accepted (V5 L1 L2)`() {
        open().use { manager ->
            val error = assertFailsWith<OfflinePushException.InvalidArgument> { manager.login("u".repeat(257)) }
            assertTrue(error.message!!.contains("user id") && error.message!!.contains("256"), error.message)
            manager.login("u".repeat(256))
            val token = OfflinePushToken(PushVendor.FCM, PushTokenSecret("t".repeat(4097)), 1uL)
            val refused = assertFailsWith<OfflinePushException.InvalidArgument> { manager.setToken(token) }
            assertFalse(refused.message!!.contains("ttt"))
        }
    }
}
