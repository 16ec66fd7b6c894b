import Foundation
import Testing

/// The service's group commit under SIGKILL: every decision answered 201 is in the ledger, and
/// the ledger verifies (scripts/crashtest_server.sh; `make crashtest` runs it for 20 rounds).
@Suite("server killed while recording")
struct ServerCrashTests {
    @Test("a server killed with SIGKILL while 8 clients record keeps every decision it answered")
    func killedServerKeepsAnsweredDecisions() throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = [CLI.repoRoot.appendingPathComponent("scripts/crashtest_server.sh").path,
                       "--rounds", "2", "--bin", CLI.binary.path]
        p.currentDirectoryURL = CLI.repoRoot
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let e = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "\(o)\n\(e)")
        #expect(o.contains("0 rounds with a problem"), "\(o)")
        // The kills must land while decisions were being answered, or the test proved nothing.
        let answered = o.split(separator: ",").first { $0.contains("answered 201") }
            .flatMap { Int($0.trimmingCharacters(in: .whitespaces).split(separator: " ")[0]) } ?? 0
        #expect(answered > 0, "\(o)")
    }
}
