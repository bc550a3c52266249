// The conformance-vector runner in Kotlin (tests/vectors/README.md, "Runners"): reads
// each file with Gson, builds a case's records through the core's JSON hand-over
// (`messageFromJson`, `accountSettingsFromJson`, `tokenFromJson`, `vendorConfigFromJson`),
// so each is lifted into a Kotlin object and lowered again by the calls, drives the
// calls itself step by step, and compares in Kotlin, key by key, against the expected
// JSON (a notification goes back to JSON through `notificationToJson` for that).
//
// Usage: VectorRunnerKt <own vectors dir> [<extra dir>] ("" for none; without a second
// argument OFFLINE_PUSH_EXTRA_VECTORS). Ends with `kotlin-vectors: N passed, M failed`.

package org.offlinepush.vectors

import com.google.gson.Gson
import com.google.gson.JsonArray
import com.google.gson.JsonElement
import com.google.gson.JsonNull
import com.google.gson.JsonObject
import com.google.gson.JsonParser
import com.google.gson.stream.JsonReader
import com.google.gson.stream.JsonToken
import org.offlinepush.*
import java.io.StringReader
import java.nio.ByteBuffer
import java.nio.charset.StandardCharsets.UTF_8
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.Paths
import java.util.Arrays
import kotlin.system.exitProcess

private class CaseFailure(message: String) : Exception(message)

private fun fail(message: String): Nothing = throw CaseFailure(message)

private val CASE_KEYS = setOf(
    "name", "platform", "locale", "session", "global_settings", "receive_options", "dnd", "token", "message",
    "expect", "expect_reason", "expect_error", "vendor", "vendor_config", "expect_payload", "expect_shortened",
    "expect_payload_error",
)
private val NOTIFICATION_KEYS = setOf(
    "title", "title_source", "content", "conversation_id", "conversation_type", "sender_id", "sender_nickname",
    "group_name", "ext", "sound", "badge", "notify_mode", "badge_count", "mentioned_user_id", "mentions_all",
)
private val STEP_ACTIONS = listOf(
    "login", "logout", "kicked_offline", "set_global_settings", "set_receive_option", "set_dnd", "set_token",
    "set_locale", "receive", "render", "mark_read", "set_unread_count", "expect_badge", "expect_global_settings",
    "expect_receive_option", "restart",
)
private val STEP_KEYS = STEP_ACTIONS.toSet() + setOf("on", "expect", "expect_reason", "expect_error")
private val INTEGER = Regex("0|[1-9][0-9]*")

/** What the calls returned, case by case: written to OFFLINE_PUSH_VECTOR_TRACE for the differential check. */
private val trace = mutableListOf<String>()

fun main(args: Array<String>) {
    if (args.isEmpty() || args.size > 2 || args[0].isEmpty()) {
        System.err.println("usage: VectorRunnerKt <own vectors dir> [<extra dir>]")
        exitProcess(2)
    }
    val extra = if (args.size == 2) args[1] else System.getenv("OFFLINE_PUSH_EXTRA_VECTORS")
    var passed = 0
    val failures = mutableListOf<String>()
    for (folder in listOfNotNull(args[0], extra?.takeIf { it.isNotEmpty() }).map { Paths.get(it) }) {
        val files = try {
            Files.list(folder).use { it.toList() }.filter { f -> f.fileName.toString().let { it.lastIndexOf('.') > 0 && it.endsWith(".json") } }
        } catch (e: Exception) {
            failures += "$folder: cannot read the folder: $e"
            continue
        }
        // Sorted by the bytes of their names, as Rust sorts paths.
        for (file in files.sortedWith { a, b -> Arrays.compareUnsigned(a.fileName.toString().toByteArray(), b.fileName.toString().toByteArray()) }) {
            val label = file.fileName.toString()
            val doc = try {
                parse(file).objectOf("the file", setOf("cases", "scenarios"))
            } catch (e: Exception) {
                failures += "$label: cannot parse the file: ${e.message}"
                continue
            }
            for ((key, run) in listOf<Pair<String, (JsonElement) -> Unit>>("cases" to ::runCase, "scenarios" to ::runScenario)) {
                val items = doc.get(key) ?: continue
                (items as? JsonArray ?: JsonArray().also { failures += "$label: $key must be a list" }).forEachIndexed { i, item ->
                    val name = (item as? JsonObject)?.get("name")?.takeIf { it.isJsonPrimitive }?.asString ?: "#$i"
                    trace += "$label :: $name"
                    try {
                        run(item)
                        passed += 1
                    } catch (e: Exception) {
                        failures += "$label :: ${if (key == "scenarios") "scenario " else ""}$name: ${(e as? CaseFailure)?.message ?: "unexpected $e"}"
                    }
                }
            }
        }
    }
    System.getenv("OFFLINE_PUSH_VECTOR_TRACE")?.let { Files.write(Paths.get(it), trace) }
    failures.forEach { println("FAILED $it") }
    println("kotlin-vectors: $passed passed, ${failures.size} failed")
    exitProcess(if (failures.isEmpty()) 0 else 1)
}

/** One strict JSON document in strict UTF-8 (no byte-order mark, nothing after it). */
private fun parse(file: Path): JsonElement {
    val text = UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString()
    if (text.startsWith('\uFEFF')) fail("a byte-order mark")
    val reader = JsonReader(StringReader(text)).apply { isLenient = false }
    val doc = Gson().getAdapter(JsonElement::class.java).read(reader)
    if (reader.peek() != JsonToken.END_DOCUMENT) fail("trailing characters after the JSON value")
    return doc
}

private fun JsonElement?.objectOf(what: String, allowed: Set<String>): JsonObject {
    val obj = this as? JsonObject ?: fail("$what must be an object")
    obj.keySet().sorted().firstOrNull { it !in allowed }?.let { fail("unknown key \"$it\" in $what") }
    return obj
}

private fun JsonElement?.text(what: String): String =
    (this?.takeIf { it.isJsonPrimitive && it.asJsonPrimitive.isString } ?: fail("$what must be a string")).asString

private fun JsonElement?.unsigned(what: String): Long =
    this?.takeIf { it.isJsonPrimitive && it.asJsonPrimitive.isNumber && INTEGER.matches(it.asString) }?.asString?.toLongOrNull()
        ?: fail("$what must be a non-negative integer")

/** Reads through the core's hand-over; a refusal is a broken vector. */
private fun <T> handOver(what: String, read: () -> T): T = try { read() } catch (e: OfflinePushException) { fail("$what: ${e.message}") }

private fun message(value: JsonElement?): IncomingMessage {
    val m = (value as? JsonObject ?: fail("message must be an object")).deepCopy()
    m.addProperty("format_version", 1)
    return handOver("message") { messageFromJson(m.toString()) }
}

/** Global settings, receive options and the DND window read as the backend's settings are. */
private fun account(key: String, value: JsonElement): AccountPushSettings {
    val whole = JsonObject().apply {
        add("global_settings", if (key == "global_settings") value else JsonObject())
        add("receive_options", if (key == "receive_options") value else JsonArray())
        if (key == "do_not_disturb") add("do_not_disturb", value)
    }
    return handOver(key) { accountSettingsFromJson(whole.toString()) }
}

private fun conversation(value: JsonElement?, what: String, extra: String): Pair<ConversationType, String> {
    val c = value.objectOf(what, setOf("conversation_type", "conversation_id", extra))
    val type = ConversationType.entries.firstOrNull { it.name.lowercase() == c.get("conversation_type").text("conversation_type") }
    return (type ?: fail("unknown conversation type")) to c.get("conversation_id").text("conversation_id")
}

/** The value [table] names by the string [value]. */
private fun <T> pick(table: Map<String, T>, value: JsonElement?, what: String): T = table[value.text(what)] ?: fail("unknown $what $value")

private val PLATFORMS = mapOf("android" to Platform.ANDROID, "ios" to Platform.IOS)
private val LOCALES = mapOf("zh-Hans" to PushLocale.ZH_HANS, "en" to PushLocale.EN)
private val LOGIN = mapOf("logged_in" to "login", "logged_out" to "logout", "kicked_offline" to "kicked_offline")
private val CASE_STATE = listOf(
    "global_settings" to "set_global_settings", "receive_options" to "set_receive_options", "dnd" to "set_dnd",
    "token" to "set_token", "locale" to "set_locale",
)

private fun runCase(value: JsonElement) {
    val case = value.objectOf("case", CASE_KEYS)
    OfflinePushManager(OfflinePushConfig(platform = pick(PLATFORMS, case.get("platform"), "platform"))).use { manager ->
        // The state in the README's order, as a scenario's steps would set it; the first error stops it.
        val session = case.get("session").objectOf("session", setOf("state", "user_id"))
        val state = listOf(pick(LOGIN, session.get("state"), "session state") to session.get("user_id")) +
            CASE_STATE.mapNotNull { (key, action) -> case.present(key)?.let { action to it } }
        val error = try {
            state.forEach { (action, arg) -> apply(manager, action, arg) }
            null
        } catch (e: OfflinePushException) {
            e
        }
        trace += "state: ${error?.kind ?: "ok"}"
        val message = message(case.get("message"))
        case.get("expect_error")?.let { want ->
            if (error?.kind != want.text("expect_error")) fail("expected error $want, got ${error?.kind ?: "none"}")
            return
        }
        if (error != null) fail("applying the state failed: ${error.kind} (${error.message})")
        val outcome = manager.render(message)
        if (case.has("expect") || !case.has("vendor")) checkOutcome(case, outcome)
        if (case.has("vendor")) checkPayload(case, message, outcome)
    }
}

private fun JsonObject.present(key: String): JsonElement? = get(key)?.takeUnless { it.isJsonNull }

private fun checkOutcome(step: JsonObject, outcome: RenderOutcome) {
    val expect = step.get("expect") ?: fail("neither expect nor expect_error")
    trace += when (outcome) {
        is RenderOutcome.Suppress -> "suppressed: ${outcome.reason.name.lowercase()}"
        is RenderOutcome.Show -> "shown: ${notificationToJson(outcome.notification)}"
    }
    when (outcome) {
        is RenderOutcome.Suppress -> {
            val reason = outcome.reason.name.lowercase()
            if (!expect.isJsonNull) fail("expected a notification, got suppressed: $reason")
            step.present("expect_reason")?.let { if (it.text("expect_reason") != reason) fail("expected reason $it, got $reason") }
        }
        is RenderOutcome.Show -> {
            val got = JsonParser.parseString(notificationToJson(outcome.notification)).asJsonObject
            val want = expect as? JsonObject ?: fail("expected no notification, got $got")
            val diffs = want.keySet().sorted().mapNotNull { key ->
                if (key !in NOTIFICATION_KEYS) fail("unknown key \"$key\" in expect")
                val have = got.get(key) ?: JsonNull.INSTANCE
                if (have == want.get(key)) null else "$key: expected ${want.get(key)}, got $have"
            }
            if (diffs.isNotEmpty()) fail(diffs.joinToString("; "))
        }
    }
}

/** P1, P3, P4: the vendor's payload from the notification, compared whole, and read back. */
private fun checkPayload(case: JsonObject, message: IncomingMessage, outcome: RenderOutcome) {
    val notification = (outcome as? RenderOutcome.Show)?.notification ?: fail("a payload case needs a notification")
    val name = case.get("vendor").text("vendor")
    val vendor = PushVendor.entries.firstOrNull { it.name.lowercase() == name } ?: fail("unknown vendor $name")
    val config = case.present("vendor_config")?.let { c -> handOver("vendor_config") { vendorConfigFromJson(c.toString()) } }
    val payload = try {
        buildVendorPayload(vendor, notification, message.messageId, message.timestamp, config ?: VendorConfig())
    } catch (e: OfflinePushException) {
        trace += "payload error: ${e.kind}"
        if (case.present("expect_payload_error")?.text("expect_payload_error") == e.kind) return
        fail("building the payload failed: ${e.kind} (${e.message})")
    }
    case.present("expect_payload_error")?.let { fail("expected payload error $it, got a payload") }
    trace += "payload: ${payload.json} ${payload.shortened.map { it.field }}"
    val got = JsonParser.parseString(payload.json)
    val expected = case.get("expect_payload") ?: fail("a payload case needs expect_payload or expect_payload_error")
    if (got != expected) fail("payload: expected $expected, got $got")
    case.present("expect_shortened")?.let { want ->
        val fields = JsonArray().apply { payload.shortened.forEach { add(it.field) } }
        if (fields != want) fail("shortened: expected $want, got $fields")
    }
    val push = readVendorPush(vendor, deliveredForm(payload)) ?: fail("the payload does not read back")
    val sameExt = (push.ext ?: ByteArray(0)).contentEquals(notification.ext ?: ByteArray(0)) && (push.ext == null) == (notification.ext == null)
    if (push.conversationId != notification.conversationId || push.senderId != notification.senderId || !sameExt || push.messageId != message.messageId) {
        fail("read back differs: ${push.conversationId} ${push.senderId} ${push.messageId}")
    }
}

/** The scenario's managers on one store: the app's, and the second process's, each opened at first use. */
private class Managers(val platform: Platform, val directory: Path) : AutoCloseable {
    private val open = mutableMapOf<String, OfflinePushManager>()

    fun get(on: String): OfflinePushManager = if (on != "first" && on != "second") fail("unknown manager \"$on\": \"on\" is \"second\"")
    else open.getOrPut(on) { handOver("opening a manager") { OfflinePushManager(OfflinePushConfig(platform, directory.toString())) } }

    override fun close() {
        open.values.forEach { it.close() }
        open.clear()
    }
}

private fun runScenario(value: JsonElement) {
    val scenario = value.objectOf("scenario", setOf("name", "platform", "locale", "steps"))
    val steps = scenario.get("steps") as? JsonArray ?: fail("steps must be a list")
    val directory = Files.createTempDirectory("offline-push-scenario")
    try {
        Managers(pick(PLATFORMS, scenario.get("platform"), "platform"), directory).use { managers ->
            scenario.present("locale")?.let { l -> handOver("set_locale") { managers.get("first").setLocale(pick(LOCALES, l, "locale")) } }
            steps.forEachIndexed { index, step ->
                try {
                    runStep(managers, step.objectOf("step", STEP_KEYS))
                } catch (e: CaseFailure) {
                    fail("step ${index + 1}: ${e.message}")
                }
            }
        }
    } finally {
        directory.toFile().deleteRecursively()
    }
}

private fun runStep(managers: Managers, step: JsonObject) {
    val action = STEP_ACTIONS.filter { step.has(it) }.singleOrNull() ?: fail("a step has exactly one action")
    if (action == "restart") return managers.close()
    val manager = managers.get(step.present("on")?.text("on") ?: "first")
    val arg = step.get(action)
    val outcome = try {
        apply(manager, action, arg)
    } catch (e: OfflinePushException) {
        trace += "$action: ${e.kind}"
        val want = step.get("expect_error") ?: fail("failed: ${e.kind} (${e.message})")
        if (e.kind != want.text("expect_error")) fail("expected error $want, got ${e.kind} (${e.message})")
        return
    }
    step.get("expect_error")?.let { fail("expected error $it, got none") }
    if (outcome != null) checkOutcome(step, outcome)
}

/** One action of a step (or of a case's state) on [manager]; what `receive` or `render` returned. */
private fun apply(manager: OfflinePushManager, action: String, arg: JsonElement?): RenderOutcome? {
    when (action) {
        "login" -> manager.login(arg.text("login"))
        "logout" -> manager.logout()
        "kicked_offline" -> manager.kickedOffline()
        "set_global_settings" -> manager.setGlobalSettings(account("global_settings", arg!!).globalSettings)
        "set_receive_option", "set_receive_options" -> {
            val options = if (action == "set_receive_option") JsonArray().apply { add(arg) } else arg!!
            for (o in account("receive_options", options).receiveOptions) manager.setReceiveOption(o.conversationType, o.conversationId, o.option)
        }
        "set_dnd" -> manager.setDoNotDisturb(if (arg!!.isJsonNull) null else account("do_not_disturb", arg).doNotDisturb)
        "set_token" -> manager.setToken(handOver("token") { tokenFromJson(arg.toString()) })
        "set_locale" -> manager.setLocale(pick(LOCALES, arg, "locale"))
        "receive" -> return manager.receive(message(arg))
        "render" -> return manager.render(message(arg))
        "mark_read" -> conversation(arg, action, "").let { (type, id) -> manager.markRead(type, id) }
        "set_unread_count" -> conversation(arg, action, "count").let { (type, id) ->
            val count = arg!!.asJsonObject.get("count").unsigned("count").takeIf { it <= UInt.MAX_VALUE.toLong() } ?: fail("count is out of range")
            manager.setUnreadCount(type, id, count.toUInt())
        }
        else -> checkReading(manager, action, arg!!)
    }
    return null
}

/** The reading steps: what the manager says now, only the keys given. */
private fun checkReading(manager: OfflinePushManager, action: String, arg: JsonElement) {
    when (action) {
        "expect_badge" -> {
            val want = arg.unsigned("expect_badge")
            val got = manager.badgeTotal()
            trace += "badge: $got"
            if (got.toLong() != want) fail("expected badge $want, got $got")
        }
        "expect_global_settings" -> {
            val settings = { s: OfflinePushSettings ->
                JsonParser.parseString(settingsChangeToJson(SettingsChange.GlobalSettings(s))).asJsonObject.getAsJsonObject("settings")
            }
            val want = settings(account("global_settings", arg).globalSettings)
            val got = settings(manager.globalSettings())
            trace += "settings: $got"
            for (key in arg.objectOf(action, setOf("enabled", "c2c_sound", "group_sound")).keySet().sorted()) {
                val (w, g) = (want.get(key) ?: JsonNull.INSTANCE) to (got.get(key) ?: JsonNull.INSTANCE)
                if (w != g) fail("global settings $key: expected $w, got $g")
            }
        }
        "expect_receive_option" -> {
            val want = account("receive_options", JsonArray().apply { add(arg) }).receiveOptions.single()
            val got = manager.receiveOption(want.conversationType, want.conversationId)
            trace += "option: $got"
            if (got != want.option) fail("receive option of ${want.conversationId}: expected ${want.option.name.lowercase()}, got ${got.name.lowercase()}")
        }
    }
}
