package org.offlinepush.demo.app.push

import android.content.Context
import com.heytap.msp.push.mode.DataMessage
import com.heytap.msp.push.service.DataMessageCallbackService
import org.offlinepush.DeliveredPush
import org.offlinepush.PushVendor

/**
 * OPPO Push (HeyTap): a data message's content (JSON). OPPO's send API offers
 * notification messages, shown by the system (W2); this is for the data messages
 * its console can send. The token comes from `HeytapPushManager.register`'s
 * callback (MainActivity).
 */
class OppoService : DataMessageCallbackService() {
    override fun processMessage(context: Context, message: DataMessage) {
        val content = message.content ?: return
        PushEntry.onPush(context, PushVendor.OPPO, DeliveredPush.Json(content))
    }
}
