package org.offlinepush.demo

import org.junit.jupiter.api.Test
import org.offlinepush.ConversationType
import kotlin.test.assertEquals
import kotlin.test.assertNull

class ConversationLinkTest {
    @Test
    fun anyIdSurvivesTheRoundTrip() {
        for (id in listOf("alice", "team 7", "a/b", "50%+1", "小组", "emoji 👩‍👩‍👧", "?x=1&y=2#z")) {
            for (type in listOf(ConversationType.C2C, ConversationType.GROUP)) {
                val link = ConversationLink(type, id)
                assertEquals(link, ConversationLink.parse(link.toUri()), link.toUri())
            }
        }
        assertEquals("offlinepush-demo://chat/group/team%207", ConversationLink(ConversationType.GROUP, "team 7").toUri())
    }

    @Test
    fun anythingElseIsNullNeverAnException() {
        for (uri in listOf(
            "", "offlinepush-demo://chat/", "offlinepush-demo://chat/c2c", "offlinepush-demo://chat/c2c/",
            "offlinepush-demo://chat/system/sys", "offlinepush-demo://chat/c2c/a/b", "https://chat/c2c/alice",
            "offlinepush-demo://other/c2c/alice", "offlinepush-demo://chat/c2c/%E4%ZZ", "offlinepush-demo://chat/c2c/%",
        )) {
            assertNull(ConversationLink.parse(uri), uri)
        }
    }
}
