package org.offlinepush.demo.app

import android.app.Application
import android.app.NotificationChannel
import android.app.NotificationManager
import android.media.AudioAttributes
import android.net.Uri
import android.os.Build
import com.google.android.gms.common.ConnectionResult
import com.google.android.gms.common.GoogleApiAvailability
import com.google.firebase.FirebaseApp
import org.offlinepush.DeviceFacts
import org.offlinepush.OfflinePushConfig
import org.offlinepush.OfflinePushManager
import org.offlinepush.Platform
import org.offlinepush.PushLocale
import org.offlinepush.PushVendor
import org.offlinepush.SyncPolicy
import org.offlinepush.VendorConfig
import org.offlinepush.demo.DeviceInfo
import org.offlinepush.demo.HttpPushBackend
import org.offlinepush.demo.QuietLog
import org.offlinepush.demo.TokenRouter
import org.offlinepush.notificationChannels
import java.io.File
import java.util.UUID

/**
 * Runs first in both processes (the app's and `:push`). Opening the manager does
 * disk I/O and may wait for the other process's write (up to the store's 5 s), so
 * it happens on first use, off the main thread (see [manager]); what runs here is
 * only cheap: the channels and Firebase.
 */
class DemoApplication : Application() {
    /** The vendors' settings from their consoles (channel ids, classification). */
    val vendorConfig = VendorConfig(fcmChannelId = "messages", xiaomiChannelId = "messages", oppoChannelId = "messages")

    /** The store directory both processes open: the same folder, never a per-process one. */
    val storeDirectory: File get() = File(filesDir, "offline-push")

    val quietLog: QuietLog get() = QuietLog(storeDirectory)

    /** P2: the vendor of this device, from what Android says about it. */
    val deviceFacts: DeviceFacts by lazy {
        val gms = GoogleApiAvailability.getInstance().isGooglePlayServicesAvailable(this) == ConnectionResult.SUCCESS
        DeviceFacts(Platform.ANDROID, Build.MANUFACTURER, Build.BRAND, gms)
    }

    val tokenRouter: TokenRouter by lazy {
        val ids = mapOf(
            PushVendor.FCM to BuildConfig.FCM_BUSINESS_ID, PushVendor.XIAOMI to BuildConfig.XIAOMI_BUSINESS_ID,
            PushVendor.HUAWEI to BuildConfig.HUAWEI_BUSINESS_ID, PushVendor.HONOR to BuildConfig.HONOR_BUSINESS_ID,
            PushVendor.OPPO to BuildConfig.OPPO_BUSINESS_ID, PushVendor.VIVO to BuildConfig.VIVO_BUSINESS_ID,
            PushVendor.MEIZU to BuildConfig.MEIZU_BUSINESS_ID,
        ).mapValues { it.value.toULong() }
        TokenRouter(deviceFacts, ids) { manager.setToken(it) }
    }

    /**
     * The manager on the shared store, opened on first use. Call it off the main
     * thread (Dispatchers.IO, a vendor's worker thread): it may wait for the other
     * process. Throws `OfflinePushException` when the store cannot be opened.
     */
    val manager: OfflinePushManager by lazy {
        OfflinePushManager(OfflinePushConfig(platform = Platform.ANDROID, storeDirectory = storeDirectory.path)).also {
            it.setBackend(HttpPushBackend(BuildConfig.BACKEND_URL, DeviceInfo(installationId(), Platform.ANDROID, locale(), tokenRouter.vendor)))
            it.setSyncPolicy(SyncPolicy())
        }
    }

    override fun onCreate() {
        super.onCreate()
        // FirebaseInitProvider runs in the main process only; FcmService runs in ":push".
        if (FirebaseApp.getApps(this).isEmpty()) FirebaseApp.initializeApp(this)
        createChannels()
    }

    /** The channels the core names (Android 8+ plays the channel's sound, not the notification's). */
    private fun createChannels() {
        if (Build.VERSION.SDK_INT < Build.VERSION_CODES.O) return
        val vendor = tokenRouter.vendor ?: PushVendor.FCM
        val sounds = listOf("android.resource://$packageName/raw/ding")
        val system = getSystemService(NotificationManager::class.java)
        for (channel in notificationChannels(vendorConfig, vendor, sounds)) {
            val name = channel.sound?.let { getString(R.string.channel_sound_name, Uri.parse(it).lastPathSegment) }
                ?: getString(R.string.channel_messages_name)
            val android = NotificationChannel(channel.channelId, name, NotificationManager.IMPORTANCE_HIGH)
            channel.sound?.let {
                android.setSound(Uri.parse(it), AudioAttributes.Builder().setUsage(AudioAttributes.USAGE_NOTIFICATION).build())
            }
            system.createNotificationChannel(android)
        }
    }

    private fun locale(): PushLocale =
        if (resources.configuration.locales[0].language == "zh") PushLocale.ZH_HANS else PushLocale.EN

    /** One id per installation, kept beside the store. */
    private fun installationId(): String {
        val file = File(storeDirectory, "installation-id")
        return file.takeIf { it.exists() }?.readText()?.trim()?.takeIf { it.isNotEmpty() }
            ?: UUID.randomUUID().toString().also { storeDirectory.mkdirs(); file.writeText(it) }
    }
}

/** The application, from any component. */
val android.content.Context.demo: DemoApplication get() = applicationContext as DemoApplication
