// swift-bench: the cost of a crossing from Swift (BENCHMARKS.md), side by side in
// one run: `render` through the package, a bare no-argument call, `renderBatch`
// per message, and the same rules written directly in Swift building the same
// complete outcome (the fair baseline).
//
// Each figure is the median over `rounds` rounds of the mean time per call in the
// round, after a warm-up round; the rounds interleave the figures, and each ratio
// is the median of the rounds' own ratios. Build with `-c release`.

import Foundation
import OfflinePush

let rounds = 11
let batch = 100

func message(_ i: Int) -> IncomingMessage {
    IncomingMessage(
        conversationType: .group,
        sender: MessageSender(userId: "alice", nickname: "Alice", nameCard: "Ally"),
        group: GroupInfo(groupId: "g7", name: "Weekend hike"),
        elements: [.text(text: "look at this \(i) "), .image],
        timestamp: 1_700_000_000 + Int64(i)
    )
}

/// The fair baseline: the same rules for this message shape (D1–D7 pass; T2, C1,
/// C2, C4, F1–F5, S1, B1, N1) written directly in Swift, building the same complete
/// outcome the package returns, every field of the notification included, so the
/// ratios measure the crossing and nothing else. Checked equal to the package's.
func nativeRender(_ m: IncomingMessage) -> RenderOutcome {
    func set(_ s: String?) -> String? { (s?.isEmpty ?? true) ? nil : s }
    let title = set(m.group?.name) ?? m.group?.groupId ?? ""
    let nickname = set(m.sender.nameCard) ?? set(m.sender.nickname)
    var content = (nickname ?? m.sender.userId) + ": "
    for element in m.elements {
        switch element {
        case .text(let text): content += text
        case .image: content += "[图片]"
        default: break
        }
    }
    return .show(notification: OfflinePushNotification(
        title: title, titleSource: .group, content: content, conversationId: m.group?.groupId ?? "",
        conversationType: m.conversationType, senderId: m.sender.userId, senderNickname: nickname,
        groupName: m.group?.name, ext: m.pushSettings?.ext, sound: .default, badge: true,
        notifyMode: .normal, badgeCount: nil
    ))
}

func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

/// Every result is added here, so the optimizer keeps the work.
var sink = 0

/// Mean nanoseconds per call over one round of `calls` calls; `body` returns a number to consume.
func timeRound(_ calls: Int, _ body: (Int) throws -> Int) rethrows -> Double {
    let start = now()
    for i in 0..<calls { sink &+= try body(i) }
    return Double(now() - start) / Double(calls)
}

/// One figure: its time in each round. Rounds interleave every figure, the
/// baseline included, so a burst of noise on this shared machine lands on all of
/// them at once; the ratio is the median of the rounds' own ratios.
final class Figure {
    let label: String
    var perRound: [Double] = []
    init(_ label: String) { self.label = label }
    var median: Double { perRound.sorted()[perRound.count / 2] }
    func ratio(to base: Figure) -> Double {
        zip(perRound, base.perRound).map { $0 / $1 }.sorted()[perRound.count / 2]
    }
}

func size(_ outcome: RenderOutcome) -> Int {
    switch outcome {
    case .show(let n): return n.title.utf8.count + n.content.utf8.count
    case .suppress: return 1
    }
}

// Cold start, in a fresh process each time: `cold load` makes the package's
// cheapest call (`selectVendor`, which loads and checks the library) and exits,
// the hello-world baseline; `cold render` also opens a manager, signs in and
// renders one message. Each child prints the nanoseconds from its start to there.
if CommandLine.arguments.count > 2 && CommandLine.arguments[1] == "cold" {
    let start = now()
    _ = selectVendor(device: DeviceFacts(platform: .ios, manufacturer: "Apple", brand: "Apple", hasGooglePlayServices: false))
    if CommandLine.arguments[2] == "render" {
        let manager = try OfflinePushManager(config: OfflinePushConfig(platform: .ios))
        try manager.login(userId: "bob")
        guard case .show = try manager.render(message: message(0)) else { fatalError("shown") }
    }
    print("cold-ns \(now() - start)")
    exit(0)
}

// `profile N`: only `render`, N times, for a profiler (BENCHMARKS.md says how).
if CommandLine.arguments.count > 2 && CommandLine.arguments[1] == "profile" {
    let manager = try OfflinePushManager(config: OfflinePushConfig(platform: .android))
    try manager.login(userId: "bob")
    let messages = (0..<batch).map(message)
    var sink = 0
    for i in 0..<(Int(CommandLine.arguments[2]) ?? 1_000_000) { sink &+= size(try manager.render(message: messages[i % batch])) }
    print("profiled \(sink)")
    exit(0)
}

/// Runs `runs` fresh processes of each kind, alternating; medians of wall and in-process time.
func coldStarts(runs: Int) throws {
    let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    var wall: [String: [UInt64]] = ["load": [], "render": []]
    var inside: [String: [UInt64]] = ["load": [], "render": []]
    for _ in 0..<runs {
        for what in ["load", "render"] {
            let child = Process()
            child.executableURL = me
            child.arguments = ["cold", what]
            let pipe = Pipe()
            child.standardOutput = pipe
            let started = now()
            try child.run()
            let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            child.waitUntilExit()
            wall[what]!.append(now() - started)
            guard child.terminationStatus == 0,
                  let ns = out.split(separator: "\n").first(where: { $0.hasPrefix("cold-ns ") }).flatMap({ UInt64($0.dropFirst(8)) })
            else { fatalError("cold \(what) failed: \(out)") }
            inside[what]!.append(ns)
        }
    }
    func median(_ xs: [UInt64]) -> Double { Double(xs.sorted()[xs.count / 2]) / 1e6 }
    let (wl, wr) = (median(wall["load"]!), median(wall["render"]!))
    let (il, ir) = (median(inside["load"]!), median(inside["render"]!))
    print("swift-bench: cold start, fresh processes, median of \(runs), ms: wall time / from start")
    print(String(format: "swift-bench: cold: loads the library (hello-world baseline)  %8.2f ms  1.00x  %8.3f ms  1.00x", wl, il))
    print(String(format: "swift-bench: cold: loads it and renders one message          %8.2f ms  %.2fx  %8.3f ms  %.2fx", wr, wr / wl, ir, ir / il))
}

let calls = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 20_000 : 20_000
let manager = try OfflinePushManager(config: OfflinePushConfig(platform: .android))
try manager.login(userId: "bob")
let messages = (0..<batch).map(message)

for m in messages where try manager.render(message: m) != nativeRender(m) {
    fatalError("the baseline must build what the package returns")
}
let native = Figure("native Swift, whole outcome (baseline)")
let bare = Figure("bare call isLoggedIn()")
let render = Figure("render(message)")
let renderBatch = Figure("renderBatch(100), per message")
// Round -1 warms every path up and is not counted.
for round in -1..<rounds {
    let times = [
        timeRound(calls * 10) { i in size(nativeRender(messages[i % batch])) },
        try timeRound(calls) { _ in try manager.isLoggedIn() ? 1 : 0 },
        try timeRound(calls) { i in size(try manager.render(message: messages[i % batch])) },
        try timeRound(max(calls / batch, 1)) { _ in
            try manager.renderBatch(messages: messages).reduce(0) { $0 + size($1) }
        } / Double(batch),
    ]
    if round >= 0 {
        for (figure, ns) in zip([native, bare, render, renderBatch], times) { figure.perRound.append(ns) }
    }
}
if sink == 42 { print("") }

print("swift-bench: calls per round: \(calls), rounds: \(rounds) interleaved; median ns per call, median of the rounds' ratios, (fastest and slowest round)")
for figure in [native, bare, render, renderBatch] {
    print("swift-bench: " + figure.label.padding(toLength: 40, withPad: " ", startingAt: 0)
        + String(format: "%10.1f ns  %5.1fx  (%.0f–%.0f ns)", figure.median, figure.ratio(to: native),
                 figure.perRound.min() ?? 0, figure.perRound.max() ?? 0))
}
try coldStarts(runs: 11)
