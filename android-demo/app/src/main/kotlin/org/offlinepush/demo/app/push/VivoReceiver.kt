package org.offlinepush.demo.app.push

import android.content.Context
import com.vivo.push.model.UPSNotificationMessage
import com.vivo.push.sdk.OpenClientPushMessageReceiver
import kotlinx.coroutines.launch
import org.offlinepush.PushVendor

/**
 * vivo Push: the regId. vivo shows its notifications itself (W2); a tap opens
 * MainActivity with the custom data as intent extras, where the link is read.
 */
class VivoReceiver : OpenClientPushMessageReceiver() {
    override fun onReceiveRegId(context: Context, regId: String?) {
        if (!regId.isNullOrEmpty()) PushEntry.io.launch { PushEntry.onToken(context, PushVendor.VIVO, regId) }
    }

    override fun onNotificationMessageClicked(context: Context, message: UPSNotificationMessage) {
        // Handled by the activity vivo opens (skipType 4 with the intent's extras).
    }
}
