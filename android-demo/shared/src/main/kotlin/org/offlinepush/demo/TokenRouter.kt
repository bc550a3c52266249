package org.offlinepush.demo

import org.offlinepush.DeviceFacts
import org.offlinepush.OfflinePushException
import org.offlinepush.OfflinePushToken
import org.offlinepush.PushTokenSecret
import org.offlinepush.PushVendor
import org.offlinepush.kind
import org.offlinepush.selectVendor

/** What a vendor's new-token callback led to. */
sealed interface TokenResult {
    /** Stored (and queued for the backend: K4). */
    data object Set : TokenResult

    /** Another vendor's token: this device takes one route (RULES W6, P2). */
    data class OtherVendor(val selected: PushVendor?) : TokenResult

    /** The core refused it (V1 not signed in, V3 not a token): the reason, never the token. */
    data class Refused(val kind: String, val message: String) : TokenResult
}

/**
 * Routes the vendors' token callbacks: only the vendor this device selects (P2)
 * sets the token, with that vendor's certificate id from the IM console.
 */
class TokenRouter(
    device: DeviceFacts,
    private val businessIds: Map<PushVendor, ULong>,
    private val setToken: (OfflinePushToken) -> Unit,
) {
    /** The vendor this device uses, or null for the SDK's own connection only. */
    val vendor: PushVendor? = selectVendor(device)

    fun onNewToken(from: PushVendor, token: String): TokenResult {
        if (from != vendor) return TokenResult.OtherVendor(vendor)
        val businessId = businessIds[from]
            ?: return TokenResult.Refused("not_configured", "no certificate id configured for $from")
        return try {
            setToken(OfflinePushToken(from, PushTokenSecret(token), businessId))
            TokenResult.Set
        } catch (e: OfflinePushException) {
            TokenResult.Refused(e.kind, e.message ?: "")
        }
    }
}
