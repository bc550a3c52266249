package org.offlinepush.demo

import org.offlinepush.ConversationType
import java.net.URLDecoder
import java.net.URLEncoder
import java.nio.charset.StandardCharsets.UTF_8

/**
 * Where a tap leads: `offlinepush-demo://chat/<c2c|group>/<conversation id>`, the
 * id percent-encoded, so any id (spaces, slashes, any script) survives the trip
 * through an Intent's data or an iOS URL.
 */
data class ConversationLink(val type: ConversationType, val conversationId: String) {
    init {
        require(type != ConversationType.SYSTEM) { "a system conversation cannot be opened" }
        require(conversationId.isNotEmpty()) { "a link needs a conversation id" }
    }

    fun toUri(): String = "$SCHEME://$HOST/${typeName(type)}/${encode(conversationId)}"

    companion object {
        const val SCHEME = "offlinepush-demo"
        const val HOST = "chat"

        private fun typeName(type: ConversationType) = when (type) {
            ConversationType.C2C -> "c2c"
            ConversationType.GROUP -> "group"
            ConversationType.SYSTEM -> "system"
        }

        private fun encode(id: String) = URLEncoder.encode(id, UTF_8).replace("+", "%20")

        /**
         * The conversation a link names, or null for anything else. A link may come
         * from any app or web page, so nothing here throws.
         */
        fun parse(uri: String): ConversationLink? {
            val rest = uri.removePrefix("$SCHEME://$HOST/").takeIf { it != uri } ?: return null
            val parts = rest.split('/')
            if (parts.size != 2) return null
            val type = when (parts[0]) {
                "c2c" -> ConversationType.C2C
                "group" -> ConversationType.GROUP
                else -> return null
            }
            // `+` is a plus in a path: only what encode() wrote is decoded.
            val id = try {
                URLDecoder.decode(parts[1].replace("+", "%2B"), UTF_8)
            } catch (e: IllegalArgumentException) {
                return null
            }
            return if (id.isEmpty()) null else ConversationLink(type, id)
        }
    }
}
