import Foundation
import Testing

/// A broken copy of GeoData: exit 3 and one line naming the file, the feature or rule, and the field.
struct BrokenGeoData: CustomTestStringConvertible, Sendable {
    var label: String
    var file: String
    var mentions: [String]
    var breakIt: @Sendable (URL) throws -> Void
    var testDescription: String { label }
}

func replaceOnce(_ url: URL, _ old: String, _ new: String) throws {
    let s = try String(contentsOf: url, encoding: .utf8)
    guard let r = s.range(of: old) else { throw CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: "\(url.path): no '\(old)'"]) }
    try s.replacingCharacters(in: r, with: new).write(to: url, atomically: true, encoding: .utf8)
}

let brokenGeoData: [BrokenGeoData] = [
    .init(label: "a platform without source", file: "layers/platforms.geojson",
          mentions: ["platforms.geojson", "platform-prov-xzip", "source"]) { root in
        let url = root.appendingPathComponent("layers/platforms.geojson")
        var obj = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        var features = obj["features"] as! [[String: Any]]
        let i = features.firstIndex { ($0["id"] as? String) == "platform-prov-xzip" }!
        var props = features[i]["properties"] as! [String: Any]
        props.removeValue(forKey: "source")
        features[i]["properties"] = props
        obj["features"] = features
        try JSONSerialization.data(withJSONObject: obj).write(to: url)
    },
    .init(label: "a rule parameter in 元/亩", file: "rulepack.yaml",
          mentions: ["rulepack.yaml", "land-intensity", "investment_min", "元/亩"]) { root in
        try replaceOnce(root.appendingPathComponent("rulepack.yaml"),
                        "investment_min: {value: 200, unit: 万元/亩}", "investment_min: {value: 200, unit: 元/亩}")
    },
    .init(label: "an unknown industry code in a term", file: "industries.yaml",
          mentions: ["industries.yaml", "传感器", "codes", "C9999"]) { root in
        try replaceOnce(root.appendingPathComponent("industries.yaml"),
                        "codes: [C3983]\n  source: seed 001:273", "codes: [C3983, C9999]\n  source: seed 001:273")
    },
]

@Suite("broken GeoData: exit 3")
struct GeoDataTests {
    static func copyGeoData() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("zoneplan-geodata-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let copy = dir.appendingPathComponent("GeoData")
        try FileManager.default.copyItem(at: CLI.geodata, to: copy)
        return copy
    }

    @Test("the unbroken copy loads (the breakage, not the copy, causes exit 3)")
    func intactCopy() throws {
        let root = try Self.copyGeoData()
        defer { try? FileManager.default.removeItem(at: root.deletingLastPathComponent()) }
        let r = try CLI.check(["--format", "json", CLI.example("jiaxipera-compressor")], geodata: root)
        #expect(r.status == 0, "\(r.err)")
    }

    @Test("exit 3 with one line naming file, feature/rule and field", arguments: brokenGeoData)
    func broken(_ b: BrokenGeoData) throws {
        let root = try Self.copyGeoData()
        defer { try? FileManager.default.removeItem(at: root.deletingLastPathComponent()) }
        try b.breakIt(root)
        for args in [["check", "--quiet", "--geodata", root.path, "--format", "json", CLI.example("jiaxipera-compressor")],
                     ["layers", "--quiet", "--geodata", root.path]] {
            let r = try CLI.run(args)
            #expect(r.status == 3, "\(args[0]): exit \(r.status)")
            #expect(r.stdout.isEmpty)
            #expect(r.errLines.count == 1, "\(r.errLines)")
            let line = r.errLines.first ?? ""
            #expect(line.hasPrefix("zoneplan: error: "))
            for m in b.mentions { #expect(line.contains(m), "\(args[0]): \(line)") }
        }
    }

    @Test("a folder that is not GeoData: exit 3")
    func notGeoData() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("zoneplan-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.check(["--format", "json", CLI.example("jiaxipera-compressor")], geodata: dir)
        #expect(r.status == 3)
        #expect(r.errLines.count == 1)
    }
}
