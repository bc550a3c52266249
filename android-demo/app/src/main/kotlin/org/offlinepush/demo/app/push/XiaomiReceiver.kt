package org.offlinepush.demo.app.push

import android.content.Context
import com.xiaomi.mipush.sdk.ErrorCode
import com.xiaomi.mipush.sdk.MiPushClient
import com.xiaomi.mipush.sdk.MiPushCommandMessage
import com.xiaomi.mipush.sdk.MiPushMessage
import com.xiaomi.mipush.sdk.PushMessageReceiver
import kotlinx.coroutines.launch
import org.offlinepush.DeliveredPush
import org.offlinepush.PushVendor

/**
 * Xiaomi MiPush: the regId, and the arrival of a notification the system showed
 * (counted, not posted again). Its callbacks run on the main thread: the work
 * goes to [PushEntry.io].
 */
class XiaomiReceiver : PushMessageReceiver() {
    override fun onNotificationMessageArrived(context: Context, message: MiPushMessage) {
        val extras = DeliveredPush.Extras(message.extra ?: emptyMap())
        PushEntry.io.launch { PushEntry.onShownBySystem(context, PushVendor.XIAOMI, extras) }
    }

    override fun onReceiveRegisterResult(context: Context, message: MiPushCommandMessage) {
        val regId = message.commandArguments?.firstOrNull()
        if (message.command == MiPushClient.COMMAND_REGISTER && message.resultCode == ErrorCode.SUCCESS.toLong() && regId != null) {
            PushEntry.io.launch { PushEntry.onToken(context, PushVendor.XIAOMI, regId) }
        }
    }
}
