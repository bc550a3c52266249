package org.offlinepush

import kotlinx.coroutines.async
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.delay
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.nio.file.Files
import java.util.Collections
import java.util.concurrent.atomic.AtomicInteger
import kotlin.test.assertFailsWith

/**
 * The sync with the app's backend (K4–K7) through the Kotlin package, with a
 * backend written here as an app would: `suspend` functions on Kotlin
 * coroutines, driven by the core's tokio. Faults: errors that pass, refusals,
 * a backend that never answers (its coroutine is cancelled), a backend that
 * throws an exception of its own, a restart with work queued, two managers on
 * one store at once.
 */
class SyncTest {
    private val directory = Files.createTempDirectory("offline-push-kotlin-sync")

    @AfterEach
    fun removeTheStore() {
        directory.toFile().deleteRecursively()
    }

    enum class Answer { OK, TRANSIENT, REJECTED, HANG, BUG, SLOW }

    /** Answers from a script, `OK` once it runs out; keeps what it accepted as a server would. */
    class KotlinBackend(vararg script: Answer) : PushBackend {
        private val script = ArrayDeque(script.toList())
        val calls: MutableList<String> = Collections.synchronizedList(mutableListOf())
        val accepted: MutableList<String> = Collections.synchronizedList(mutableListOf())
        val cancelled = AtomicInteger()
        @Volatile var server = AccountPushSettings(OfflinePushSettings(), null, emptyList())

        private suspend fun answer(call: String) {
            calls.add(call)
            when (synchronized(script) { script.removeFirstOrNull() } ?: Answer.OK) {
                Answer.OK -> {}
                Answer.TRANSIENT -> throw PushBackendException.Transient("HTTP 503")
                Answer.REJECTED -> throw PushBackendException.Rejected("HTTP 403")
                Answer.HANG -> try { awaitCancellation() } finally { cancelled.incrementAndGet() }
                Answer.BUG -> throw IllegalStateException("a bug in the app's backend")
                Answer.SLOW -> delay(30)
            }
            accepted.add(call)
        }

        override suspend fun uploadSettings(userId: String, change: SettingsChange) = answer("settings $userId $change")

        override suspend fun fetchSettings(userId: String): AccountPushSettings {
            answer("fetch $userId")
            return server
        }

        override suspend fun uploadToken(userId: String, token: OfflinePushToken) = answer("upload $userId ${token.token.value}")

        override suspend fun unbindToken(userId: String, token: OfflinePushToken) = answer("unbind $userId ${token.token.value}")
    }

    /** Short waits and no background syncs, so each test decides when to sync. */
    private val manual = SyncPolicy(maxAttempts = 3u, initialDelayMs = 5uL, maxDelayMs = 20uL, callTimeoutMs = 300uL, syncAfterChanges = false)

    private fun open() = OfflinePushManager(OfflinePushConfig(platform = Platform.ANDROID, storeDirectory = directory.toString()))
        .also { it.setSyncPolicy(manual) }

    private val quiet = OfflinePushSettings(enabled = false)
    private val token = OfflinePushToken(PushVendor.XIAOMI, PushTokenSecret("mi-token"), 2882303761uL)

    @Test
    fun `the package's default policy is the core's, and a bad one is refused`() {
        val manager = OfflinePushManager(OfflinePushConfig(platform = Platform.ANDROID))
        assertEquals(SyncPolicy(), manager.syncPolicy())
        assertFailsWith<OfflinePushException.InvalidArgument> { manager.setSyncPolicy(SyncPolicy(maxAttempts = 0u)) }
    }

    @Test
    fun `a change is saved first, then sent once, retrying errors that pass (K6)`() = runBlocking {
        open().use { manager ->
            manager.login("bob")
            manager.setGlobalSettings(quiet)
            assertFailsWith<OfflinePushException.NotConfigured> { manager.sync() }
            assertEquals(listOf(PendingKind.GLOBAL_SETTINGS), manager.syncStatus().pending.map { it.kind })

            val backend = KotlinBackend(Answer.TRANSIENT, Answer.TRANSIENT)
            manager.setBackend(backend)
            assertEquals(SyncReport(sent = 1u, rejected = 0u, stillPending = 0u, inProgressElsewhere = 0u), manager.sync())
            assertEquals(3, backend.calls.size)
            assertEquals(listOf("settings bob ${SettingsChange.GlobalSettings(quiet)}"), backend.accepted)
            assertEquals(0u, manager.sync().sent)
            assertEquals(3, backend.calls.size, "nothing is sent twice")
            assertTrue(manager.syncStatus().pending.isEmpty())
        }
    }

    @Test
    fun `a failure in the middle of the queue stops the sync and keeps the rest, in order (K6)`() = runBlocking {
        open().use { manager ->
            manager.setSyncPolicy(manual.copy(maxAttempts = 1u))
            manager.login("bob")
            for (id in listOf("a", "b", "c")) manager.setReceiveOption(ConversationType.C2C, id, ReceiveOption.NOT_RECEIVE)
            val backend = KotlinBackend(Answer.OK, Answer.TRANSIENT)
            manager.setBackend(backend)
            assertFailsWith<OfflinePushException.BackendUnavailable> { manager.sync() }
            assertEquals(1, backend.accepted.size)
            assertEquals(2, manager.syncStatus().pending.size)
            assertEquals(2u, manager.sync().sent)
            assertEquals(listOf("a", "b", "c"), backend.accepted.map { it.substringAfter("conversationId=").substringBefore(",") })
        }
    }

    @Test
    fun `a backend that never answers is cancelled after the timeout and the change stays queued (K6)`() = runBlocking {
        open().use { manager ->
            manager.login("bob")
            manager.setDoNotDisturb(DoNotDisturbWindow(startSeconds = 0, durationSeconds = 60, utcOffsetSeconds = 0))
            val backend = KotlinBackend(Answer.HANG, Answer.HANG, Answer.HANG)
            manager.setBackend(backend)
            val e = assertFailsWith<OfflinePushException.BackendUnavailable> { manager.sync() }
            assertTrue(e.message!!.contains("no answer within 300 ms"), e.message)
            // Each hanging coroutine was cancelled, not left behind.
            val deadline = System.nanoTime() + 5_000_000_000
            while (backend.cancelled.get() < 3 && System.nanoTime() < deadline) delay(10)
            assertEquals(3, backend.cancelled.get())
            val pending = manager.syncStatus().pending.single()
            assertEquals(PendingKind.DO_NOT_DISTURB, pending.kind)
            assertEquals(3u, pending.attempts)
            assertEquals(1u, manager.sync().sent)
        }
    }

    @Test
    fun `an exception of the app's own is a typed error and the change stays queued, a refusal drops it (K6)`() = runBlocking {
        open().use { manager ->
            manager.login("bob")
            manager.setGlobalSettings(quiet)
            manager.setBackend(KotlinBackend(Answer.BUG))
            val e = assertFailsWith<OfflinePushException.BackendUnavailable> { manager.sync() }
            assertTrue(e.message!!.contains("a bug in the app's backend"), e.message)
            assertEquals(1u, manager.syncStatus().pending.single().attempts)

            manager.setBackend(KotlinBackend(Answer.REJECTED))
            assertEquals(1u, manager.sync().rejected)
            val status = manager.syncStatus()
            assertTrue(status.pending.isEmpty())
            assertTrue(status.lastError!!.contains("HTTP 403"), status.lastError)
            assertEquals(quiet, manager.globalSettings(), "the device keeps its value")
        }
    }

    @Test
    fun `a token goes up once, logout unbinds it, and a failing unbind survives a restart (K4 K5 D1)`() = runBlocking {
        val backend = KotlinBackend()
        open().use { manager ->
            manager.setBackend(backend)
            manager.login("bob")
            manager.setToken(token)
            manager.sync()
            manager.setToken(token)
            assertEquals(0u, manager.sync().sent)
            manager.logout()
            assertEquals(RenderOutcome.Suppress(SuppressReason.LOGGED_OUT), manager.render(
                IncomingMessage(conversationType = ConversationType.C2C, sender = MessageSender(userId = "alice"), elements = emptyList(), timestamp = 0L),
            ))
            manager.setBackend(KotlinBackend(Answer.TRANSIENT, Answer.TRANSIENT, Answer.TRANSIENT))
            assertFailsWith<OfflinePushException.BackendUnavailable> { manager.sync() }
        }
        open().use { manager ->
            assertEquals(listOf(PendingKind.TOKEN_UNBIND), manager.syncStatus().pending.map { it.kind })
            assertFalse(manager.syncStatus().toString().contains("mi-token"))
            manager.setBackend(backend)
            assertEquals(1u, manager.sync().sent)
            manager.login("carol")
            manager.sync()
            // Kicked offline: the server signed the device out itself, nothing to unbind.
            manager.kickedOffline()
            assertEquals(0u, manager.sync().sent)
        }
        assertEquals(listOf("upload bob mi-token", "unbind bob mi-token", "upload carol mi-token"), backend.accepted)
    }

    @Test
    fun `fetch takes the backend's values unless a local change is queued, and is stale when it fails (K7)`() = runBlocking {
        open().use { manager ->
            manager.login("bob")
            val window = DoNotDisturbWindow(startSeconds = 600, durationSeconds = 60, utcOffsetSeconds = 0)
            manager.setDoNotDisturb(window)
            val backend = KotlinBackend(Answer.OK, Answer.REJECTED)
            backend.server = AccountPushSettings(
                globalSettings = quiet,
                doNotDisturb = null,
                receiveOptions = listOf(ConversationReceiveOption(ConversationType.GROUP, "g1", ReceiveOption.NOT_RECEIVE)),
            )
            manager.setBackend(backend)
            val fetched = manager.fetchSettings()
            assertFalse(fetched.stale)
            assertEquals(AccountPushSettings(quiet, window, backend.server.receiveOptions), fetched.settings)
            assertEquals(ReceiveOption.NOT_RECEIVE, manager.receiveOption(ConversationType.GROUP, "g1"))

            val failed = manager.fetchSettings()
            assertTrue(failed.stale)
            assertTrue(failed.staleReason!!.contains("HTTP 403"), failed.staleReason)
            assertEquals(fetched.settings, failed.settings)
        }
    }

    @Test
    fun `two managers on one store syncing at once send each change once`() = runBlocking {
        open().use { app ->
            open().use { other ->
                app.login("bob")
                for (i in 0 until 12) app.setReceiveOption(ConversationType.C2C, "peer$i", ReceiveOption.NOT_RECEIVE)
                val a = KotlinBackend(*Array(12) { Answer.SLOW })
                val b = KotlinBackend(*Array(12) { Answer.SLOW })
                app.setBackend(a)
                other.setBackend(b)
                val first = async { app.sync() }
                val second = async { other.sync() }
                val reports = listOf(first.await(), second.await())
                assertEquals(12u, reports.sumOf { it.sent })
                val all = a.accepted + b.accepted
                assertEquals(12, all.size)
                assertEquals(12, all.toSet().size, "every change went out exactly once")
            }
        }
    }

    @Test
    fun `with the default policy a change goes out in the background`() = runBlocking {
        OfflinePushManager(OfflinePushConfig(platform = Platform.ANDROID)).use { manager ->
            val backend = KotlinBackend()
            manager.setBackend(backend)
            manager.login("bob")
            manager.setGlobalSettings(quiet)
            withTimeout(10_000) {
                while (backend.accepted.isEmpty()) delay(10)
            }
            assertEquals(listOf("settings bob ${SettingsChange.GlobalSettings(quiet)}"), backend.accepted)
        }
    }
}
