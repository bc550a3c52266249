package org.offlinepush.demo.app

import android.Manifest
import android.content.Intent
import android.content.pm.PackageManager
import android.os.Build
import android.os.Bundle
import android.widget.Button
import android.widget.EditText
import android.widget.Switch
import android.widget.TextView
import android.widget.Toast
import androidx.activity.ComponentActivity
import androidx.activity.result.contract.ActivityResultContracts
import androidx.core.content.ContextCompat
import androidx.lifecycle.lifecycleScope
import com.google.firebase.messaging.FirebaseMessaging
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import org.offlinepush.DeliveredPush
import org.offlinepush.DoNotDisturbWindow
import org.offlinepush.OfflinePushException
import org.offlinepush.PushVendor
import org.offlinepush.ReceiveOption
import org.offlinepush.ConversationType
import org.offlinepush.demo.ConversationLink
import org.offlinepush.demo.app.push.PushEntry
import org.offlinepush.readVendorPush
import java.util.TimeZone

/**
 * The settings screen and the tap's destination. Every manager call runs on
 * Dispatchers.IO (it may wait for the push process's write); the views are
 * updated back on the main thread.
 */
class MainActivity : ComponentActivity() {
    private val app get() = demo
    private val askPermission = registerForActivityResult(ActivityResultContracts.RequestPermission()) { }

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        setContentView(R.layout.activity_main)
        if (Build.VERSION.SDK_INT >= 33 &&
            ContextCompat.checkSelfPermission(this, Manifest.permission.POST_NOTIFICATIONS) != PackageManager.PERMISSION_GRANTED
        ) {
            askPermission.launch(Manifest.permission.POST_NOTIFICATIONS)
        }
        val user = findViewById<EditText>(R.id.user)
        findViewById<Button>(R.id.sign_in).setOnClickListener {
            val id = user.text.toString().trim()
            act { app.manager.login(id); app.manager.sync(); registerWithVendor() }
        }
        findViewById<Button>(R.id.sign_out).setOnClickListener { act { app.manager.logout(); app.manager.sync() } }
        findViewById<Switch>(R.id.enabled).setOnCheckedChangeListener { _, on ->
            act { app.manager.setGlobalSettings(app.manager.globalSettings().copy(enabled = on)) }
        }
        for ((button, option) in listOf(
            R.id.mute to ReceiveOption.RECEIVE_NOT_NOTIFY,
            R.id.mute_except_mentions to ReceiveOption.RECEIVE_NOT_NOTIFY_EXCEPT_MENTIONS,
        )) {
            findViewById<Button>(button).setOnClickListener {
                val group = findViewById<EditText>(R.id.group).text.toString().trim()
                act { app.manager.setReceiveOption(ConversationType.GROUP, group, option) }
            }
        }
        findViewById<Switch>(R.id.dnd).setOnCheckedChangeListener { _, on ->
            val offset = TimeZone.getDefault().getOffset(System.currentTimeMillis()) / 1000
            act { app.manager.setDoNotDisturb(if (on) DoNotDisturbWindow(22 * 3600, 9 * 3600, offset) else null) }
        }
        findViewById<Button>(R.id.sync).setOnClickListener { act { app.manager.sync() } }
        open(intent)
    }

    override fun onNewIntent(intent: Intent) {
        super.onNewIntent(intent)
        open(intent)
    }

    override fun onResume() {
        super.onResume()
        act { }
    }

    /**
     * A tap: our own notification's link, or a system-displayed vendor's custom
     * data in the extras (P4). The conversation opens and its count clears (B3).
     */
    private fun open(intent: Intent) {
        val link = intent.data?.toString()?.let(ConversationLink::parse) ?: linkFromExtras(intent.extras) ?: return
        act {
            app.manager.markRead(link.type, link.conversationId)
            withContext(Dispatchers.Main) {
                Toast.makeText(this@MainActivity, getString(R.string.opened, link.conversationId), Toast.LENGTH_SHORT).show()
            }
        }
    }

    private fun linkFromExtras(extras: Bundle?): ConversationLink? {
        val map = extras?.keySet()?.associateWith { extras.get(it)?.toString() ?: "" } ?: return null
        val vendor = app.tokenRouter.vendor ?: return null
        val push = readVendorPush(vendor, DeliveredPush.Extras(map)) ?: return null
        return if (push.conversationType == ConversationType.SYSTEM) null else ConversationLink(push.conversationType, push.conversationId)
    }

    /** The vendor's registration; its token arrives at the vendor's entry point (PushEntry.onToken). */
    private fun registerWithVendor() {
        when (app.tokenRouter.vendor) {
            PushVendor.FCM -> FirebaseMessaging.getInstance().token.addOnSuccessListener { token ->
                PushEntry.io.launch { PushEntry.onToken(this@MainActivity, PushVendor.FCM, token) }
            }
            // Each vendor SDK registers with the app's ids from its console (MiPushClient.registerPush,
            // HeytapPushManager.register, PushClient.getInstance(this).turnOnPush, PushManager.register);
            // their callbacks are the receivers and services in push/.
            else -> Unit
        }
    }

    /** Runs [block] on Dispatchers.IO, then shows the sync status and "why no notification". */
    private fun act(block: suspend () -> Unit) {
        lifecycleScope.launch(Dispatchers.IO) {
            val error = try {
                block()
                null
            } catch (e: OfflinePushException) {
                e.message
            }
            val status = try {
                app.manager.syncStatus().let { getString(R.string.sync_status, it.pending.size, it.lastError ?: getString(R.string.nothing)) }
            } catch (e: OfflinePushException) {
                e.message ?: ""
            }
            val why = app.quietLog.recent().reversed().joinToString("\n") { "${it.conversation}: ${it.reason.name.lowercase()}" }
            withContext(Dispatchers.Main) {
                findViewById<TextView>(R.id.status).text = listOfNotNull(error, status).joinToString("\n")
                findViewById<TextView>(R.id.why).text = why.ifEmpty { getString(R.string.nothing) }
            }
        }
    }
}
