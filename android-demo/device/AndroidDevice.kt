package org.offlinepush.demo.device

import com.google.gson.JsonArray
import com.google.gson.JsonObject
import kotlinx.coroutines.runBlocking
import org.offlinepush.ConversationType
import org.offlinepush.DeliveredPush
import org.offlinepush.DeviceFacts
import org.offlinepush.DoNotDisturbWindow
import org.offlinepush.OfflinePushConfig
import org.offlinepush.OfflinePushException
import org.offlinepush.OfflinePushManager
import org.offlinepush.Platform
import org.offlinepush.PushBackendException
import org.offlinepush.PushLocale
import org.offlinepush.PushVendor
import org.offlinepush.ReceiveOption
import org.offlinepush.SyncPolicy
import org.offlinepush.VendorConfig
import org.offlinepush.demo.ConversationLink
import org.offlinepush.demo.conversationKey
import org.offlinepush.demo.DeviceInfo
import org.offlinepush.demo.HttpPushBackend
import org.offlinepush.demo.PushHandler
import org.offlinepush.demo.PushOutcome
import org.offlinepush.demo.QuietLog
import org.offlinepush.demo.TokenResult
import org.offlinepush.demo.TokenRouter
import java.io.File

/**
 * The Android device of `./dev demo`, on a JVM: one OS process per Android
 * process, both on one store directory, as `android-demo/app` runs them on a
 * phone. `--role app` is the app's main process (what `DemoApplication` and
 * `MainActivity` do); `--role push` is the `:push` process, where the vendors'
 * services and receivers run (what `PushEntry` does), with the vendor's connection
 * standing in as the demo backend's inbox.
 *
 * It reads one command per line on stdin and answers one JSON line on stdout
 * (`xtask/src/demo.rs` drives it). Every call that touches the store runs here on
 * the command thread, never on a UI thread: the phone's code runs them on
 * `Dispatchers.IO`.
 */
fun main(args: Array<String>) {
    val options = args.toList().chunked(2).associate { it[0].removePrefix("--") to it.getOrElse(1) { "" } }
    val role = options["role"] ?: error("--role app|push")
    val device = Device(
        store = File(options["store"] ?: error("--store DIR")),
        backendUrl = options["backend"] ?: error("--backend URL"),
        deviceId = options["device"] ?: error("--device ID"),
    )
    System.out.bufferedWriter().use { out ->
        for (line in generateSequence(::readLine)) {
            val words = line.trim().split(' ').filter { it.isNotEmpty() }
            if (words.isEmpty()) continue
            if (words[0] == "quit") break
            val answer = try {
                if (role == "push") device.push(words) else device.app(words)
            } catch (e: OfflinePushException) {
                JsonObject().apply {
                    addProperty("ok", false)
                    addProperty("error", e.message ?: e.javaClass.simpleName)
                }
            }
            out.write(answer.toString())
            out.newLine()
            out.flush()
        }
    }
}

/** What both processes set up, as `DemoApplication.onCreate` does in each. */
private class Device(val store: File, backendUrl: String, deviceId: String) {
    /** A Pixel with Google Play services: FCM (P2). */
    val facts = DeviceFacts(Platform.ANDROID, "Google", "google", hasGooglePlayServices = true)
    val config = VendorConfig(fcmChannelId = "messages")
    val router get() = TokenRouter(facts, mapOf(PushVendor.FCM to 7uL, PushVendor.XIAOMI to 8uL)) { manager.setToken(it) }
    val backend = HttpPushBackend(backendUrl, DeviceInfo(deviceId, Platform.ANDROID, PushLocale.EN, router.vendor))

    val manager: OfflinePushManager by lazy {
        OfflinePushManager(OfflinePushConfig(platform = Platform.ANDROID, storeDirectory = store.path)).also {
            it.setBackend(backend)
            // The demo's policy: retry once at once, so the day never waits at random.
            it.setSyncPolicy(SyncPolicy(maxAttempts = 2u, initialDelayMs = 0u, maxDelayMs = 0u, callTimeoutMs = 5_000u, syncAfterChanges = false))
        }
    }
    val quiet = QuietLog(store)

    /** The app's main process: the settings screen's calls and the tap. */
    fun app(words: List<String>): JsonObject {
        val ok = JsonObject().apply { addProperty("ok", true) }
        when (words[0]) {
            "login" -> manager.login(words[1])
            "logout" -> manager.logout()
            // The vendor's new-token callback (FirebaseMessagingService.onNewToken).
            "token" -> when (val result = router.onNewToken(PushVendor.valueOf(words[1].uppercase()), words[2])) {
                TokenResult.Set -> ok.addProperty("vendor", words[1])
                is TokenResult.OtherVendor -> ok.addProperty("ignored", "this device uses ${result.selected}")
                is TokenResult.Refused -> return ok.apply { addProperty("ok", false); addProperty("error", result.message) }
            }
            "sound" -> {
                val sound = words[2].takeIf { it != "-" }?.let { "android.resource://org.offlinepush.demo/raw/$it" }
                val now = manager.globalSettings()
                manager.setGlobalSettings(if (words[1] == "c2c") now.copy(c2cSound = sound) else now.copy(groupSound = sound))
            }
            "mute" -> manager.setReceiveOption(conversationType(words[1]), words[2], ReceiveOption.RECEIVE_NOT_NOTIFY)
            "mute-except-mentions" ->
                manager.setReceiveOption(conversationType(words[1]), words[2], ReceiveOption.RECEIVE_NOT_NOTIFY_EXCEPT_MENTIONS)
            "dnd" -> manager.setDoNotDisturb(DoNotDisturbWindow(words[1].toInt(), words[2].toInt(), words[3].toInt()))
            "sync" -> try {
                val report = runBlocking { manager.sync() }
                ok.addProperty("sent", report.sent.toInt())
            } catch (e: OfflinePushException.BackendUnavailable) {
                ok.addProperty("unavailable", true)
            }
            "status" -> {
                val status = manager.syncStatus()
                ok.addProperty("pending", status.pending.size)
                ok.addProperty("last_error", status.lastError)
            }
            "why" -> ok.add("quiet", JsonArray().apply {
                quiet.recent().forEach { add("${it.conversation}: ${reasonName(it.reason)}") }
            })
            // The notification's tap intent reaching MainActivity.onNewIntent.
            "tap" -> {
                val link = ConversationLink.parse(words[1]) ?: return ok.apply { addProperty("opened", false) }
                manager.markRead(link.type, link.conversationId)
                ok.addProperty("opened", conversationKey(link.type, link.conversationId))
                ok.addProperty("badge", manager.badgeTotal().toInt())
            }
            "badge" -> ok.addProperty("badge", manager.badgeTotal().toInt())
            else -> return ok.apply { addProperty("ok", false); addProperty("error", "unknown command ${words[0]}") }
        }
        return ok
    }

    /** The `:push` process: the vendor's connection brings what was sent; each
     * vendor's entry point hands it to the one handler. */
    fun push(words: List<String>): JsonObject {
        require(words[0] == "collect") { "the push process only collects" }
        val delivered = try {
            runBlocking { backend.collect() }
        } catch (e: PushBackendException) {
            emptyList()
        }
        val pushes = JsonArray()
        for ((vendor, push) in delivered) pushes.add(entryPoint(vendor, push))
        return JsonObject().apply {
            addProperty("ok", true)
            add("pushes", pushes)
        }
    }

    /** `FcmService.onMessageReceived`, `XiaomiReceiver.onNotificationMessageArrived`, … */
    private fun entryPoint(vendor: PushVendor, delivered: DeliveredPush): JsonObject {
        val row = JsonObject().apply { addProperty("vendor", vendor.name.lowercase()) }
        when (val outcome = PushHandler(vendor, config) { manager }.handle(delivered)) {
            is PushOutcome.Post -> describe(row, "shown", outcome.plan)
            is PushOutcome.Fallback -> describe(row, "fallback", outcome.plan)
            is PushOutcome.Quiet -> {
                row.addProperty("outcome", "quiet")
                row.addProperty("reason", reasonName(outcome.reason))
                quiet.record(outcome.conversation, outcome.reason)
            }
            PushOutcome.NotOurs -> row.addProperty("outcome", "not ours")
        }
        return row
    }

    private fun describe(row: JsonObject, outcome: String, plan: org.offlinepush.demo.NotificationPlan) {
        row.addProperty("outcome", outcome)
        row.addProperty("title", plan.title)
        row.addProperty("text", plan.text)
        row.addProperty("sound", if (plan.silent) "silent" else plan.channelId)
        plan.badgeCount?.let { row.addProperty("badge", it.toInt()) }
        row.addProperty("link", plan.tapLink)
    }

    private fun conversationType(name: String) = if (name == "c2c") ConversationType.C2C else ConversationType.GROUP
}

/** The rules' own spelling of a reason (`do_not_disturb`), as in docs/RULES.md. */
fun reasonName(reason: org.offlinepush.SuppressReason): String = reason.name.lowercase()
