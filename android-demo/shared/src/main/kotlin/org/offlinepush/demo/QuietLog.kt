package org.offlinepush.demo

import org.offlinepush.SuppressReason
import java.io.File
import java.io.IOException

/**
 * "Why no notification": the last pushes the rules kept quiet, written by the push
 * process and read by the app's settings screen, in a small file beside the store.
 * Each line is appended whole (one write of a short line), so the two processes
 * never interleave one; the file keeps the newest [KEEP] lines.
 */
class QuietLog(directory: File) {
    private val file = File(directory, "why-no-notification.txt")

    data class Entry(val conversation: String, val reason: SuppressReason)

    /** Records one; a full disk loses the line, never the push. */
    fun record(conversation: String, reason: SuppressReason) {
        try {
            file.parentFile?.mkdirs()
            file.appendText("${conversation.replace('\n', ' ').replace('\t', ' ')}\t${reason.name}\n")
            val lines = file.readLines()
            if (lines.size > 2 * KEEP) file.writeText(lines.takeLast(KEEP).joinToString("") { "$it\n" })
        } catch (e: IOException) {
            // Explaining a quiet push is worth less than handling the next one.
        }
    }

    /** Newest last; a line that cannot be read is left out. */
    fun recent(): List<Entry> = try {
        file.readLines().takeLast(KEEP).mapNotNull { line ->
            val parts = line.split('\t')
            val reason = SuppressReason.entries.firstOrNull { it.name == parts.getOrNull(1) }
            if (parts.size == 2 && reason != null) Entry(parts[0], reason) else null
        }
    } catch (e: IOException) {
        emptyList()
    }

    companion object {
        const val KEEP = 20
    }
}
