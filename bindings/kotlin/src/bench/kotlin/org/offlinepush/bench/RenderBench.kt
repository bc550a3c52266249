package org.offlinepush.bench

import org.offlinepush.ConversationType
import org.offlinepush.GroupInfo
import org.offlinepush.IncomingMessage
import org.offlinepush.MessageElement
import org.offlinepush.MessageSender
import org.offlinepush.NotifyMode
import org.offlinepush.OfflinePushNotification
import org.offlinepush.PushSound
import org.offlinepush.TitleSource
import org.offlinepush.OfflinePushConfig
import org.offlinepush.OfflinePushManager
import org.offlinepush.Platform
import org.offlinepush.RenderOutcome
import org.offlinepush.UniffiFastPath
import org.offlinepush.DeviceFacts
import org.offlinepush.selectVendor
import org.offlinepush.FfiConverterTypeIncomingMessage
import org.offlinepush.FfiConverterTypeRenderOutcome

/**
 * The cost of a crossing from Kotlin (BENCHMARKS.md), measured side by side in
 * one run: `render` through the package, a bare no-argument call, `renderBatch`
 * per message, and the same rules written directly in Kotlin building the same
 * complete outcome (the fair baseline).
 *
 * Each figure is the median over [ROUNDS] rounds of the mean time per call in
 * the round, after a warm-up round that lets the JIT compile everything; the
 * rounds interleave the figures, and each ratio is the median of the rounds' own.
 */
private const val ROUNDS = 11
private const val WARM_UP = 3
private const val BATCH = 100

private fun message(i: Int) = IncomingMessage(
    conversationType = ConversationType.GROUP,
    sender = MessageSender(userId = "alice", nickname = "Alice", nameCard = "Ally"),
    group = GroupInfo(groupId = "g7", name = "Weekend hike"),
    elements = listOf(MessageElement.Text("look at this $i "), MessageElement.Image),
    timestamp = 1_700_000_000L + i,
)

/**
 * The fair baseline: the same rules for this message shape (D1–D7 pass; T2, C1, C2,
 * C4, F1–F5, S1, B1, N1) written directly in Kotlin, building the same complete
 * outcome the package returns, every field of the notification included, so the
 * ratios measure the crossing and nothing else. Checked equal to the package's.
 */
private fun nativeRender(m: IncomingMessage): RenderOutcome {
    val group = m.group
    val title = group?.name?.takeIf { it.isNotEmpty() } ?: group?.groupId ?: ""
    val nickname = m.sender.nameCard?.takeIf { it.isNotEmpty() } ?: m.sender.nickname?.takeIf { it.isNotEmpty() }
    val content = buildString {
        append(nickname ?: m.sender.userId).append(": ")
        for (e in m.elements) {
            when (e) {
                is MessageElement.Text -> append(e.text)
                is MessageElement.Image -> append("[图片]")
                else -> {}
            }
        }
    }
    return RenderOutcome.Show(
        OfflinePushNotification(
            title = title,
            titleSource = TitleSource.GROUP,
            content = content,
            conversationId = group?.groupId ?: "",
            conversationType = m.conversationType,
            senderId = m.sender.userId,
            senderNickname = nickname,
            groupName = group?.name,
            ext = m.pushSettings?.ext,
            sound = PushSound.Default,
            badge = true,
            notifyMode = NotifyMode.NORMAL,
            badgeCount = null,
        ),
    )
}

/** Every result is added here, so the JIT cannot drop the work. */
private var sink = 0L

/** Mean nanoseconds per call over one round of [calls] calls; [body] returns a number to consume. */
private inline fun timeRound(calls: Int, body: (Int) -> Int): Double {
    val start = System.nanoTime()
    var local = 0L
    repeat(calls) { local += body(it) }
    sink += local
    return (System.nanoTime() - start).toDouble() / calls
}

/**
 * One figure: its time in each round. Rounds interleave every figure, the
 * baseline included, so a burst of noise on this shared machine lands on all of
 * them at once; the ratio is the median of the rounds' own ratios.
 */
private class Figure(val label: String) {
    val perRound = DoubleArray(ROUNDS)

    fun median(): Double = perRound.sorted()[ROUNDS / 2]

    fun ratioTo(base: Figure): Double = DoubleArray(ROUNDS) { perRound[it] / base.perRound[it] }.sorted()[ROUNDS / 2]
}

private fun outcomeSize(o: RenderOutcome): Int = when (o) {
    is RenderOutcome.Show -> o.notification.content.length + o.notification.title.length
    is RenderOutcome.Suppress -> 1
}

/**
 * Cold start, in a fresh JVM each time: `cold load` loads the library through
 * the package (its cheapest call, `selectVendor`) and exits, the hello-world
 * baseline; `cold render` loads it, opens a manager, signs in and renders one
 * message. Each child prints the nanoseconds from its `main` to that point.
 */
private fun cold(what: String) {
    val start = System.nanoTime()
    selectVendor(DeviceFacts(Platform.ANDROID, "Xiaomi", "Redmi", false))
    if (what == "render") {
        val manager = OfflinePushManager(OfflinePushConfig(platform = Platform.ANDROID))
        manager.login("bob")
        check(manager.render(message(0)) is RenderOutcome.Show)
    }
    println("cold-ns ${System.nanoTime() - start}")
}

/** The least a fast-path call does: a message with one short id and no element. */
private val tiny = IncomingMessage(conversationType = ConversationType.C2C, sender = MessageSender(userId = "a"), elements = emptyList(), timestamp = 0)

/**
 * `profile N [floor|batch]`: only `render` (or the fast-path floor, `preview` of a
 * tiny message; or `renderBatch`, N messages in batches), N times, for a profiler
 * (BENCHMARKS.md says how).
 */
private fun profile(calls: Int, mode: String?) {
    val manager = OfflinePushManager(OfflinePushConfig(platform = Platform.ANDROID))
    manager.login("bob")
    val messages = List(BATCH) { message(it) }
    var sink = 0L
    if (mode == "floor") {
        repeat(calls) { sink += manager.preview(tiny).length + 1 }
    } else if (mode == "batch") {
        repeat(calls / BATCH) { sink += manager.renderBatch(messages).sumOf { outcomeSize(it) } }
    } else {
        repeat(calls) { sink += outcomeSize(manager.render(messages[it % BATCH])) }
    }
    println("profiled $sink")
}

/** Runs [runs] fresh JVMs of each kind, alternating; medians of wall and in-process time. */
private fun coldStarts(runs: Int) {
    val javaBin = ProcessHandle.current().info().command().orElse("java")
    val jvmArgs = java.lang.management.ManagementFactory.getRuntimeMXBean().inputArguments.filter { it.startsWith("-D") }
    val classPath = System.getProperty("java.class.path")
    val wall = mapOf("load" to mutableListOf<Long>(), "render" to mutableListOf())
    val inside = mapOf("load" to mutableListOf<Long>(), "render" to mutableListOf())
    repeat(runs) {
        for (what in listOf("load", "render")) {
            val started = System.nanoTime()
            val child = ProcessBuilder(listOf(javaBin) + jvmArgs + listOf("-cp", classPath, "org.offlinepush.bench.RenderBenchKt", "cold", what))
                .redirectErrorStream(true).start()
            val out = child.inputStream.bufferedReader().readText()
            check(child.waitFor() == 0) { "cold $what failed: $out" }
            wall.getValue(what) += System.nanoTime() - started
            inside.getValue(what) += out.lines().first { it.startsWith("cold-ns ") }.removePrefix("cold-ns ").toLong()
        }
    }
    fun median(xs: List<Long>) = xs.sorted()[xs.size / 2] / 1e6
    val (wl, wr) = median(wall.getValue("load")) to median(wall.getValue("render"))
    val (il, ir) = median(inside.getValue("load")) to median(inside.getValue("render"))
    println("kotlin-bench: cold start, fresh JVMs, median of $runs, ms: wall time / from main")
    println("kotlin-bench: cold: loads the library (hello-world baseline)  %8.1f ms  1.00x  %8.1f ms  1.00x".format(wl, il))
    println("kotlin-bench: cold: loads it and renders one message          %8.1f ms  %.2fx  %8.1f ms  %.2fx".format(wr, wr / wl, ir, ir / il))
}

fun main(args: Array<String>) {
    if (args.firstOrNull() == "cold") return cold(args[1])
    if (args.firstOrNull() == "profile") return profile(args[1].toInt(), args.getOrNull(2))
    val calls = args.firstOrNull()?.toInt() ?: 20_000
    val manager = OfflinePushManager(OfflinePushConfig(platform = Platform.ANDROID))
    manager.login("bob")
    val messages = List(BATCH) { message(it) }
    for (m in messages) check(manager.render(m) == nativeRender(m)) { "the baseline must build what the package returns" }

    // Where a render's time goes on this side: the generated converters alone.
    val scratch = java.nio.ByteBuffer.allocate(64 * 1024)
    val outcomeBytes = java.nio.ByteBuffer.allocate(64 * 1024)
    FfiConverterTypeRenderOutcome.write(manager.render(messages[0]), outcomeBytes)
    outcomeBytes.flip()
    val native = Figure("native Kotlin, whole outcome (baseline)")
    val write = Figure("of which: write the message (generated converter)")
    val read = Figure("of which: read the outcome (generated converter)")
    val bare = Figure("bare call isLoggedIn()")
    val floor = Figure("fast-path floor: preview(tiny message)")
    val render = Figure("render(message)")
    val batch = Figure("renderBatch(100), per message")
    // The first WARM_UP rounds let the JIT compile every path and are not counted.
    for (round in -WARM_UP until ROUNDS) {
        fun keep(figure: Figure, ns: Double) { if (round >= 0) figure.perRound[round] = ns }
        keep(native, timeRound(calls * 10) { i -> outcomeSize(nativeRender(messages[i % BATCH])) })
        keep(write, timeRound(calls) { i ->
            scratch.clear()
            FfiConverterTypeIncomingMessage.write(messages[i % BATCH], scratch)
            scratch.position()
        })
        keep(read, timeRound(calls) {
            outcomeBytes.position(0)
            outcomeSize(FfiConverterTypeRenderOutcome.read(outcomeBytes))
        })
        keep(bare, timeRound(calls) { if (manager.isLoggedIn()) 1 else 0 })
        keep(floor, timeRound(calls) { manager.preview(tiny).length })
        keep(render, timeRound(calls) { i -> outcomeSize(manager.render(messages[i % BATCH])) })
        keep(batch, timeRound(calls / BATCH) { manager.renderBatch(messages).sumOf(::outcomeSize) } / BATCH)
    }
    if (sink == 42L) println()

    println("kotlin-bench: calls per round: $calls, rounds: $ROUNDS interleaved; median ns per call, median of the rounds' ratios, (fastest and slowest round)")
    for (figure in listOf(native, write, read, bare, floor, render, batch)) {
        println(
            "kotlin-bench: %-52s %10.1f ns  %5.1fx  (%.0f–%.0f ns)".format(
                figure.label, figure.median(), figure.ratioTo(native), figure.perRound.minOrNull(), figure.perRound.maxOrNull(),
            ),
        )
    }
    coldStarts(runs = 11)
}
