package org.offlinepush.demo

import com.google.gson.JsonObject
import com.google.gson.JsonParser
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import org.offlinepush.AccountPushSettings
import org.offlinepush.DeliveredPush
import org.offlinepush.OfflinePushException
import org.offlinepush.OfflinePushToken
import org.offlinepush.Platform
import org.offlinepush.PushBackend
import org.offlinepush.PushBackendException
import org.offlinepush.PushLocale
import org.offlinepush.PushVendor
import org.offlinepush.SettingsChange
import org.offlinepush.accountSettingsFromJson
import org.offlinepush.deliveredPushFromJson
import org.offlinepush.settingsChangeToJson
import org.offlinepush.tokenToJson
import java.io.IOException
import java.net.HttpURLConnection
import java.net.URI
import java.net.URLEncoder
import java.nio.charset.StandardCharsets.UTF_8

/** This installation, as the server keeps it beside a bound token (RULES W6). */
data class DeviceInfo(
    /** The app's own id of this installation. */
    val id: String,
    val platform: Platform,
    val locale: PushLocale,
    /** The vendor this device selects (P2), the route the server tries first. */
    val ownVendor: PushVendor?,
)

/**
 * The app's [PushBackend] over HTTP with the platform's own client
 * (`HttpURLConnection`, on Android and on a JVM alike), to the demo backend
 * (`demo-backend/README.md`). The core calls it from its sync, never on the main
 * thread; every call here also moves to [Dispatchers.IO] itself.
 *
 * A 5xx, a timeout or no network is [PushBackendException.Transient] (the core
 * retries it); any other refusal is [PushBackendException.Rejected].
 */
class HttpPushBackend(
    baseUrl: String,
    private val device: DeviceInfo,
    private val timeoutMs: Int = 10_000,
) : PushBackend {
    private val base = baseUrl.trimEnd('/')

    override suspend fun uploadSettings(userId: String, change: SettingsChange) {
        call("PUT", "/v1/users/${segment(userId)}/settings", settingsChangeToJson(change))
    }

    override suspend fun fetchSettings(userId: String): AccountPushSettings {
        val body = call("GET", "/v1/users/${segment(userId)}/settings", null)
        return try {
            accountSettingsFromJson(body)
        } catch (e: OfflinePushException) {
            throw PushBackendException.Transient("the server's settings could not be read: ${e.message}")
        }
    }

    override suspend fun uploadToken(userId: String, token: OfflinePushToken) {
        val request = JsonObject().apply {
            add("token", JsonParser.parseString(tokenToJson(token)))
            add("device", JsonObject().apply {
                addProperty("id", device.id)
                addProperty("platform", device.platform.name.lowercase())
                addProperty("locale", if (device.locale == PushLocale.ZH_HANS) "zh-Hans" else "en")
                device.ownVendor?.let { addProperty("own_vendor", vendorName(it)) }
            })
        }
        call("POST", "/v1/users/${segment(userId)}/tokens", request.toString())
    }

    override suspend fun unbindToken(userId: String, token: OfflinePushToken) {
        call("DELETE", "/v1/users/${segment(userId)}/tokens", tokenToJson(token))
    }

    /**
     * The vendor stand-in (not part of [PushBackend]): what the demo backend put in
     * this device's inbox since the last call, oldest first, each with the vendor it
     * came through. An entry that is not a delivered push is skipped, as a vendor
     * SDK drops what it cannot parse.
     */
    suspend fun collect(): List<Pair<PushVendor, DeliveredPush>> {
        val body = call("POST", "/v1/devices/${segment(device.id)}/collect", null)
        val items = try {
            JsonParser.parseString(body).asJsonArray
        } catch (e: RuntimeException) {
            throw PushBackendException.Transient("the inbox answer is not a JSON array")
        }
        return items.mapNotNull { item ->
            try {
                val entry = item.asJsonObject
                val vendor = vendorOf(entry.get("vendor").asString) ?: return@mapNotNull null
                vendor to deliveredPushFromJson(entry.get("delivered").toString())
            } catch (e: RuntimeException) {
                null
            } catch (e: OfflinePushException) {
                null
            }
        }
    }

    private suspend fun call(method: String, path: String, body: String?): String = withContext(Dispatchers.IO) {
        val connection = try {
            URI.create(base + path).toURL().openConnection() as HttpURLConnection
        } catch (e: IllegalArgumentException) {
            throw PushBackendException.Rejected("not a URL: $base")
        }
        try {
            connection.requestMethod = method
            connection.connectTimeout = timeoutMs
            connection.readTimeout = timeoutMs
            connection.setRequestProperty("Accept", "application/json")
            if (body != null) {
                connection.doOutput = true
                connection.setRequestProperty("Content-Type", "application/json; charset=utf-8")
                connection.outputStream.use { it.write(body.toByteArray(UTF_8)) }
            }
            val status = connection.responseCode
            val stream = if (status < 400) connection.inputStream else connection.errorStream
            val text = stream?.use { it.readBytes().toString(UTF_8) } ?: ""
            when {
                status in 200..299 -> text
                status >= 500 -> throw PushBackendException.Transient("$method $path: HTTP $status${errorOf(text)}")
                else -> throw PushBackendException.Rejected("$method $path: HTTP $status${errorOf(text)}")
            }
        } catch (e: IOException) {
            throw PushBackendException.Transient("$method $path: ${e.javaClass.simpleName}")
        } finally {
            connection.disconnect()
        }
    }

    private companion object {
        fun segment(id: String): String = URLEncoder.encode(id, UTF_8).replace("+", "%20")

        /** The server's `{"error": "…"}`, which never repeats a token. */
        fun errorOf(text: String): String = try {
            ": " + JsonParser.parseString(text).asJsonObject.get("error").asString
        } catch (e: RuntimeException) {
            // JsonParseException, IllegalStateException, NullPointerException: no message.
            ""
        }

        fun vendorName(vendor: PushVendor): String = vendor.name.lowercase()

        fun vendorOf(name: String): PushVendor? = PushVendor.entries.firstOrNull { vendorName(it) == name }
    }
}
