import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Hummingbird
import HummingbirdTesting
import Testing
import ZoneGeometry
import ZonePlan
import ZoneService
import ZoneStore
import ZoneVetting
@testable import ZoneServer

let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let geoData = repoRoot.appendingPathComponent("GeoData")
let examples = geoData.appendingPathComponent("examples")
let plan: PlanData = try! VettingEngine.loadPlan(from: geoData)
let testToken = "test-token-0123456789abcdef"

func fixture(_ name: String) throws -> Data {
    let url = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil)).appendingPathComponent(name)
    return try Data(contentsOf: url)
}

func example(_ name: String) throws -> Data { try Data(contentsOf: examples.appendingPathComponent(name)) }

func config(workspace: String? = nil, token: String? = nil, maxBody: Int = 2 * 1024 * 1024) -> ServerConfiguration {
    var c = ServerConfiguration(plan: plan, host: "127.0.0.1", port: 0, workspace: workspace, token: token, maxBodyBytes: maxBody,
                                examplesDirectory: examples, engineCount: 4, logLevel: .warning)
    // The test client keeps one connection and does not reconnect; GDAL or Chromium may keep it
    // idle for long on a loaded machine. The deadlines themselves are tested in HardeningTests.
    c.limits = ConnectionLimits(headSeconds: 300, bodySeconds: 300, idleSeconds: 300, maxConnections: 256)
    return c
}

/// What `zoneplan check --format json` prints for one application (plus the newline).
func expectedJSON(_ data: Data) throws -> String {
    let engine = try VettingEngine(plan: plan)
    let apps = try ApplicationFile.read(data, fileLabel: "request", catalog: plan.industries, engine: engine.engine).map { try $0.get() }
    return String(decoding: try Report.json(try apps.map { try engine.vet($0) }), as: UTF8.self) + "\n"
}

extension TestResponse {
    var text: String { String(buffer: body) }
    var json: JSONValue { (try? JSONValue.parse(Data(buffer: body))) ?? .null }
}

/// A fresh SpatiaLite workspace initialised from the bundled GeoData, with one quota account.
final class TempWorkspace: @unchecked Sendable {
    let dir: URL
    let location: String
    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("zp-srv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        location = dir.appendingPathComponent("ws.sqlite").path
        let ws = Workspace(store: try WorkspaceLocator.open(location, create: true))
        try ws.initialize(from: plan, official: "测试员")
    }
    deinit { try? FileManager.default.removeItem(at: dir) }
}

/// Runs a program; waits without blocking a Swift-concurrency thread.
@discardableResult
func run(_ tool: String, _ args: [String], timeout: Double = 120) async throws -> (status: Int32, out: String, err: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: tool)
    p.arguments = args
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    let outData = DataBox(), errData = DataBox()
    out.fileHandleForReading.readabilityHandler = { h in outData.append(h.availableData) }
    err.fileHandleForReading.readabilityHandler = { h in errData.append(h.availableData) }
    let status: Int32 = try await withCheckedThrowingContinuation { c in
        p.terminationHandler = { c.resume(returning: $0.terminationStatus) }
        do { try p.run() } catch { p.terminationHandler = nil; c.resume(throwing: error); return }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { if p.isRunning { p.terminate() } }
    }
    out.fileHandleForReading.readabilityHandler = nil
    err.fileHandleForReading.readabilityHandler = nil
    outData.append(out.fileHandleForReading.readDataToEndOfFile())
    errData.append(err.fileHandleForReading.readDataToEndOfFile())
    return (status, String(decoding: outData.data, as: UTF8.self), String(decoding: errData.data, as: UTF8.self))
}

final class DataBox: @unchecked Sendable {
    private let lock = NSLock()
    private var _data = Data()
    func append(_ d: Data) { lock.lock(); _data.append(d); lock.unlock() }
    var data: Data { lock.lock(); defer { lock.unlock() }; return _data }
}

/// One HTTP request with URLSession (for concurrent load against a live server).
func http(_ url: String, method: String = "GET", body: Data? = nil, type: String? = nil) async throws -> (Int, Data) {
    var r = URLRequest(url: URL(string: url)!)
    r.httpMethod = method
    r.httpBody = body
    if let type { r.setValue(type, forHTTPHeaderField: "Content-Type") }
    r.timeoutInterval = 60
    let (d, resp) = try await URLSession.shared.data(for: r)
    return ((resp as? HTTPURLResponse)?.statusCode ?? 0, d)
}

func rssKB() -> Int {
    let s = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    for line in s.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    }
    return 0
}

/// A free loopback port (bind to port 0, read it back, close).
func freePort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = 0
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
    _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
    return Int(UInt16(bigEndian: addr.sin_port))
}
