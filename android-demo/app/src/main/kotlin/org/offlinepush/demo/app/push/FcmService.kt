package org.offlinepush.demo.app.push

import com.google.firebase.messaging.FirebaseMessagingService
import com.google.firebase.messaging.RemoteMessage
import org.offlinepush.DeliveredPush
import org.offlinepush.PushVendor

/** FCM: a data message's map (W4); runs on FCM's worker thread in `:push`. */
class FcmService : FirebaseMessagingService() {
    override fun onMessageReceived(message: RemoteMessage) =
        PushEntry.onPush(this, PushVendor.FCM, DeliveredPush.Extras(message.data))

    override fun onNewToken(token: String) = PushEntry.onToken(this, PushVendor.FCM, token)
}
