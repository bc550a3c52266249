// The conformance-vector runner in Kotlin (tests/vectors/README.md): reads each
// case with Gson, builds the records in Kotlin, applies them through the generated
// package `org.offlinepush` and compares the outcome in Kotlin. It mirrors the Rust
// reference runner, tests/rust/vectors.rs, check for check.
//
// Usage: VectorRunnerKt <own vectors dir> [<extra dir>]
// The extra dir may be "" (none); without a second argument OFFLINE_PUSH_EXTRA_VECTORS
// is used when set. Ends with `kotlin-vectors: N passed, M failed`, exit code 1 if any
// case failed.

package org.offlinepush.vectors

import com.google.gson.Gson
import com.google.gson.JsonArray
import com.google.gson.JsonElement
import com.google.gson.JsonObject
import com.google.gson.JsonParser
import com.google.gson.JsonPrimitive
import com.google.gson.stream.JsonReader
import com.google.gson.stream.JsonToken
import org.offlinepush.AndroidPushSettings
import org.offlinepush.ConversationType
import org.offlinepush.DoNotDisturbWindow
import org.offlinepush.FcmDelivery
import org.offlinepush.GroupInfo
import org.offlinepush.IncomingMessage
import org.offlinepush.IosPushSettings
import org.offlinepush.MessageElement
import org.offlinepush.MessagePushSettings
import org.offlinepush.MessageSender
import org.offlinepush.NotifyMode
import org.offlinepush.OfflinePushException
import org.offlinepush.OfflinePushConfig
import org.offlinepush.OfflinePushManager
import org.offlinepush.OfflinePushNotification
import org.offlinepush.OfflinePushSettings
import org.offlinepush.OfflinePushToken
import org.offlinepush.Platform
import org.offlinepush.PushLocale
import org.offlinepush.PushSound
import org.offlinepush.PushTokenSecret
import org.offlinepush.PushVendor
import org.offlinepush.kind
import org.offlinepush.ReceiveOption
import org.offlinepush.RenderOutcome
import org.offlinepush.SuppressReason
import org.offlinepush.TitleSource
import org.offlinepush.VendorConfig
import org.offlinepush.VendorImportance
import org.offlinepush.VivoClassification
import org.offlinepush.buildVendorPayload
import org.offlinepush.deliveredForm
import org.offlinepush.readVendorPush
import java.io.StringReader
import java.nio.ByteBuffer
import java.nio.charset.CharacterCodingException
import java.nio.charset.StandardCharsets
import java.nio.file.FileSystemException
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.Paths
import java.util.Arrays
import java.util.Base64
import kotlin.system.exitProcess

private val CASE_KEYS = setOf(
    "name", "platform", "locale", "session", "global_settings", "receive_options",
    "dnd", "token", "message", "expect", "expect_reason", "expect_error",
    "vendor", "vendor_config", "expect_payload", "expect_shortened", "expect_payload_error",
)

/** The keys each element type may have; any other type may only have "type". */
private val ELEMENT_KEYS = mapOf(
    "text" to setOf("type", "text"),
    "sound" to setOf("type", "duration_seconds"),
    "file" to setOf("type", "file_name"),
    "location" to setOf("type", "description"),
    "custom" to setOf("type", "desc", "data"),
)

/** An integer as serde_json reads one; "-0" is excluded below (serde_json makes it a float). */
private val INTEGER = Regex("-?(0|[1-9][0-9]*)")

private val BASE64_DECODER = Base64.getDecoder()
private val BASE64_ENCODER = Base64.getEncoder()

/** Gson's own JsonElement adapter: unlike JsonParser it keeps the reader strict (see [parseStrictly]). */
private val JSON_ELEMENTS = Gson().getAdapter(JsonElement::class.java)

/** Why a file or case fails: thrown by the readers and checks, caught once per file and per case. */
private class CaseFailure(message: String) : Exception(message)

private fun fail(message: String): Nothing = throw CaseFailure(message)

private class Tally {
    var passed = 0
    val failures = mutableListOf<String>()
}

fun main(args: Array<String>) {
    if (args.isEmpty() || args.size > 2 || args[0].isEmpty()) {
        System.err.println("usage: VectorRunnerKt <own vectors dir> [<extra dir>]")
        exitProcess(2)
    }
    // A second argument, even "", wins over the environment; "" means no extra dir.
    val extra = if (args.size == 2) args[1] else System.getenv("OFFLINE_PUSH_EXTRA_VECTORS")
    val folders = listOfNotNull(args[0], extra?.takeIf { it.isNotEmpty() }).map { Paths.get(it) }

    val tally = Tally()
    for (folder in folders) {
        jsonFiles(folder, tally).forEach { runFile(it, tally) }
    }
    tally.failures.forEach { println("FAILED $it") }
    println("kotlin-vectors: ${tally.passed} passed, ${tally.failures.size} failed")
    exitProcess(if (tally.failures.isEmpty()) 0 else 1)
}

// --- files ---------------------------------------------------------------------------

/** The folder's `*.json` entries, sorted by the bytes of their names as Rust sorts paths. */
private fun jsonFiles(folder: Path, tally: Tally): List<Path> {
    val entries = try {
        Files.list(folder).use { stream -> stream.toList() }
    } catch (e: Exception) {
        tally.failures += "$folder: cannot read the folder: ${describe(e)}"
        return emptyList()
    }
    // Like Rust's Path::extension: ".json" alone is a hidden file without an extension.
    // Folders named *.json stay in, and then fail to read, as in Rust.
    return entries
        .filter { path -> path.fileName.toString().let { it.lastIndexOf('.') > 0 && it.endsWith(".json") } }
        .sortedWith { a, b -> Arrays.compareUnsigned(utf8(a.fileName.toString()), utf8(b.fileName.toString())) }
}

private fun utf8(s: String): ByteArray = s.toByteArray(StandardCharsets.UTF_8)

private fun runFile(file: Path, tally: Tally) {
    val label = file.fileName.toString()
    val (cases, scenarios) = try {
        readFile(file)
    } catch (e: Exception) {
        tally.failures += "$label: cannot parse the file: ${describe(e)}"
        return
    }
    fun run(items: JsonArray, prefix: String, body: (JsonElement) -> Unit) = items.forEachIndexed { index, item ->
        val name = prefix + ((item as? JsonObject)?.get("name")?.stringOrNull() ?: "#$index")
        try {
            body(item)
            tally.passed += 1
        } catch (e: CaseFailure) {
            tally.failures += "$label :: $name: ${e.message}"
        } catch (e: Exception) {
            // Not in the Rust runner, where a panic would end the run: here an
            // unexpected exception (e.g. InternalException from the core) fails the case.
            tally.failures += "$label :: $name: unexpected $e"
        }
    }
    run(cases, "", ::runCase)
    run(scenarios, "scenario ", ::runScenario)
}

/** A file-level error for the report: the JDK's messages for some of these are only a path. */
private fun describe(e: Exception): String = when (e) {
    is CharacterCodingException -> "stream did not contain valid UTF-8"
    is FileSystemException -> e.toString()
    else -> e.message ?: e.toString()
}

/** The file's cases and scenarios; either may be absent, nothing else may be there. */
private fun readFile(file: Path): Pair<JsonArray, JsonArray> {
    // Strict UTF-8, as Rust's read_to_string: malformed bytes fail the file.
    val text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString()
    val doc = parseStrictly(text).objectOf("the file", setOf("cases", "scenarios"))
    fun list(key: String): JsonArray = when (val v = doc.get(key)) {
        null -> JsonArray()
        is JsonArray -> v
        else -> fail("$key must be a list")
    }
    return list("cases") to list("scenarios")
}

/**
 * Parses one JSON document, as strictly as Gson can. JsonParser.parseReader switches
 * the reader to lenient mode (comments, unquoted or single-quoted strings, missing
 * commas...), which would let a broken file through, so the strict reader is handed
 * to Gson's JsonElement adapter directly and the end of the input is checked here.
 */
private fun parseStrictly(text: String): JsonElement {
    // serde_json refuses a byte-order mark; Gson's reader would skip it.
    if (text.startsWith('\uFEFF')) fail("expected value at line 1 column 1 (a byte-order mark)")
    val reader = JsonReader(StringReader(text)).apply { isLenient = false }
    val doc = JSON_ELEMENTS.read(reader)
    if (reader.peek() != JsonToken.END_DOCUMENT) fail("trailing characters after the JSON value")
    rejectLegacyLeniency(text)
    return doc
}

/**
 * Gson's strict mode (Gson before 2.11 has no stricter one) still accepts what RFC 8259
 * and serde_json refuse: `true`/`false`/`null` in any capitalisation, the escapes `\'`
 * and `\<newline>`, raw control characters in strings, and unpaired surrogate escapes.
 * Gson has already checked the structure, so this scan only looks for those.
 */
private fun rejectLegacyLeniency(text: String) {
    var i = 0
    while (i < text.length) {
        val c = text[i]
        when {
            c == '"' -> i = endOfString(text, i + 1)
            // Outside strings an upper-case letter can only be a number's exponent.
            c.isUpperCase() && !(c == 'E' && i > 0 && text[i - 1].isDigit()) -> fail("invalid literal at offset $i")
            else -> i++
        }
    }
}

/** Checks the string whose contents start at [start]; returns the index after its closing quote. */
private fun endOfString(text: String, start: Int): Int {
    var i = start
    while (text[i] != '"') {
        when {
            text[i] < ' ' -> fail("control character in a string at offset $i")
            text[i] != '\\' -> i++
            text[i + 1] == 'u' -> i = afterUnicodeEscape(text, i)
            text[i + 1] in "\"\\/bfnrt" -> i += 2
            else -> fail("invalid escape in a string at offset $i")
        }
    }
    return i + 1
}

/** A `\uXXXX` escape at [at]: a surrogate must be half of a pair, as serde_json requires. */
private fun afterUnicodeEscape(text: String, at: Int): Int {
    fun unit(index: Int): Char? =
        if (text.startsWith("\\u", index)) text.substring(index + 2, index + 6).toInt(16).toChar() else null
    val first = checkNotNull(unit(at))
    return when {
        first.isHighSurrogate() && unit(at + 6)?.isLowSurrogate() == true -> at + 12
        first.isSurrogate() -> fail("lone surrogate in a string escape at offset $at")
        else -> at + 6
    }
}

// --- reading JSON ----------------------------------------------------------------------

/** Quotes a string as JSON, for messages (Rust's `{:?}`). */
private fun quoted(s: String): String = JsonPrimitive(s).toString()

/** This element as an object whose keys are all in [allowed]. */
private fun JsonElement.objectOf(what: String, allowed: Set<String>): JsonObject {
    val obj = this as? JsonObject ?: fail("$what must be an object")
    // Sorted, so the key reported is the one serde_json's sorted map reports.
    obj.keySet().sorted().firstOrNull { it !in allowed }?.let { fail("unknown key ${quoted(it)} in $what") }
    return obj
}

/** The value at [key], with JSON null read as absent. */
private fun JsonObject.present(key: String): JsonElement? = get(key)?.takeUnless { it.isJsonNull }

private fun JsonElement.stringOrNull(): String? = (this as? JsonPrimitive)?.takeIf { it.isString }?.asString

private fun JsonObject.reqStr(key: String): String = get(key)?.stringOrNull() ?: fail("$key must be a string")

private fun JsonObject.optStr(key: String): String? {
    val value = present(key) ?: return null
    return value.stringOrNull() ?: fail("$key must be a string or null")
}

/** Standard padded base64, decoded only if it is canonical (what Rust's STANDARD engine accepts). */
private fun JsonObject.optBytes(key: String): ByteArray? {
    val text = optStr(key) ?: return null
    val bytes = try {
        BASE64_DECODER.decode(text)
    } catch (e: IllegalArgumentException) {
        fail("$key is not base64: ${e.message}")
    }
    // java.util.Base64 also takes missing padding and stray trailing bits; the Rust runner does not.
    if (BASE64_ENCODER.encodeToString(bytes) != text) fail("$key is not canonical padded base64")
    return bytes
}

private fun JsonObject.optBool(key: String, default: Boolean): Boolean {
    val value = present(key) ?: return default
    return (value as? JsonPrimitive)?.takeIf { it.isBoolean }?.asBoolean ?: fail("$key must be a boolean")
}

/**
 * The literal text of an integer, or null for anything else (1.0, 1e3, strings...).
 * Gson keeps a number's text as written, so nothing is rounded through a double.
 */
private fun JsonElement.integerText(): String? =
    (this as? JsonPrimitive)?.takeIf { it.isNumber }?.asString?.takeIf { it != "-0" && INTEGER.matches(it) }

private fun JsonObject.int(key: String): Long =
    get(key)?.integerText()?.toLongOrNull() ?: fail("$key must be an integer")

private fun JsonObject.i32(key: String): Int {
    val value = int(key)
    if (value !in Int.MIN_VALUE..Int.MAX_VALUE) fail("$key is out of range")
    return value.toInt()
}

/** A u64 (business_id): no sign allowed, at most 2^64-1. */
private fun JsonElement.unsignedOrNull(): ULong? = integerText()?.takeIf { !it.startsWith('-') }?.toULongOrNull()

private fun conversationType(s: String): ConversationType = when (s) {
    "c2c" -> ConversationType.C2C
    "group" -> ConversationType.GROUP
    "system" -> ConversationType.SYSTEM
    else -> fail("unknown conversation type ${quoted(s)}")
}

/** An iOS sound: "default", "silent", {"custom": path}, or a bare path. */
private fun sound(value: JsonElement): PushSound = when (val text = value.stringOrNull()) {
    "default" -> PushSound.Default
    "silent" -> PushSound.Silent
    null ->
        if (value is JsonObject) PushSound.Custom(path = value.objectOf("sound", setOf("custom")).reqStr("custom"))
        else fail("unknown sound $value")
    else -> PushSound.Custom(path = text)
}

/**
 * An Android sound (global or a message's): a URI string, {"custom": uri}, or "default",
 * which is the system default, that is unset. Anything else (even "silent") is passed on
 * as it is, for the rules to accept or refuse (V2).
 */
private fun JsonObject.androidSound(key: String): String? {
    val value = present(key) ?: return null
    return when (val text = value.stringOrNull()) {
        "default" -> null
        null -> if (value is JsonObject) value.objectOf(key, setOf("custom")).reqStr("custom") else fail("$key must be a sound")
        else -> text
    }
}

private fun notifyMode(s: String): NotifyMode = when (s) {
    "normal" -> NotifyMode.NORMAL
    "custom" -> NotifyMode.CUSTOM
    else -> fail("unknown notify mode ${quoted(s)}")
}

// --- the case's state --------------------------------------------------------------------

/**
 * Applies the case's state in the order of tests/vectors/README.md and returns the first error
 * the package raised, or null. Each part is read only when the previous ones were
 * applied, so after an error the rest of the state is not even parsed (as in Rust).
 */
private fun applyState(case: JsonObject, manager: OfflinePushManager): OfflinePushException? {
    try {
        applySession(case.get("session") ?: fail("session is missing"), manager)
        case.present("global_settings")?.let { manager.setGlobalSettings(globalSettings(it)) }
        case.present("receive_options")?.let { applyReceiveOptions(it, manager) }
        case.present("dnd")?.let { manager.setDoNotDisturb(doNotDisturb(it)) }
        case.present("token")?.let { manager.setToken(token(it)) }
        case.present("locale")?.let { manager.setLocale(locale(it)) }
    } catch (e: OfflinePushException) {
        return e
    }
    return null
}

private fun applySession(value: JsonElement, manager: OfflinePushManager) {
    val session = value.objectOf("session", setOf("state", "user_id"))
    when (val state = session.reqStr("state")) {
        "logged_in" -> manager.login(session.reqStr("user_id"))
        "logged_out" -> manager.logout()
        "kicked_offline" -> manager.kickedOffline()
        else -> fail("unknown session state ${quoted(state)}")
    }
}

private fun globalSettings(value: JsonElement): OfflinePushSettings {
    val g = value.objectOf("global_settings", setOf("enabled", "c2c_sound", "group_sound"))
    return OfflinePushSettings(
        enabled = g.optBool("enabled", true),
        c2cSound = g.androidSound("c2c_sound"),
        groupSound = g.androidSound("group_sound"),
    )
}

/** Sets the options one by one: an error stops before the next item is read. */
private fun applyReceiveOptions(value: JsonElement, manager: OfflinePushManager) {
    val items = value as? JsonArray ?: fail("receive_options must be a list")
    for (item in items) {
        val r = item.objectOf("receive option", setOf("conversation_type", "conversation_id", "option"))
        val option = when (val o = r.reqStr("option")) {
            "receive" -> ReceiveOption.RECEIVE
            "receive_not_notify" -> ReceiveOption.RECEIVE_NOT_NOTIFY
            "not_receive" -> ReceiveOption.NOT_RECEIVE
            else -> fail("unknown receive option ${quoted(o)}")
        }
        val kind = conversationType(r.reqStr("conversation_type"))
        manager.setReceiveOption(kind, r.reqStr("conversation_id"), option)
    }
}

private fun doNotDisturb(value: JsonElement): DoNotDisturbWindow {
    val d = value.objectOf("dnd", setOf("start_seconds", "duration_seconds", "utc_offset_seconds"))
    return DoNotDisturbWindow(
        startSeconds = d.i32("start_seconds"),
        durationSeconds = d.i32("duration_seconds"),
        utcOffsetSeconds = d.i32("utc_offset_seconds"),
    )
}

private fun token(value: JsonElement): OfflinePushToken {
    val t = value.objectOf("token", setOf("vendor", "token", "business_id"))
    val vendor = vendor(t.reqStr("vendor"))
    val businessId = t.get("business_id")?.unsignedOrNull() ?: fail("business_id must be a non-negative integer")
    // The record's token is a PushTokenValue, a typealias of the hand-written PushTokenSecret.
    return OfflinePushToken(vendor = vendor, token = PushTokenSecret(t.reqStr("token")), businessId = businessId)
}

private fun vendor(name: String): PushVendor = when (name) {
        "apns" -> PushVendor.APNS
        "apns_voip" -> PushVendor.APNS_VOIP
        "fcm" -> PushVendor.FCM
        "xiaomi" -> PushVendor.XIAOMI
        "huawei" -> PushVendor.HUAWEI
        "honor" -> PushVendor.HONOR
        "oppo" -> PushVendor.OPPO
        "vivo" -> PushVendor.VIVO
        "meizu" -> PushVendor.MEIZU
        else -> fail("unknown vendor ${quoted(name)}")
}

private fun importance(name: String?): VendorImportance? = when (name) {
    null -> null
    "low" -> VendorImportance.LOW
    "normal" -> VendorImportance.NORMAL
    else -> fail("unknown importance ${quoted(name)}")
}

private fun vendorConfig(value: JsonElement?): VendorConfig {
    if (value == null) return VendorConfig()
    val c = value.objectOf(
        "vendor_config",
        setOf(
            "fcm_channel_id", "xiaomi_channel_id", "huawei_channel_id", "honor_channel_id", "oppo_channel_id",
            "vivo_classification", "vivo_category", "huawei_category", "huawei_importance", "honor_importance",
            "fcm_delivery",
        ),
    )
    return VendorConfig(
        fcmChannelId = c.optStr("fcm_channel_id"),
        xiaomiChannelId = c.optStr("xiaomi_channel_id"),
        huaweiChannelId = c.optStr("huawei_channel_id"),
        honorChannelId = c.optStr("honor_channel_id"),
        oppoChannelId = c.optStr("oppo_channel_id"),
        vivoClassification = when (val v = c.optStr("vivo_classification")) {
            null -> null
            "operation" -> VivoClassification.OPERATION
            "system" -> VivoClassification.SYSTEM
            else -> fail("unknown vivo classification ${quoted(v)}")
        },
        vivoCategory = c.optStr("vivo_category"),
        huaweiCategory = c.optStr("huawei_category"),
        huaweiImportance = importance(c.optStr("huawei_importance")),
        honorImportance = importance(c.optStr("honor_importance")),
        fcmDelivery = when (val v = c.optStr("fcm_delivery")) {
            null -> null
            "data" -> FcmDelivery.DATA
            "notification" -> FcmDelivery.NOTIFICATION
            else -> fail("unknown FCM delivery ${quoted(v)}")
        },
    )
}

private fun locale(value: JsonElement): PushLocale = when (value.stringOrNull()) {
    "zh-Hans" -> PushLocale.ZH_HANS
    "en" -> PushLocale.EN
    else -> fail("unknown locale $value")
}

// --- the message ---------------------------------------------------------------------------

private fun element(value: JsonElement): MessageElement {
    val kind = (value as? JsonObject)?.get("type")?.stringOrNull() ?: fail("an element needs a type")
    val e = value.objectOf("element", ELEMENT_KEYS[kind] ?: setOf("type"))
    return when (kind) {
        "text" -> MessageElement.Text(text = e.reqStr("text"))
        "sound" -> MessageElement.Sound(durationSeconds = soundDuration(e))
        "file" -> MessageElement.File(fileName = e.optStr("file_name"))
        "image" -> MessageElement.Image
        "video" -> MessageElement.Video
        "face" -> MessageElement.Face
        "location" -> MessageElement.Location(description = e.optStr("description"))
        "custom" -> MessageElement.Custom(desc = e.optStr("desc"), data = e.optBytes("data"))
        else -> fail("unknown element type ${quoted(kind)}")
    }
}

/** A sound element's duration: 0 when absent or null, else a u32. */
private fun soundDuration(e: JsonObject): UInt {
    val value = e.present("duration_seconds") ?: return 0u
    return value.unsignedOrNull()?.takeIf { it <= UInt.MAX_VALUE }?.toUInt()
        ?: fail("duration_seconds must be a non-negative integer")
}

private fun pushSettings(value: JsonElement): MessagePushSettings {
    val p = value.objectOf("push_settings", setOf("enabled", "description", "ext", "android", "ios"))
    val android = p.present("android")?.let { v ->
        val a = v.objectOf("android", setOf("title", "sound", "notify_mode"))
        AndroidPushSettings(
            title = a.optStr("title"),
            sound = a.androidSound("sound"),
            notifyMode = a.optStr("notify_mode")?.let(::notifyMode),
        )
    }
    val ios = p.present("ios")?.let { v ->
        val i = v.objectOf("ios", setOf("sound", "badge_enabled"))
        IosPushSettings(
            sound = i.present("sound")?.let(::sound),
            badgeEnabled = i.optBool("badge_enabled", true),
        )
    }
    return MessagePushSettings(
        enabled = p.optBool("enabled", true),
        description = p.optStr("description"),
        ext = p.optBytes("ext"),
        android = android,
        ios = ios,
    )
}

private fun message(value: JsonElement): IncomingMessage {
    val m = value.objectOf(
        "message",
        setOf("message_id", "conversation_type", "sender", "group", "timestamp", "elements", "push_settings"),
    )
    val s = (m.get("sender") ?: fail("sender is missing")).objectOf("sender", setOf("user_id", "nickname", "name_card"))
    val group = m.present("group")?.let { v ->
        val g = v.objectOf("group", setOf("group_id", "name"))
        GroupInfo(groupId = g.reqStr("group_id"), name = g.optStr("name"))
    }
    val elements = when (val items = m.present("elements")) {
        null -> emptyList()
        is JsonArray -> items.map(::element)
        else -> fail("elements must be a list")
    }
    return IncomingMessage(
        messageId = m.optStr("message_id"),
        conversationType = conversationType(m.reqStr("conversation_type")),
        sender = MessageSender(userId = s.reqStr("user_id"), nickname = s.optStr("nickname"), nameCard = s.optStr("name_card")),
        group = group,
        elements = elements,
        pushSettings = m.present("push_settings")?.let(::pushSettings),
        timestamp = m.int("timestamp"),
    )
}

// --- comparing ---------------------------------------------------------------------------

private fun reasonName(reason: SuppressReason): String = when (reason) {
    SuppressReason.LOGGED_OUT -> "logged_out"
    SuppressReason.KICKED_OFFLINE -> "kicked_offline"
    SuppressReason.SYSTEM_MESSAGE -> "system_message"
    SuppressReason.DISABLED_BY_RECEIVER -> "disabled_by_receiver"
    SuppressReason.DISABLED_BY_SENDER -> "disabled_by_sender"
    SuppressReason.MUTED -> "muted"
    SuppressReason.DO_NOT_DISTURB -> "do_not_disturb"
    SuppressReason.NOTHING_TO_SHOW -> "nothing_to_show"
    SuppressReason.DUPLICATE -> "duplicate"
}

private fun conversationTypeName(kind: ConversationType): String = when (kind) {
    ConversationType.C2C -> "c2c"
    ConversationType.GROUP -> "group"
    ConversationType.SYSTEM -> "system"
}

private fun notifyModeName(mode: NotifyMode): String = when (mode) {
    NotifyMode.NORMAL -> "normal"
    NotifyMode.CUSTOM -> "custom"
}

private fun soundJson(sound: PushSound): JsonElement = when (sound) {
    PushSound.Default -> JsonPrimitive("default")
    PushSound.Silent -> JsonPrimitive("silent")
    is PushSound.Custom -> JsonObject().apply { addProperty("custom", sound.path) }
}

/** The notification as the vectors spell it, to compare key by key (null values as JSON null). */
private fun notificationJson(n: OfflinePushNotification): JsonObject = JsonObject().apply {
    addProperty("title", n.title)
    addProperty("content", n.content)
    addProperty("conversation_id", n.conversationId)
    addProperty("conversation_type", conversationTypeName(n.conversationType))
    addProperty("sender_id", n.senderId)
    addProperty("sender_nickname", n.senderNickname)
    addProperty("group_name", n.groupName)
    addProperty("ext", n.ext?.let { BASE64_ENCODER.encodeToString(it) })
    add("sound", soundJson(n.sound))
    addProperty("badge", n.badge)
    addProperty("notify_mode", notifyModeName(n.notifyMode))
    addProperty("badge_count", n.badgeCount?.toLong())
    addProperty(
        "title_source",
        when (n.titleSource) {
            TitleSource.SENDER -> "sender"
            TitleSource.GROUP -> "group"
            TitleSource.MESSAGE -> "message"
        },
    )
}

private fun runCase(value: JsonElement) {
    val case = value.objectOf("case", CASE_KEYS)
    val platform = when (val p = case.reqStr("platform")) {
        "android" -> Platform.ANDROID
        "ios" -> Platform.IOS
        else -> fail("unknown platform ${quoted(p)}")
    }
    // `use` frees the Rust object now instead of leaving it to the cleaner.
    OfflinePushManager(OfflinePushConfig(platform = platform)).use { manager ->
        val error = applyState(case, manager)
        // The message is read even when the state failed: a broken message fails the case.
        val message = message(case.get("message") ?: fail("message is missing"))
        // Present, even as null, means the case expects an error.
        case.get("expect_error")?.let { return checkError(it, error) }
        if (error != null) fail("applying the state failed: ${error.kind} (${error.message})")
        val outcome = manager.render(message)
        if (case.has("expect") || !case.has("vendor")) checkOutcome(case, outcome)
        if (case.has("vendor")) checkPayload(case, message, outcome)
    }
}

/**
 * A payload case (P1 P3 P4): builds the vendor's payload from the notification through the
 * package, compares it as JSON with expect_payload, the shortened fields with expect_shortened,
 * and reads it back from what the vendor delivers.
 */
private fun checkPayload(case: JsonObject, message: IncomingMessage, outcome: RenderOutcome) {
    val notification = (outcome as? RenderOutcome.Show)?.notification ?: fail("a payload case needs a notification")
    val vendor = vendor(case.reqStr("vendor"))
    val payload = try {
        buildVendorPayload(vendor, notification, message.messageId, message.timestamp, vendorConfig(case.present("vendor_config")))
    } catch (e: OfflinePushException) {
        val want = case.present("expect_payload_error")?.stringOrNull()
        if (want == e.kind) return
        fail("building the payload failed: ${e.kind} (${e.message})")
    }
    case.present("expect_payload_error")?.let { fail("expected payload error ${it.stringOrNull()}, got a payload") }
    val expected = case.get("expect_payload") ?: fail("a payload case needs expect_payload or expect_payload_error")
    val got = JsonParser.parseString(payload.json)
    if (got != expected) fail("payload: expected $expected, got $got")
    case.present("expect_shortened")?.let { want ->
        val fields = JsonArray().apply { payload.shortened.forEach { add(it.field) } }
        if (fields != want) fail("shortened: expected $want, got $fields")
    }
    val push = readVendorPush(vendor, deliveredForm(payload)) ?: fail("the payload does not read back")
    val same = push.conversationId == notification.conversationId && push.senderId == notification.senderId &&
        (push.ext?.let { BASE64_ENCODER.encodeToString(it) }) == (notification.ext?.let { BASE64_ENCODER.encodeToString(it) }) &&
        push.messageId == message.messageId
    if (!same) fail("read back differs: ${push.conversationId} ${push.senderId} ${push.messageId}")
}

private fun checkError(expected: JsonElement, error: OfflinePushException?) {
    val want = expected.stringOrNull() ?: fail("expect_error must be a string")
    when {
        error == null -> fail("expected error $want, got none")
        error.kind != want -> fail("expected error $want, got ${error.kind} (${error.message})")
    }
}

private fun checkOutcome(case: JsonObject, outcome: RenderOutcome) {
    val expect = case.get("expect") ?: fail("the case has neither expect nor expect_error")
    when (outcome) {
        is RenderOutcome.Suppress ->
            if (expect.isJsonNull) checkReason(case.present("expect_reason"), outcome.reason)
            else fail("expected a notification, got suppressed: ${reasonName(outcome.reason)}")
        is RenderOutcome.Show ->
            if (expect.isJsonNull) fail("expected no notification, got ${notificationJson(outcome.notification)}")
            else compareNotification(expect, notificationJson(outcome.notification))
    }
}

/** expect_reason is optional: absent or null accepts any reason. */
private fun checkReason(expected: JsonElement?, reason: SuppressReason) {
    if (expected == null) return
    val want = expected.stringOrNull() ?: fail("expect_reason must be a string, got $expected")
    if (want != reasonName(reason)) fail("expected reason $want, got ${reasonName(reason)}")
}

/** Compares only the keys the case lists, each exactly; a key the notification lacks is a typo. */
private fun compareNotification(expect: JsonElement, got: JsonObject) {
    val wanted = expect as? JsonObject ?: fail("expect must be an object or null")
    val diffs = wanted.keySet().sorted().mapNotNull { key ->
        val want = wanted.get(key)
        val have = got.get(key) ?: fail("unknown key ${quoted(key)} in expect")
        if (have == want) null else "$key: expected $want, got $have"
    }
    if (diffs.isNotEmpty()) fail(diffs.joinToString("; "))
}

// --- scenarios (state over several steps) ----------------------------------------------------

private val SCENARIO_KEYS = setOf("name", "platform", "locale", "steps")

/** The actions of a step: exactly one per step. */
private val STEP_ACTIONS = listOf(
    "login", "logout", "kicked_offline", "set_global_settings", "set_receive_option", "set_dnd", "set_token",
    "set_locale", "receive", "render", "mark_read", "set_unread_count", "expect_badge", "expect_global_settings",
    "expect_receive_option", "restart",
)
private val STEP_KEYS = STEP_ACTIONS.toSet() + setOf("on", "expect", "expect_reason", "expect_error")

private fun platformOf(obj: JsonObject): Platform = when (val p = obj.reqStr("platform")) {
    "android" -> Platform.ANDROID
    "ios" -> Platform.IOS
    else -> fail("unknown platform ${quoted(p)}")
}

/** The scenario's managers on its store: the app's, and the second process's, each opened at first use. */
private class Managers(val platform: Platform, val directory: Path) : AutoCloseable {
    private var first: OfflinePushManager? = null
    private var second: OfflinePushManager? = null

    fun get(on: String?): OfflinePushManager = when (on) {
        null, "first" -> first ?: open().also { first = it }
        "second" -> second ?: open().also { second = it }
        else -> fail("unknown manager ${quoted(on)}: \"on\" is \"second\"")
    }

    private fun open(): OfflinePushManager = try {
        OfflinePushManager(OfflinePushConfig(platform = platform, storeDirectory = directory.toString()))
    } catch (e: OfflinePushException) {
        fail("cannot open a manager: ${e.kind} (${e.message})")
    }

    /** As when the app is killed: every manager goes, the next use opens a new one. */
    override fun close() {
        first?.close()
        second?.close()
        first = null
        second = null
    }
}

private fun runScenario(value: JsonElement) {
    val scenario = value.objectOf("scenario", SCENARIO_KEYS)
    val platform = platformOf(scenario)
    val steps = scenario.get("steps") as? JsonArray ?: fail("steps must be a list")
    val directory = Files.createTempDirectory("offline-push-scenario")
    try {
        Managers(platform, directory).use { managers ->
            scenario.present("locale")?.let { loc ->
                val l = locale(loc)
                try {
                    managers.get(null).setLocale(l)
                } catch (e: OfflinePushException) {
                    fail("set_locale failed: ${e.kind} (${e.message})")
                }
            }
            steps.forEachIndexed { index, step ->
                try {
                    runStep(managers, step)
                } catch (e: CaseFailure) {
                    fail("step ${index + 1}: ${e.message}")
                }
            }
        }
    } finally {
        directory.toFile().deleteRecursively()
    }
}

private fun runStep(managers: Managers, value: JsonElement) {
    val step = value.objectOf("step", STEP_KEYS)
    if (STEP_ACTIONS.count { step.has(it) } != 1) fail("a step has exactly one action")
    if (step.has("restart")) return managers.close()
    val manager = managers.get(step.present("on")?.let { it.stringOrNull() ?: fail("on must be a string") })
    val outcome = try {
        act(manager, step)
    } catch (e: OfflinePushException) {
        val want = step.get("expect_error") ?: fail("failed: ${e.kind} (${e.message})")
        val kind = want.stringOrNull() ?: fail("expect_error must be a string")
        if (e.kind != kind) fail("expected error $kind, got ${e.kind} (${e.message})")
        return
    }
    step.get("expect_error")?.let { fail("expected error ${it.stringOrNull() ?: it}, got none") }
    if (outcome != null) checkOutcome(step, outcome) else checkReading(manager, step)
}

/** The step's action; the outcome of a receive or render, for `expect`. */
private fun act(manager: OfflinePushManager, step: JsonObject): RenderOutcome? {
    fun conversation(key: String, extra: Set<String> = emptySet()): JsonObject =
        step.get(key).objectOf(key, setOf("conversation_type", "conversation_id") + extra)
    when {
        step.has("login") -> manager.login(step.get("login").stringOrNull() ?: fail("login must be a string"))
        step.has("logout") -> manager.logout()
        step.has("kicked_offline") -> manager.kickedOffline()
        step.has("set_global_settings") -> manager.setGlobalSettings(globalSettings(step.get("set_global_settings")))
        step.has("set_receive_option") -> {
            val r = conversation("set_receive_option", setOf("option"))
            manager.setReceiveOption(conversationType(r.reqStr("conversation_type")), r.reqStr("conversation_id"), receiveOption(r))
        }
        step.has("set_dnd") -> manager.setDoNotDisturb(step.present("set_dnd")?.let(::doNotDisturb))
        step.has("set_token") -> manager.setToken(token(step.get("set_token")))
        step.has("set_locale") -> manager.setLocale(locale(step.get("set_locale")))
        step.has("receive") -> return manager.receive(message(step.get("receive")))
        step.has("render") -> return manager.render(message(step.get("render")))
        step.has("mark_read") -> {
            val c = conversation("mark_read")
            manager.markRead(conversationType(c.reqStr("conversation_type")), c.reqStr("conversation_id"))
        }
        step.has("set_unread_count") -> {
            val c = conversation("set_unread_count", setOf("count"))
            val count = c.get("count")?.unsignedOrNull()?.takeIf { it <= UInt.MAX_VALUE }?.toUInt()
                ?: fail("count must be a non-negative integer")
            manager.setUnreadCount(conversationType(c.reqStr("conversation_type")), c.reqStr("conversation_id"), count)
        }
        step.has("expect_badge") -> manager.badgeTotal()
        step.has("expect_global_settings") -> manager.globalSettings()
        step.has("expect_receive_option") -> {
            val r = conversation("expect_receive_option", setOf("option"))
            manager.receiveOption(conversationType(r.reqStr("conversation_type")), r.reqStr("conversation_id"))
        }
    }
    return null
}

private fun receiveOption(r: JsonObject): ReceiveOption = when (val o = r.reqStr("option")) {
    "receive" -> ReceiveOption.RECEIVE
    "receive_not_notify" -> ReceiveOption.RECEIVE_NOT_NOTIFY
    "not_receive" -> ReceiveOption.NOT_RECEIVE
    else -> fail("unknown receive option ${quoted(o)}")
}

private fun receiveOptionName(option: ReceiveOption): String = when (option) {
    ReceiveOption.RECEIVE -> "receive"
    ReceiveOption.RECEIVE_NOT_NOTIFY -> "receive_not_notify"
    ReceiveOption.NOT_RECEIVE -> "not_receive"
}

private fun settingsJson(s: OfflinePushSettings): JsonObject = JsonObject().apply {
    addProperty("enabled", s.enabled)
    addProperty("c2c_sound", s.c2cSound)
    addProperty("group_sound", s.groupSound)
}

/** The reading steps compare what the manager says now. */
private fun checkReading(manager: OfflinePushManager, step: JsonObject) {
    step.get("expect_badge")?.let { want ->
        val n = want.unsignedOrNull() ?: fail("expect_badge must be a non-negative integer")
        val got = manager.badgeTotal()
        if (got.toULong() != n) fail("expected badge $n, got $got")
    }
    step.get("expect_global_settings")?.let { want ->
        val keys = (want as? JsonObject ?: fail("expect_global_settings must be an object")).keySet()
        // Read the expected keys as settings are read, so every sound form compares equal.
        val wantJson = settingsJson(globalSettings(want))
        val got = settingsJson(manager.globalSettings())
        for (key in keys.sorted()) {
            if (got.get(key) != wantJson.get(key)) {
                fail("global settings $key: expected ${wantJson.get(key)}, got ${got.get(key)}")
            }
        }
    }
    step.get("expect_receive_option")?.let { v ->
        val r = v.objectOf("expect_receive_option", setOf("conversation_type", "conversation_id", "option"))
        val want = receiveOption(r)
        val got = manager.receiveOption(conversationType(r.reqStr("conversation_type")), r.reqStr("conversation_id"))
        if (got != want) {
            fail("receive option of ${r.reqStr("conversation_id")}: expected ${quoted(receiveOptionName(want))}, got ${quoted(receiveOptionName(got))}")
        }
    }
}
