package org.offlinepush.demo.app.push

import android.content.Context
import com.meizu.cloud.pushsdk.MzPushMessageReceiver
import com.meizu.cloud.pushsdk.handler.MzPushMessage
import com.meizu.cloud.pushsdk.platform.message.PushSwitchStatus
import com.meizu.cloud.pushsdk.platform.message.RegisterStatus
import com.meizu.cloud.pushsdk.platform.message.SubAliasStatus
import com.meizu.cloud.pushsdk.platform.message.SubTagsStatus
import com.meizu.cloud.pushsdk.platform.message.UnRegisterStatus
import kotlinx.coroutines.launch
import org.offlinepush.DeliveredPush
import org.offlinepush.PushVendor

/**
 * Meizu Flyme Push: the push id, and the arrival of a notification the system
 * showed (its self-defined content, JSON; counted, not posted again). Main thread:
 * the work goes to [PushEntry.io].
 */
class MeizuReceiver : MzPushMessageReceiver() {
    override fun onRegisterStatus(context: Context, status: RegisterStatus) {
        val id = status.pushId
        if (!id.isNullOrEmpty()) PushEntry.io.launch { PushEntry.onToken(context, PushVendor.MEIZU, id) }
    }

    override fun onNotificationArrived(context: Context, message: MzPushMessage) {
        val content = message.selfDefineContentString ?: return
        PushEntry.io.launch { PushEntry.onShownBySystem(context, PushVendor.MEIZU, DeliveredPush.Json(content)) }
    }

    override fun onUnRegisterStatus(context: Context, status: UnRegisterStatus) = Unit

    override fun onPushStatus(context: Context, status: PushSwitchStatus) = Unit

    override fun onSubTagsStatus(context: Context, status: SubTagsStatus) = Unit

    override fun onSubAliasStatus(context: Context, status: SubAliasStatus) = Unit
}
