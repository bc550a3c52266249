package org.offlinepush.demo

import com.sun.net.httpserver.HttpServer
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Test
import org.offlinepush.ConversationType
import org.offlinepush.DeliveredPush
import org.offlinepush.OfflinePushToken
import org.offlinepush.Platform
import org.offlinepush.PushBackendException
import org.offlinepush.PushLocale
import org.offlinepush.PushTokenSecret
import org.offlinepush.PushVendor
import org.offlinepush.ReceiveOption
import org.offlinepush.SettingsChange
import java.net.InetSocketAddress
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertIs
import kotlin.test.assertTrue

/** The demo's `PushBackend` over real HTTP, against a JDK server that records what it got (K4–K7). */
class HttpPushBackendTest {
    private data class Seen(val method: String, val path: String, val body: String)

    private val seen = mutableListOf<Seen>()
    private var answer: Pair<Int, String> = 204 to ""
    private val server = HttpServer.create(InetSocketAddress("127.0.0.1", 0), 0).apply {
        createContext("/") { exchange ->
            val body = exchange.requestBody.readBytes().decodeToString()
            synchronized(seen) { seen.add(Seen(exchange.requestMethod, exchange.requestURI.rawPath, body)) }
            val (status, text) = answer
            val bytes = text.toByteArray()
            exchange.sendResponseHeaders(status, if (bytes.isEmpty()) -1 else bytes.size.toLong())
            if (bytes.isNotEmpty()) exchange.responseBody.use { it.write(bytes) }
            exchange.close()
        }
        start()
    }
    private val device = DeviceInfo("bob pixel", Platform.ANDROID, PushLocale.EN, PushVendor.FCM)
    private val backend = HttpPushBackend("http://127.0.0.1:${server.address.port}/", device)
    private val token = OfflinePushToken(PushVendor.FCM, PushTokenSecret("fcm-token-of-bob"), 7uL)

    @AfterEach
    fun stop() = server.stop(0)

    @Test
    fun settingsAndTokensGoUpInTheCoresSpelling_K4_K5_K6() = runBlocking {
        backend.uploadSettings("bob", SettingsChange.ConversationOption(ConversationType.GROUP, "g-news", ReceiveOption.RECEIVE_NOT_NOTIFY))
        backend.uploadToken("bob", token)
        backend.unbindToken("bob", token)
        assertEquals(listOf("PUT", "POST", "DELETE"), seen.map { it.method })
        assertEquals("/v1/users/bob/settings", seen[0].path)
        assertTrue(seen[0].body.contains("\"kind\":\"conversation_option\""), seen[0].body)
        assertTrue(seen[1].body.contains("\"token\":{\"vendor\":\"fcm\",\"token\":\"fcm-token-of-bob\",\"business_id\":7}"), seen[1].body)
        assertTrue(seen[1].body.contains("\"id\":\"bob pixel\""), seen[1].body)
        assertTrue(seen[1].body.contains("\"own_vendor\":\"fcm\""), seen[1].body)
        assertEquals("/v1/users/bob/tokens", seen[2].path)
    }

    @Test
    fun fetchedSettingsAreReadAndABadAnswerIsTransient_K7() = runBlocking {
        answer = 200 to """{"global_settings": {"enabled": false}, "receive_options": []}"""
        assertFalse(backend.fetchSettings("bob").globalSettings.enabled)
        answer = 200 to """{"global_settings": 3}"""
        assertIs<PushBackendException.Transient>(runCatching { backend.fetchSettings("bob") }.exceptionOrNull())
    }

    @Test
    fun a5xxIsTransientA4xxRejectedAndNoServerTransient() = runBlocking {
        answer = 503 to """{"error": "the backend is down"}"""
        val down = runCatching { backend.uploadToken("bob", token) }.exceptionOrNull()
        assertIs<PushBackendException.Transient>(down)
        assertTrue(down.reason.contains("the backend is down"), down.reason)
        assertFalse(down.reason.contains("fcm-token-of-bob"), "never the token")
        answer = 400 to """{"error": "not a token"}"""
        assertIs<PushBackendException.Rejected>(runCatching { backend.uploadToken("bob", token) }.exceptionOrNull())
        server.stop(0)
        assertIs<PushBackendException.Transient>(runCatching { backend.uploadToken("bob", token) }.exceptionOrNull())
    }

    @Test
    fun theInboxGivesEachPushWithItsVendorAndSkipsWhatIsNotOne_P4() = runBlocking {
        answer = 200 to """[{"vendor": "fcm", "delivered": {"extras": {"a": "1"}}},
            {"vendor": "nobody", "delivered": {"json": "{}"}},
            {"vendor": "apns", "delivered": {"json": "{}"}},
            {"vendor": "xiaomi", "delivered": 5}]"""
        val pushes = backend.collect()
        assertEquals("/v1/devices/bob%20pixel/collect", seen.single().path)
        assertEquals(listOf(PushVendor.FCM, PushVendor.APNS), pushes.map { it.first })
        assertEquals(DeliveredPush.Extras(mapOf("a" to "1")), pushes[0].second)
    }
}

class QuietLogTest {
    @org.junit.jupiter.api.Test
    fun keepsTheNewestLinesAndReadsThemBack() {
        val dir = kotlin.io.path.createTempDirectory("quiet").toFile()
        val log = QuietLog(dir)
        kotlin.test.assertEquals(emptyList(), log.recent())
        repeat(2 * QuietLog.KEEP + 1) { log.record("group:g$it\tx\n", org.offlinepush.SuppressReason.MUTED) }
        val recent = log.recent()
        kotlin.test.assertEquals(QuietLog.KEEP, recent.size)
        kotlin.test.assertEquals(QuietLog.Entry("group:g${2 * QuietLog.KEEP} x ", org.offlinepush.SuppressReason.MUTED), recent.last())
        dir.deleteRecursively()
    }
}
