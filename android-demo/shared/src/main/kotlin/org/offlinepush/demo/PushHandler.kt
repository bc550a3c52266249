package org.offlinepush.demo

import org.offlinepush.ConversationType
import org.offlinepush.DeliveredPush
import org.offlinepush.IncomingPush
import org.offlinepush.OfflinePushException
import org.offlinepush.OfflinePushManager
import org.offlinepush.OfflinePushNotification
import org.offlinepush.PushSound
import org.offlinepush.PushVendor
import org.offlinepush.RenderOutcome
import org.offlinepush.SuppressReason
import org.offlinepush.VendorConfig
import org.offlinepush.notificationChannels
import org.offlinepush.readVendorPush

/**
 * A notification as the app posts it, with nothing of `android.*`: the Android
 * side turns it into a `NotificationCompat` in a few lines.
 */
data class NotificationPlan(
    /** One per conversation: a new message replaces the conversation's notification. */
    val notificationId: Int,
    /** The channel the core names for the notification's sound (Android 8+ plays the channel's). */
    val channelId: String,
    val title: String,
    val text: String,
    /** Notifications of one conversation group together. */
    val groupKey: String,
    /** The badge after this message (B4), when it counted. */
    val badgeCount: UInt?,
    /** Neither sound nor vibration. */
    val silent: Boolean,
    /** What a tap opens ([ConversationLink]). */
    val tapLink: String,
)

/** What became of one delivered push. */
sealed interface PushOutcome {
    /** Post this notification. */
    data class Post(val plan: NotificationPlan) : PushOutcome

    /**
     * The receiver's rules say no notification, and why ("why no notification"), for
     * [conversation] (`c2c:<id>`, `group:<id>`, the notification's group key).
     */
    data class Quiet(val reason: SuppressReason, val conversation: String) : PushOutcome

    /**
     * The store could not be used (before the first unlock after a reboot, a full
     * disk): the payload's own notification is posted rather than nothing.
     */
    data class Fallback(val plan: NotificationPlan, val error: OfflinePushException) : PushOutcome

    /** Not a push of this SDK (another library's, or garbage). */
    data object NotOurs : PushOutcome
}

/**
 * The one handler every vendor entry point hands what it got to:
 * `readVendorPush` → `receive` → a [NotificationPlan]. It does disk I/O and may
 * wait for the app's process to finish a write (up to the store's 5 s): call it
 * off the main thread, as a vendor's service or receiver thread already is.
 *
 * @param manager opens the manager on the shared store directory; it may throw,
 *   and then the payload's own notification is posted ([PushOutcome.Fallback]).
 */
class PushHandler(
    private val vendor: PushVendor,
    private val config: VendorConfig,
    private val manager: () -> OfflinePushManager,
) {
    fun handle(delivered: DeliveredPush): PushOutcome {
        val push = readVendorPush(vendor, delivered) ?: return PushOutcome.NotOurs
        val message = push.message ?: return fallback(push, null)
        val outcome = try {
            manager().receive(message)
        } catch (e: OfflinePushException) {
            return fallback(push, e)
        }
        return when (outcome) {
            is RenderOutcome.Show -> PushOutcome.Post(plan(outcome.notification))
            is RenderOutcome.Suppress -> PushOutcome.Quiet(outcome.reason, conversationKey(push.conversationType, push.conversationId))
        }
    }

    private fun fallback(push: IncomingPush, error: OfflinePushException?): PushOutcome {
        val notification = push.notification ?: return PushOutcome.NotOurs
        val plan = plan(notification)
        return if (error != null) PushOutcome.Fallback(plan, error) else PushOutcome.Post(plan)
    }

    /** The plan for a notification the core rendered. */
    fun plan(n: OfflinePushNotification): NotificationPlan {
        val sound = (n.sound as? PushSound.Custom)?.path
        val channels = notificationChannels(config, vendor, listOfNotNull(sound))
        val channel = channels.firstOrNull { sound != null && it.sound == sound } ?: channels.first()
        val key = conversationKey(n.conversationType, n.conversationId)
        return NotificationPlan(
            notificationId = key.hashCode(),
            channelId = channel.channelId,
            title = n.title,
            text = n.content,
            groupKey = key,
            badgeCount = n.badgeCount,
            silent = n.sound is PushSound.Silent,
            tapLink = ConversationLink(n.conversationType, n.conversationId).toUri(),
        )
    }
}

/** A conversation as the demo names it: `c2c:<id>`, `group:<id>` (a group key, a log line). */
fun conversationKey(type: ConversationType, id: String): String = "${type.name.lowercase()}:$id"
