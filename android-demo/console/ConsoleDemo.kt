package org.offlinepush.demo

import org.offlinepush.AndroidPushSettings
import org.offlinepush.ConversationType
import org.offlinepush.DoNotDisturbWindow
import org.offlinepush.GroupInfo
import org.offlinepush.IncomingMessage
import org.offlinepush.MessageElement
import org.offlinepush.MessagePushSettings
import org.offlinepush.MessageSender
import org.offlinepush.OfflinePushConfig
import org.offlinepush.OfflinePushManager
import org.offlinepush.OfflinePushNotification
import org.offlinepush.OfflinePushSettings
import org.offlinepush.Platform
import org.offlinepush.PushSound
import org.offlinepush.RenderOutcome

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
