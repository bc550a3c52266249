package org.offlinepush

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.nio.file.Files
import java.util.Collections
import java.util.concurrent.CyclicBarrier
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import kotlin.test.assertFailsWith

/**
 * The crossing's fast paths (FastPath.kt, core/src/ffi/fast.rs, the checked
 * patches of bindings/uniffi-bindgen): the JNI path of `render`, `renderBatch`,
 * `receive` and the previews, and the reused call status of every other call.
 * What they must keep: the same answers as the rules (every vector runs through
 * them too), errors thrown across them, answers larger than the thread's buffer,
 * callbacks that call back in, async calls beside them, many threads at once.
 */
class CrossingTest {
    private val directory = Files.createTempDirectory("offline-push-kotlin-crossing")

    @AfterEach
    fun removeTheStore() {
        directory.toFile().deleteRecursively()
    }

    private fun open(at: String = directory.toString()) =
        OfflinePushManager(OfflinePushConfig(platform = Platform.ANDROID, storeDirectory = at))

    private fun message(id: String, text: String = "hi", from: String = "alice", group: String? = null) = IncomingMessage(
        messageId = id,
        conversationType = if (group == null) ConversationType.C2C else ConversationType.GROUP,
        sender = MessageSender(userId = from, nickname = "Alice"),
        group = group?.let { GroupInfo(groupId = it, name = "Hike") },
        elements = listOf(MessageElement.Text(text)),
        timestamp = 1_700_000_000L,
    )

    @Test
    fun `the patches are in the package, a fast path for the hot calls, a reused status for the rest (T1 C2)`() {
        // Every generated function takes the status as a plain pointer (unpatched: a Structure).
        val lib = Class.forName("org.offlinepush.UniffiLib")
        val isLoggedIn = lib.declaredMethods.single { it.name == "uniffi_offline_push_fn_method_offlinepushmanager_is_logged_in" }
        assertEquals(listOf(Long::class.javaPrimitiveType, com.sun.jna.Pointer::class.java), isLoggedIn.parameterTypes.toList())
        open().use { manager ->
            manager.login("bob")
            // The fast path answers what the rules say (the vectors check every rule through it).
            val shown = manager.render(message("m1")) as RenderOutcome.Show
            assertEquals("alice", shown.notification.title, "T1: the user id, not the nickname")
            assertEquals("hi", manager.preview(message("m1")))
            assertEquals(listOf("hi", "yo"), manager.previewBatch(listOf(message("m1"), message("m2", "yo"))))
            assertEquals(listOf(manager.render(message("m1"))), manager.renderBatch(listOf(message("m1"))))
        }
    }

    @Test
    fun `what the answer repeats of the message comes back equal, in a batch too (T2 C2 C5 F1 F2 F3 F4 S1)`() {
        open().use { manager ->
            manager.login("bob")
            val group = message("m1", group = "g7")
            val c2c = message("m2", text = "just text")
            val titled = c2c.copy(
                pushSettings = MessagePushSettings(
                    description = "New photo",
                    android = AndroidPushSettings(title = "Mum", sound = "android.resource://com.example/raw/ding"),
                ),
            )
            val answers = manager.renderBatch(listOf(group, c2c, titled)).map { (it as RenderOutcome.Show).notification }
            val single = (manager.render(group) as RenderOutcome.Show).notification
            for (n in listOf(answers[0], single)) {
                assertEquals(group.group!!.name, n.title)
                assertEquals(group.group!!.groupId, n.conversationId)
                assertEquals(group.sender.userId, n.senderId)
                assertEquals(group.sender.nickname, n.senderNickname)
                assertEquals(group.group!!.name, n.groupName)
                assertEquals("Alice: hi", n.content, "C4: a new string")
            }
            assertEquals((c2c.elements[0] as MessageElement.Text).text, answers[1].content, "C2 of one text is that text")
            assertEquals(titled.pushSettings!!.description, answers[2].content)
            assertEquals(titled.pushSettings!!.android!!.title, answers[2].title)
            assertEquals(titled.pushSettings!!.android!!.sound, (answers[2].sound as PushSound.Custom).path)
            assertEquals(c2c.sender.userId, answers[1].senderId)
            assertEquals("alice", answers[2].senderId)
            // The thread's array holds the next call's answer, not this one's.
            assertEquals(c2c.sender.userId, (manager.render(c2c) as RenderOutcome.Show).notification.title)
        }
    }

    @Test
    fun `an error thrown in Rust crosses the fast path as the same typed exception (K3)`() {
        val store = directory.resolve("store")
        open(store.toString()).use { manager ->
            manager.login("bob")
            manager.suspend()
            // While suspended every call opens the store again: take it away.
            store.toFile().deleteRecursively()
            Files.writeString(store, "not a directory")
            val render = assertFailsWith<OfflinePushException.Storage> { manager.render(message("m1")) }
            val receive = assertFailsWith<OfflinePushException.Storage> { manager.receive(message("m1")) }
            assertFailsWith<OfflinePushException.Storage> { manager.renderBatch(listOf(message("m1"))) }
            assertFailsWith<OfflinePushException.Storage> { manager.preview(message("m1")) }
            // The JNA path (the reused status) throws the same.
            val jna = assertFailsWith<OfflinePushException.Storage> { manager.badgeTotal() }
            assertTrue(render.message!!.isNotEmpty() && receive.message == render.message, "${render.message}")
            assertTrue(jna.message!!.isNotEmpty())
        }
        // And the V1 error of a generic call, after which the status is clean again.
        open().use { manager ->
            assertFailsWith<OfflinePushException.NotLoggedIn> { manager.badgeTotal() }
            manager.login("bob")
            assertEquals(0u, manager.badgeTotal())
        }
    }

    @Test
    fun `text crosses whole in every form, and a lone surrogate is refused as before (C2)`() {
        open().use { manager ->
            manager.login("bob")
            for (text in listOf("a", "家 🐱‍👤 e\u0301", "\uFEFFbom", "?", "x".repeat(4092) + "😀")) {
                val shown = manager.render(message("m", text)) as RenderOutcome.Show
                assertEquals(text, shown.notification.content)
            }
            // L4: a text over 4,096 bytes of UTF-8 is cut, never inside a character.
            val over = manager.render(message("m", "x".repeat(4093) + "😀")) as RenderOutcome.Show
            assertEquals("x".repeat(4093), over.notification.content)
            for (bad in listOf("\uD800", "a\uDC00b", "😀\uD83D")) {
                assertFailsWith<java.nio.charset.CharacterCodingException> { manager.render(message("m", bad)) }
                assertFailsWith<java.nio.charset.CharacterCodingException> { manager.login(bad) }
            }
            assertEquals(SessionState.LoggedIn("bob"), manager.session())
        }
    }

    @Test
    fun `an answer larger than the thread's buffer comes whole, and receive runs once (R1 B4)`() {
        open().use { manager ->
            manager.login("bob")
            val long = "长".repeat(1_365) // 4,095 bytes of UTF-8 (L4), each way: over the thread's 4 KB
            val shown = manager.receive(message("m1", long)) as RenderOutcome.Show
            assertEquals(long, shown.notification.content)
            assertEquals(1u, shown.notification.badgeCount, "counted once")
            assertEquals(1u, manager.badgeTotal())
            // 400 KB each way: past what a thread keeps (256 KB).
            val batch = manager.renderBatch(List(100) { message("b$it", "x".repeat(4_000) + it) })
            assertEquals(100, batch.size)
            assertEquals("x".repeat(4_000) + 99, (batch[99] as RenderOutcome.Show).notification.content)
            // The thread's buffer is small again, and works.
            assertEquals("hi", manager.preview(message("m2")))
        }
    }

    /** Calls back into the manager from inside `receive`, on the same thread. */
    private class ReentrantListener(private val manager: () -> OfflinePushManager) : OfflinePushListener {
        val told: MutableList<String> = Collections.synchronizedList(mutableListOf())

        override fun onNotification(notification: OfflinePushNotification) {
            // receive came here through the JNI entry point, not through JNA.
            told += "via fast path " + Thread.currentThread().stackTrace.any { it.className == "org.offlinepush.UniffiFastPath" && it.isNativeMethod }
            val again = manager()
            // A fast-path call, a generic call, and a generic call that throws, all nested.
            val nested = IncomingMessage(
                conversationType = ConversationType.C2C,
                sender = MessageSender("carol"),
                elements = listOf(MessageElement.Text("nested")),
                timestamp = 1,
            )
            told += "preview " + again.preview(nested)
            told += "badge ${again.badgeTotal()}"
            told += "error " + (runCatching { again.setGlobalSettings(OfflinePushSettings(c2cSound = "/not/bundled.mp3")) }.exceptionOrNull()?.javaClass?.simpleName)
        }

        override fun onSuppressed(message: IncomingMessage, reason: SuppressReason) {
            told += "suppressed $reason"
        }
    }

    @Test
    fun `a listener that calls back in while receive is on the fast path gets its own answers (R1 D8 V2)`() {
        open().use { manager ->
            val listener = ReentrantListener { manager }
            manager.setListener(listener)
            manager.login("bob")
            val shown = manager.receive(message("m1")) as RenderOutcome.Show
            assertEquals(1u, shown.notification.badgeCount)
            // The outer answer is the outer message's, though the nested calls used the same array.
            assertEquals(listOf("alice", "hi", "alice", "alice"), shown.notification.run { listOf(title, content, conversationId, senderId) })
            assertEquals(RenderOutcome.Suppress(SuppressReason.DUPLICATE), manager.receive(message("m1")))
            assertEquals(listOf("via fast path true", "preview nested", "badge 1", "error InvalidSound", "suppressed DUPLICATE"), listener.told)
        }
    }

    @Test
    fun `many threads at once, each gets its own answers, every receipt counts once (R1 B2 B4)`() {
        val threads = 8
        val perThread = 200
        open().use { manager ->
            manager.login("bob")
            val pool = Executors.newFixedThreadPool(threads)
            val start = CyclicBarrier(threads)
            val results = (0 until threads).map { t ->
                pool.submit<List<String>> {
                    start.await()
                    (0 until perThread).flatMap { i ->
                        val text = "t$t-$i"
                        val rendered = manager.render(message("r$t-$i", text, group = "g$t")) as RenderOutcome.Show
                        val received = manager.receive(message("m$t-$i", text)) as RenderOutcome.Show
                        val preview = manager.preview(message("p", text))
                        check(manager.isLoggedIn())
                        listOf(rendered.notification.content, received.notification.content, preview)
                    }
                }
            }.map { it.get(60, TimeUnit.SECONDS) }
            pool.shutdown()
            results.forEachIndexed { t, got ->
                val expected = (0 until perThread).flatMap { i -> listOf("Alice: t$t-$i", "t$t-$i", "t$t-$i") }
                assertEquals(expected, got, "thread $t")
            }
            assertEquals((threads * perThread).toUInt(), manager.badgeTotal(), "every receipt counted once")
        }
    }

    @Test
    fun `async calls run beside the fast path and the status of each is its own (K6)`() = runBlocking {
        open().use { manager ->
            manager.setSyncPolicy(SyncPolicy(maxAttempts = 1u, initialDelayMs = 1uL, maxDelayMs = 1uL, callTimeoutMs = 500uL, syncAfterChanges = false))
            manager.login("bob")
            // No backend: the async call throws its typed error each time, while other
            // coroutines render on the fast path on other threads.
            val jobs = (0 until 4).map { k ->
                async(Dispatchers.Default) {
                    repeat(50) { i ->
                        if (k == 0) {
                            assertFailsWith<OfflinePushException.NotConfigured> { manager.sync() }
                        } else {
                            val shown = manager.render(message("m$k-$i", "async $k $i")) as RenderOutcome.Show
                            assertEquals("async $k $i", shown.notification.content)
                        }
                    }
                }
            }
            jobs.awaitAll()
            manager.setBackend(SyncTest.KotlinBackend())
            manager.setGlobalSettings(OfflinePushSettings(enabled = false))
            assertEquals(1u, manager.sync().sent)
        }
    }
}
