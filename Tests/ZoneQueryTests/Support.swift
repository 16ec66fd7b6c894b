import Foundation
import Testing
import ZoneGeometry
import ZonePlan
import ZoneVetting
@testable import ZoneQuery

enum Fixture {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let geodata = repoRoot.appendingPathComponent("GeoData")
    static let examples = geodata.appendingPathComponent("examples")

    /// The real GeoData, loaded once (PlanData is a Sendable value).
    static let plan: PlanData = try! VettingEngine.loadPlan(from: geodata)

    static func application(_ name: String, engine: VettingEngine) throws -> Application {
        let data = try Data(contentsOf: examples.appendingPathComponent(name + ".geojson"))
        let entries = try ApplicationFile.read(data, fileLabel: name, catalog: plan.industries, engine: engine.engine)
        return try entries[0].get()
    }

    static func tempDir() throws -> URL {
        let u = FileManager.default.temporaryDirectory.appendingPathComponent("zonequery-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
        return u
    }
}

/// GDAL command-line tools (Debian `gdal-bin`). A missing tool is a test failure, never a skip.
enum GDAL {
    static func tool(_ name: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin"] {
            let u = URL(fileURLWithPath: dir).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: u.path) { return u }
        }
        return nil
    }

    /// Runs a GDAL tool; records a clear failure (and returns nil) when it is not installed.
    static func run(_ name: String, _ args: [String]) throws -> (status: Int32, out: String)? {
        guard let exe = tool(name) else {
            Issue.record("\(name) not found: install GDAL (Debian package gdal-bin, `apt-get install gdal-bin`) — the export tests need it")
            return nil
        }
        let dir = try Fixture.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let outURL = dir.appendingPathComponent("out")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        let h = try FileHandle(forWritingTo: outURL)
        let p = Process()
        p.executableURL = exe
        p.arguments = args
        p.standardOutput = h
        p.standardError = h
        try p.run()
        p.waitUntilExit()
        try h.close()
        return (p.terminationStatus, String(decoding: try Data(contentsOf: outURL), as: UTF8.self))
    }

    /// `ogrinfo -ro -al -so FILE` → the feature count it reports (sum over layers).
    static func featureCount(_ file: String, driverPrefix: String = "") throws -> Int? {
        guard let r = try run("ogrinfo", ["-ro", "-al", "-so", driverPrefix + file]) else { return nil }
        #expect(r.status == 0, "ogrinfo cannot open \(file): \(r.out.prefix(400))")
        let counts = r.out.split(separator: "\n").compactMap { line -> Int? in
            guard line.hasPrefix("Feature Count: ") else { return nil }
            return Int(line.dropFirst("Feature Count: ".count))
        }
        return counts.isEmpty ? nil : counts.reduce(0, +)
    }

    /// The positions of every feature, in order, flattened (for coordinate-by-coordinate comparison).
    static func positions(_ data: Data) throws -> [[[Double]]] {
        let root = try JSONValue.parse(data)
        func flat(_ v: JSONValue, _ out: inout [[Double]]) {
            guard let a = v.arrayValue else { return }
            if let x = a.first?.doubleValue, a.count >= 2, let y = a[1].doubleValue { out.append([x, y]); return }
            for e in a { flat(e, &out) }
        }
        return (root["features"]?.arrayValue ?? []).map { f in
            var out: [[Double]] = []
            flat(f["geometry"]?["coordinates"] ?? .null, &out)
            return out
        }
    }
}
