package org.offlinepush.demo

import kotlinx.coroutines.runBlocking
import org.offlinepush.AccountPushSettings
import org.offlinepush.AndroidPushSettings
import org.offlinepush.DeliveredPush
import org.offlinepush.DeviceFacts
import org.offlinepush.VendorConfig
import org.offlinepush.buildVendorPayload
import org.offlinepush.checkVendorConfig
import org.offlinepush.deliveredForm
import org.offlinepush.notificationChannels
import org.offlinepush.readVendorPush
import org.offlinepush.selectVendor
import org.offlinepush.ConversationType
import org.offlinepush.DoNotDisturbWindow
import org.offlinepush.GroupInfo
import org.offlinepush.IncomingMessage
import org.offlinepush.MessageElement
import org.offlinepush.MessagePushSettings
import org.offlinepush.MessageSender
import org.offlinepush.OfflinePushConfig
import org.offlinepush.OfflinePushException
import org.offlinepush.OfflinePushManager
import org.offlinepush.OfflinePushNotification
import org.offlinepush.OfflinePushSettings
import org.offlinepush.OfflinePushToken
import org.offlinepush.Platform
import org.offlinepush.PushBackend
import org.offlinepush.PushBackendException
import org.offlinepush.PushTokenSecret
import org.offlinepush.PushVendor
import org.offlinepush.PushSound
import org.offlinepush.OfflinePushListener
import org.offlinepush.ReceiveOption
import org.offlinepush.RenderOutcome
import org.offlinepush.SettingsChange
import org.offlinepush.SyncPolicy
import org.offlinepush.SuppressReason
import kotlin.io.path.createTempDirectory

/**
 * The console demo (until the Android demo app lands): what an Android app does
 * when messages arrive while it was offline, through the Kotlin package.
 */
fun main() {
    val manager = OfflinePushManager(OfflinePushConfig(platform = Platform.ANDROID))
    manager.login("bob")
    manager.setGlobalSettings(
        OfflinePushSettings(enabled = true, c2cSound = null, groupSound = "android.resource://com.example.chat/raw/ding"),
    )
    val burst = listOf(
        IncomingMessage(
            conversationType = ConversationType.GROUP,
            sender = MessageSender(userId = "alice", nickname = "Alice", nameCard = "Ally"),
            group = GroupInfo(groupId = "g7", name = "Weekend hike 🥾"),
            elements = listOf(MessageElement.Text("look at this "), MessageElement.Image),
            timestamp = 1_700_000_000,
        ),
        IncomingMessage(
            conversationType = ConversationType.C2C,
            sender = MessageSender(userId = "carol", nickname = "Carol", nameCard = null),
            elements = listOf(MessageElement.Sound(4u)),
            pushSettings = MessagePushSettings(android = AndroidPushSettings(title = "Carol (voice)")),
            timestamp = 1_700_000_060,
        ),
        IncomingMessage(
            conversationType = ConversationType.SYSTEM,
            sender = MessageSender(userId = "admin"),
            elements = listOf(MessageElement.Text("group dissolved")),
            timestamp = 1_700_000_120,
        ),
    )
    println("Kotlin: ${burst.size} messages rendered in one call")
    manager.renderBatch(burst).forEach(::printOutcome)

    // 22:00-07:00 at UTC+8: 1_700_000_000 is 06:13 in Beijing, inside the window.
    manager.setDoNotDisturb(DoNotDisturbWindow(startSeconds = 79_200, durationSeconds = 32_400, utcOffsetSeconds = 28_800))
    println("Kotlin: with do-not-disturb 22:00-07:00 (UTC+8)")
    printOutcome(manager.render(burst[0]))

    storeDemo()
    syncDemo()
    vendorDemo()
}

/** The vendors: which one a device uses (P2), its channels, its payload (P1 P3) and reading it back (P4). */
private fun vendorDemo() {
    println("Kotlin: the vendor of each device (instead of Build.MANUFACTURER checks)")
    val devices = listOf(
        DeviceFacts(Platform.ANDROID, "Xiaomi", "Redmi", hasGooglePlayServices = false),
        DeviceFacts(Platform.ANDROID, "OnePlus", "OnePlus", hasGooglePlayServices = true),
        DeviceFacts(Platform.ANDROID, "samsung", "samsung", hasGooglePlayServices = true),
        DeviceFacts(Platform.ANDROID, "samsung", "samsung", hasGooglePlayServices = false),
    )
    for (device in devices) {
        println("  ${device.manufacturer}/${device.brand} gms=${device.hasGooglePlayServices}: ${selectVendor(device) ?: "none (the SDK's own connection)"}")
    }
    val config = checkVendorConfig(VendorConfig(xiaomiChannelId = "im", oppoChannelId = "im"))
    val ding = "android.resource://com.example.chat/raw/ding"
    println("  channels to create for Xiaomi: " + notificationChannels(config, PushVendor.XIAOMI, listOf(ding)).joinToString { "${it.channelId} (${it.sound ?: "system sound"})" })

    val sender = OfflinePushManager(OfflinePushConfig(platform = Platform.ANDROID))
    sender.login("bob")
    val message = IncomingMessage(
        messageId = "m-42",
        conversationType = ConversationType.C2C,
        sender = MessageSender(userId = "alice"),
        elements = listOf(MessageElement.Text("晚上一起吃饭吗？".repeat(20))),
        pushSettings = MessagePushSettings(ext = """{"orderId":7}""".toByteArray()),
        timestamp = 1_700_000_000,
    )
    val notification = (sender.render(message) as RenderOutcome.Show).notification
    val payload = buildVendorPayload(PushVendor.XIAOMI, notification, message.messageId, message.timestamp, config)
    println("Kotlin: the Xiaomi payload, ${payload.bytes} bytes; shortened: ${payload.shortened.joinToString { "${it.field} ${it.originalLength}->${it.shortenedLength}" }}")
    println("  ${payload.json.take(160)}…")
    val push = readVendorPush(PushVendor.XIAOMI, deliveredForm(payload) as DeliveredPush.Extras)!!
    println("  read back: open ${push.conversationType}/${push.conversationId}, ext=${push.ext?.decodeToString()}")
    val device = OfflinePushManager(OfflinePushConfig(platform = Platform.ANDROID))
    device.login("bob")
    printOutcome(device.receive(push.message!!))
    println("  the same push again (a second vendor): ${(device.receive(push.message!!) as RenderOutcome.Suppress).reason}")
}

/** The app's server, as the app would reach it: offline until [online] is set. */
private class DemoBackend : PushBackend {
    @Volatile var online = false

    private fun reach(what: String) {
        if (!online) throw PushBackendException.Transient("no network")
        println("  server: $what")
    }

    override suspend fun uploadSettings(userId: String, change: SettingsChange) = reach("$userId set $change")

    override suspend fun fetchSettings(userId: String): AccountPushSettings {
        reach("$userId fetched the settings")
        return AccountPushSettings(OfflinePushSettings(enabled = true), null, emptyList())
    }

    override suspend fun uploadToken(userId: String, token: OfflinePushToken) = reach("$userId registered a ${token.vendor} token")

    override suspend fun unbindToken(userId: String, token: OfflinePushToken) = reach("$userId's ${token.vendor} token unregistered")
}

/** The sync with the app's backend (K4–K7): changes wait on the device until the server takes them. */
private fun syncDemo() = runBlocking {
    val directory = createTempDirectory("offline-push-demo-sync")
    val config = OfflinePushConfig(platform = Platform.ANDROID, storeDirectory = directory.toString())
    val backend = DemoBackend()
    try {
        OfflinePushManager(config).use { app ->
            app.setSyncPolicy(SyncPolicy(maxAttempts = 2u, initialDelayMs = 10uL, maxDelayMs = 10uL, syncAfterChanges = false))
            app.setBackend(backend)
            app.login("bob")
            app.setToken(OfflinePushToken(PushVendor.XIAOMI, PushTokenSecret("mi-reg-id"), 2882303761uL))
            app.setGlobalSettings(OfflinePushSettings(enabled = false))
            println("Kotlin: offline, the changes are saved and wait")
            try {
                app.sync()
            } catch (e: OfflinePushException.BackendUnavailable) {
                println("  sync: ${e.message}")
            }
            app.syncStatus().pending.forEach { println("  pending: ${it.kind} for ${it.userId}, ${it.attempts} failed attempts") }
            println("  fetch while offline: stale=${app.fetchSettings().stale}")
        }
        OfflinePushManager(config).use { app ->
            app.setSyncPolicy(SyncPolicy(syncAfterChanges = false))
            app.setBackend(backend)
            backend.online = true
            println("Kotlin: restarted and online")
            println("  ${app.sync()}")
            app.logout()
            println("Kotlin: logged out: no notification from now on, and the server is told")
            app.sync()
        }
    } finally {
        directory.toFile().deleteRecursively()
    }
}

/** The state that lasts: the app and its push process share one store directory. */
private fun storeDemo() {
    val directory = createTempDirectory("offline-push-demo")
    val config = OfflinePushConfig(platform = Platform.ANDROID, storeDirectory = directory.toString())
    try {
        OfflinePushManager(config).use { app ->
            app.login("bob")
            app.setReceiveOption(ConversationType.GROUP, "g-quiet", ReceiveOption.RECEIVE_NOT_NOTIFY)
        }
        println("Kotlin: the push process receives on the app's store")
        OfflinePushManager(config).use { pushProcess ->
            pushProcess.setListener(object : OfflinePushListener {
                override fun onNotification(notification: OfflinePushNotification) =
                    println("  listener: show \"${notification.title}: ${notification.content}\" badge=${notification.badgeCount}")

                override fun onSuppressed(message: IncomingMessage, reason: SuppressReason) =
                    println("  listener: no notification for ${message.messageId}: $reason")
            })
            val hello = IncomingMessage(
                messageId = "m1",
                conversationType = ConversationType.C2C,
                sender = MessageSender(userId = "alice"),
                elements = listOf(MessageElement.Text("hello")),
                timestamp = 1_700_000_000,
            )
            pushProcess.receive(hello)
            pushProcess.receive(hello) // the same message from a second vendor: shown once
            pushProcess.receive(
                IncomingMessage(
                    messageId = "m2",
                    conversationType = ConversationType.GROUP,
                    sender = MessageSender(userId = "carol"),
                    group = GroupInfo(groupId = "g-quiet", name = "Quiet group"),
                    elements = listOf(MessageElement.Text("ping")),
                    timestamp = 1_700_000_010,
                ),
            )
        }
        OfflinePushManager(config).use { app ->
            println("Kotlin: the app, restarted, sees badge ${app.badgeTotal()}")
            app.markRead(ConversationType.C2C, "alice")
            println("  after markRead(alice): badge ${app.badgeTotal()}")
        }
    } finally {
        directory.toFile().deleteRecursively()
    }
}

private fun printOutcome(outcome: RenderOutcome) = when (outcome) {
    is RenderOutcome.Show -> printNotification(outcome.notification)
    is RenderOutcome.Suppress -> println("  no notification: ${outcome.reason}")
}

private fun printNotification(n: OfflinePushNotification) {
    println("  notification: title=\"${n.title}\" content=\"${n.content}\"")
    println("    conversation=${n.conversationType}/${n.conversationId} sender=${n.senderId} nickname=${n.senderNickname}")
    println("    sound=${describe(n.sound)} badge=${n.badge} notifyMode=${n.notifyMode}")
}

// The generated `object` variants (Default, Silent) have no readable toString.
private fun describe(sound: PushSound) = when (sound) {
    is PushSound.Custom -> "custom(${sound.path})"
    PushSound.Default -> "default"
    PushSound.Silent -> "silent"
}
