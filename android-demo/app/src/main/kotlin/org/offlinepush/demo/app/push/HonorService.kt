package org.offlinepush.demo.app.push

import com.hihonor.push.sdk.HonorMessageService
import com.hihonor.push.sdk.HonorPushDataMsg
import org.offlinepush.DeliveredPush
import org.offlinepush.PushVendor

/** Honor Push: the token and data messages (`data`, JSON); a worker thread in `:push`. */
class HonorService : HonorMessageService() {
    override fun onMessageReceived(message: HonorPushDataMsg?) {
        val data = message?.data ?: return
        PushEntry.onPush(this, PushVendor.HONOR, DeliveredPush.Json(data))
    }

    override fun onNewToken(token: String?) {
        if (!token.isNullOrEmpty()) PushEntry.onToken(this, PushVendor.HONOR, token)
    }
}
