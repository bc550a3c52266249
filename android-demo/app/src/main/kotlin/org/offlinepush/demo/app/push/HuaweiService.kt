package org.offlinepush.demo.app.push

import android.os.Bundle
import com.huawei.hms.push.HmsMessageService
import com.huawei.hms.push.RemoteMessage
import org.offlinepush.DeliveredPush
import org.offlinepush.PushVendor

/** Huawei Push Kit: the token and data messages (`data`, JSON); a worker thread in `:push`. */
class HuaweiService : HmsMessageService() {
    override fun onMessageReceived(message: RemoteMessage?) {
        val data = message?.data ?: return
        PushEntry.onPush(this, PushVendor.HUAWEI, DeliveredPush.Json(data))
    }

    override fun onNewToken(token: String?, bundle: Bundle?) {
        if (!token.isNullOrEmpty()) PushEntry.onToken(this, PushVendor.HUAWEI, token)
    }
}
