import Foundation
import Testing

/// Helpers for running the built `zoneplan` binary as a subprocess.
enum CLI {
    /// The repository root: Tests/CLITests/Support.swift → three levels up.
    static let repoRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let geodata: URL = repoRoot.appendingPathComponent("GeoData")
    static let examples: URL = geodata.appendingPathComponent("examples")
    static let badExamples: URL = examples.appendingPathComponent("bad")

    /// The `zoneplan` executable built with the tests: next to the test resource bundle (SwiftPM puts
    /// products and bundles in the same build directory), else `$ZONEPLAN`, else `.build/debug/zoneplan`.
    static let binary: URL = {
        var candidates: [URL] = []
        if let env = ProcessInfo.processInfo.environment["ZONEPLAN"], !env.isEmpty {
            candidates.append(URL(fileURLWithPath: env))
        }
        candidates.append(Bundle.module.bundleURL.deletingLastPathComponent().appendingPathComponent("zoneplan"))
        #if os(macOS)
        // Test bundles on macOS may sit inside an .xctest; walk up to the build directory.
        var dir = Bundle.module.bundleURL
        for _ in 0..<4 {
            dir = dir.deletingLastPathComponent()
            candidates.append(dir.appendingPathComponent("zoneplan"))
        }
        #endif
        candidates.append(repoRoot.appendingPathComponent(".build/debug/zoneplan"))
        for c in candidates where FileManager.default.isExecutableFile(atPath: c.path) { return c }
        return candidates[candidates.count - 1]
    }()

    /// Golden outputs (copied into the test bundle; the source tree is the fallback).
    static let goldenDir: URL = {
        if let r = Bundle.module.resourceURL?.appendingPathComponent("Fixtures/golden"),
           FileManager.default.fileExists(atPath: r.path) { return r }
        return repoRoot.appendingPathComponent("Tests/CLITests/Fixtures/golden")
    }()

    struct Result {
        var status: Int32
        var stdout: Data
        var stderr: Data
        var out: String { String(decoding: stdout, as: UTF8.self) }
        var err: String { String(decoding: stderr, as: UTF8.self) }
        /// Non-empty stderr lines.
        var errLines: [String] { err.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) }
    }

    /// Runs `zoneplan args…`; stdin from `stdin` (or empty). Output goes to temporary files, so large
    /// outputs cannot dead-lock on a full pipe.
    static func run(_ args: [String], stdin: Data? = nil, environment extra: [String: String] = [:]) throws -> Result {
        let fm = FileManager.default
        let tmp = fm.temporaryDirectory.appendingPathComponent("zoneplan-clitest-\(UUID().uuidString)")
        try fm.createDirectory(at: tmp, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: tmp) }
        let outURL = tmp.appendingPathComponent("stdout"), errURL = tmp.appendingPathComponent("stderr"),
            inURL = tmp.appendingPathComponent("stdin")
        fm.createFile(atPath: outURL.path, contents: nil)
        fm.createFile(atPath: errURL.path, contents: nil)
        fm.createFile(atPath: inURL.path, contents: stdin ?? Data())
        let outH = try FileHandle(forWritingTo: outURL), errH = try FileHandle(forWritingTo: errURL),
            inH = try FileHandle(forReadingFrom: inURL)
        let p = Process()
        p.executableURL = binary
        p.arguments = args
        p.standardOutput = outH
        p.standardError = errH
        p.standardInput = inH
        p.currentDirectoryURL = repoRoot
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "ZONEPLAN_GEODATA")
        // Never pick up a workspace of the machine's user: tests name theirs with --db.
        env.removeValue(forKey: "ZONEPLAN_DB")
        env["XDG_DATA_HOME"] = tmp.path
        env.merge(extra) { _, new in new }
        p.environment = env
        try p.run()
        p.waitUntilExit()
        try outH.close(); try errH.close(); try inH.close()
        return Result(status: p.terminationStatus, stdout: try Data(contentsOf: outURL), stderr: try Data(contentsOf: errURL))
    }

    /// `zoneplan check --quiet --geodata <repo>/GeoData …`
    static func check(_ args: [String], geodata: URL = CLI.geodata, stdin: Data? = nil) throws -> Result {
        try run(["check", "--quiet", "--geodata", geodata.path] + args, stdin: stdin)
    }

    static func example(_ name: String) -> String { examples.appendingPathComponent(name + ".geojson").path }
    static func bad(_ name: String) -> String { badExamples.appendingPathComponent(name + ".geojson").path }
}

/// JSON as a comparable value (key order and number spelling do not matter).
enum JSON: Equatable, Decodable, CustomStringConvertible {
    case null, bool(Bool), number(Double), string(String), array([JSON]), object([String: JSON])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let d = try? c.decode(Double.self) { self = .number(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSON].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSON].self)) }
    }

    static func parse(_ d: Data) throws -> JSON { try JSONDecoder().decode(JSON.self, from: d) }

    subscript(key: String) -> JSON? { if case .object(let o) = self { return o[key] } else { return nil } }
    var string: String? { if case .string(let s) = self { return s } else { return nil } }
    var number: Double? { if case .number(let d) = self { return d } else { return nil } }
    var array: [JSON]? { if case .array(let a) = self { return a } else { return nil } }
    var object: [String: JSON]? { if case .object(let o) = self { return o } else { return nil } }

    var description: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return "\(b)"
        case .number(let d): return "\(d)"
        case .string(let s): return "\"\(s)\""
        case .array(let a): return "[" + a.map(\.description).joined(separator: ",") + "]"
        case .object(let o): return "{" + o.keys.sorted().map { "\"\($0)\":\(o[$0]!)" }.joined(separator: ",") + "}"
        }
    }

    /// Paths where two values differ (first few), for readable failures.
    static func differences(_ a: JSON, _ b: JSON, path: String = "$", limit: Int = 5) -> [String] {
        var out: [String] = []
        func walk(_ a: JSON, _ b: JSON, _ p: String) {
            guard out.count < limit else { return }
            switch (a, b) {
            case (.object(let x), .object(let y)):
                for k in Set(x.keys).union(y.keys).sorted() {
                    guard let u = x[k], let v = y[k] else { out.append("\(p).\(k): present in only one"); continue }
                    walk(u, v, "\(p).\(k)")
                }
            case (.array(let x), .array(let y)):
                if x.count != y.count { out.append("\(p): \(x.count) vs \(y.count) items"); return }
                for (i, (u, v)) in zip(x, y).enumerated() { walk(u, v, "\(p)[\(i)]") }
            default:
                if a != b { out.append("\(p): \(String(describing: a).prefix(120)) vs \(String(describing: b).prefix(120))") }
            }
        }
        walk(a, b, path)
        return out
    }
}
