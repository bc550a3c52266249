package org.offlinepush.demo

import org.junit.jupiter.api.Test
import org.offlinepush.DeviceFacts
import org.offlinepush.OfflinePushConfig
import org.offlinepush.OfflinePushManager
import org.offlinepush.Platform
import org.offlinepush.PushVendor
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertIs

class TokenRouterTest {
    private val xiaomiPhone = DeviceFacts(Platform.ANDROID, "Xiaomi", "Redmi", hasGooglePlayServices = true)
    private val ids = mapOf(PushVendor.XIAOMI to 2882303761517UL, PushVendor.FCM to 1UL)
    private val regId = "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6q7r8s9t0u1v2w3x4y5z6"

    @Test
    fun onlyTheDevicesOwnVendorSetsTheToken_P2_W6() {
        val push = OfflinePushManager(OfflinePushConfig(platform = Platform.ANDROID, storeDirectory = null))
        push.login("bob")
        val router = TokenRouter(xiaomiPhone, ids) { push.setToken(it) }
        assertEquals(PushVendor.XIAOMI, router.vendor)
        assertEquals(TokenResult.OtherVendor(PushVendor.XIAOMI), router.onNewToken(PushVendor.FCM, "fcm-token"))
        assertEquals(TokenResult.Set, router.onNewToken(PushVendor.XIAOMI, regId))
        assertEquals(PushVendor.XIAOMI, push.token()?.vendor)
    }

    @Test
    fun aRefusalSaysWhyNeverTheToken_V1_V3() {
        val push = OfflinePushManager(OfflinePushConfig(platform = Platform.ANDROID, storeDirectory = null))
        val router = TokenRouter(xiaomiPhone, ids) { push.setToken(it) }
        val refused = assertIs<TokenResult.Refused>(router.onNewToken(PushVendor.XIAOMI, regId))
        assertEquals("not_logged_in", refused.kind)
        assertFalse(refused.message.contains(regId))
        val unconfigured = TokenRouter(xiaomiPhone, emptyMap()) { push.setToken(it) }
        assertEquals("not_configured", assertIs<TokenResult.Refused>(unconfigured.onNewToken(PushVendor.XIAOMI, regId)).kind)
    }
}
