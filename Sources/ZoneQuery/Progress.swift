import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reports the progress of a long job (an export, a batch of vettings).
public protocol ProgressReporter: AnyObject {
    func start(total: Int, label: String)
    func advance()
    func finish()
}

/// A one-line progress bar on standard error, redrawn in place with `\r`. It draws only when
/// `enabled` — by default when standard error is a terminal (`isatty(2)`), so logs and pipes
/// stay clean.
public final class TerminalProgress: ProgressReporter {
    public let enabled: Bool
    private let write: (String) -> Void
    private var total = 0
    private var done = 0
    private var label = ""
    private var lastDrawn = -1
    private let width = 30

    public static var stderrIsTerminal: Bool { isatty(2) != 0 }

    public init(enabled: Bool = TerminalProgress.stderrIsTerminal,
                write: @escaping (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.enabled = enabled
        self.write = write
    }

    public func start(total: Int, label: String) {
        self.total = max(total, 0); self.label = label; done = 0; lastDrawn = -1
        draw()
    }

    public func advance() {
        done += 1
        draw()
    }

    public func finish() {
        guard enabled, total > 0 else { return }
        done = total
        draw(force: true)
        write("\n")
    }

    /// The bar text for `done` of `total`, e.g. `export [#########.....]  30% 12/40`.
    public static func bar(label: String, done: Int, total: Int, width: Int = 30) -> String {
        let frac = total > 0 ? min(1, Double(done) / Double(total)) : 1
        let filled = Int((frac * Double(width)).rounded(.down))
        let pct = String(format: "%3d%%", Int((frac * 100).rounded(.down)))
        return "\(label) [" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] \(pct) \(done)/\(total)"
    }

    private func draw(force: Bool = false) {
        guard enabled, total > 0 else { return }
        let percent = Int(Double(min(done, total)) / Double(total) * 100)
        guard force || percent != lastDrawn else { return }
        lastDrawn = percent
        write("\r" + Self.bar(label: label, done: min(done, total), total: total, width: width))
    }
}
