package org.offlinepush.demo.app.push

import android.app.PendingIntent
import android.content.Context
import android.content.Intent
import android.net.Uri
import android.util.Log
import androidx.core.app.NotificationCompat
import androidx.core.app.NotificationManagerCompat
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.launch
import org.offlinepush.DeliveredPush
import org.offlinepush.PushVendor
import org.offlinepush.demo.NotificationPlan
import org.offlinepush.demo.PushHandler
import org.offlinepush.demo.PushOutcome
import org.offlinepush.demo.TokenResult
import org.offlinepush.demo.app.MainActivity
import org.offlinepush.demo.app.R
import org.offlinepush.demo.app.demo
import org.offlinepush.readVendorPush

/**
 * The one place every vendor's entry point hands what it got. Its calls do disk
 * I/O and may wait for the app's process (up to the store's 5 s): the services
 * call them on their worker threads; the receivers, whose callbacks run on the
 * main thread, through [io].
 */
object PushEntry {
    private const val TAG = "offline-push"

    /** Work a receiver hands off its main thread. */
    val io = CoroutineScope(SupervisorJob() + Dispatchers.IO)

    /** An app-handled push (an FCM data message, a vendor's data message): post it or say why not. */
    fun onPush(context: Context, vendor: PushVendor, delivered: DeliveredPush) {
        val app = context.demo
        when (val outcome = PushHandler(vendor, app.vendorConfig) { app.manager }.handle(delivered)) {
            is PushOutcome.Post -> post(context, outcome.plan)
            is PushOutcome.Fallback -> {
                Log.w(TAG, "the store could not be used (${outcome.error.javaClass.simpleName}); posting the payload's own notification")
                post(context, outcome.plan)
            }
            is PushOutcome.Quiet -> app.quietLog.record(outcome.conversation, outcome.reason)
            PushOutcome.NotOurs -> Log.i(TAG, "a $vendor push of another library")
        }
    }

    /**
     * A push the system has already shown (Xiaomi's and Meizu's arrival callbacks):
     * `receive` remembers its id and counts it (R1, B2), nothing is posted again.
     */
    fun onShownBySystem(context: Context, vendor: PushVendor, delivered: DeliveredPush) {
        val app = context.demo
        val message = readVendorPush(vendor, delivered)?.message ?: return
        try {
            app.manager.receive(message)
        } catch (e: org.offlinepush.OfflinePushException) {
            Log.w(TAG, "not counted: ${e.javaClass.simpleName}")
        }
    }

    /** A vendor's new token: set when it is this device's vendor (P2), then synced (K4). */
    fun onToken(context: Context, vendor: PushVendor, token: String) {
        when (val result = context.demo.tokenRouter.onNewToken(vendor, token)) {
            TokenResult.Set -> Log.i(TAG, "$vendor token set")
            is TokenResult.OtherVendor -> Log.i(TAG, "$vendor token ignored: this device uses ${result.selected}")
            // The reason, never the token (it is a secret).
            is TokenResult.Refused -> Log.w(TAG, "$vendor token refused: ${result.kind}: ${result.message}")
        }
    }

    /** The plan as a notification: its channel, group per conversation, badge and tap. */
    private fun post(context: Context, plan: NotificationPlan) {
        val tap = Intent(Intent.ACTION_VIEW, Uri.parse(plan.tapLink), context, MainActivity::class.java)
            .addFlags(Intent.FLAG_ACTIVITY_NEW_TASK or Intent.FLAG_ACTIVITY_SINGLE_TOP)
        val pending = PendingIntent.getActivity(
            context, plan.notificationId, tap, PendingIntent.FLAG_IMMUTABLE or PendingIntent.FLAG_UPDATE_CURRENT,
        )
        val notification = NotificationCompat.Builder(context, plan.channelId)
            .setSmallIcon(R.drawable.ic_notification)
            .setContentTitle(plan.title)
            .setContentText(plan.text)
            .setGroup(plan.groupKey)
            .setAutoCancel(true)
            .setContentIntent(pending)
            .setCategory(NotificationCompat.CATEGORY_MESSAGE)
            .apply {
                plan.badgeCount?.let { setNumber(it.toInt()) }
                if (plan.silent) setSilent(true)
            }
            .build()
        val manager = NotificationManagerCompat.from(context)
        // Without the runtime permission (Android 13+) nothing can be posted; the
        // settings screen asks for it.
        if (manager.areNotificationsEnabled()) {
            try {
                manager.notify(plan.groupKey, plan.notificationId, notification)
            } catch (e: SecurityException) {
                Log.w(TAG, "notification permission withdrawn")
            }
        }
    }
}
