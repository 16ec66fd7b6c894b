import Foundation
import Testing

/// A workspace in a temporary folder for command-line tests.
final class CLIWorkspace {
    let dir: URL
    var db: String { dir.appendingPathComponent("ws.sqlite").path }
    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("zp-cli-ws-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let r = try CLI.run(["init", "--db", db, "--geodata", CLI.geodata.path, "--official", "测试员", "--quiet"])
        precondition(r.status == 0, "init failed: \(r.err)")
    }
    deinit { try? FileManager.default.removeItem(at: dir) }

    func run(_ args: [String]) throws -> CLI.Result {
        try CLI.run(args + ["--db", db, "--quiet", ])
    }

    func file(_ name: String, _ data: Data) throws -> String {
        let url = dir.appendingPathComponent(name)
        try data.write(to: url)
        return url.path
    }
}

/// The example application's site area in 亩, as the CLI computes it.
func areaMu(_ example: String) throws -> Double {
    let r = try CLI.check(["--format", "json", CLI.example(example)])
    return try JSON.parse(r.stdout)["area_mu"]?.number ?? .nan
}

@Suite("workspace: init, import, ledger, quotas", .serialized)
struct WorkspaceCommandTests {
    @Test("init reports the layers; layers then come from the workspace and say so")
    func initAndLayers() throws {
        let ws = try CLIWorkspace()
        let r = try CLI.run(["layers", "--db", ws.db])
        #expect(r.status == 0)
        #expect(r.err.contains("using SpatiaLite workspace"))
        #expect(r.out.contains("function_zones"))
        let again = try CLI.run(["init", "--db", ws.db, "--geodata", CLI.geodata.path, "--quiet"])
        #expect(again.status == 6, "second init: \(again.err)")
    }

    @Test("importing an official functional-zone layer changes a verdict; replay reports it")
    func importChangesVerdict() throws {
        let ws = try CLIWorkspace()
        #expect(try ws.run(["quota", "set", "county:330402", "2026", "1000"]).status == 0)
        let first = try ws.run(["decide", CLI.example("jiaxipera-compressor"), "--year", "2026", "--note", "首次"])
        #expect(first.status == 0, "\(first.err)")
        #expect(first.err.contains("recorded as decision 1: approve"))

        // The bureau's official map: the site's surroundings are a protected water source.
        let site = try JSON.parse(Data(contentsOf: URL(fileURLWithPath: CLI.example("jiaxipera-compressor"))))
        let ring = site["geometry"]?["coordinates"]?.array?.first?.array ?? []
        let xs = ring.compactMap { $0.array?.first?.number }, ys = ring.compactMap { $0.array?.last?.number }
        let (w, s, e, n) = (xs.min()! - 0.01, ys.min()! - 0.01, xs.max()! + 0.01, ys.max()! + 0.01)
        let official = """
        {"type": "FeatureCollection", "features": [
          {"type": "Feature", "properties": {"BH": "JX-001", "MC": "官方禁止开发区", "LX": "禁止开发区"},
           "geometry": {"type": "Polygon", "coordinates": [[[\(w), \(s)], [\(e), \(s)], [\(e), \(n)], [\(w), \(n)], [\(w), \(s)]]]}}]}
        """
        let path = try ws.file("official_fz.geojson", Data(official.utf8))
        let imp = try ws.run(["import", "function_zones", path, "--id-field", "BH", "--name-field", "MC", "--category-field", "LX", "--accuracy", "2"])
        #expect(imp.status == 0, "\(imp.err)")
        #expect(imp.out.contains("previous versions kept in history: v1"))

        let check = try ws.run(["check", "--format", "json", CLI.example("jiaxipera-compressor")])
        let result = try JSON.parse(check.stdout)
        #expect(result["verdict"]?.string == "reject")
        let fz = (result["findings"]?.array ?? []).first { $0["rule"]?.string == "function-zone" && $0["check"]?.string == "prohibited" }
        #expect(fz?["zones"]?.array?.first?["id"]?.string == "JX-001")  // the --id-field value, kept exactly

        let replay = try ws.run(["ledger", "replay", "1"])
        #expect(replay.status == 0, "\(replay.err)")
        #expect(replay.out.contains("REPRODUCED"))
        #expect(replay.out.contains("verdict: approve → reject"))
        #expect(replay.out.contains("layer function_zones"))
    }

    @Test("a shapefile imports through SpatiaLite with its .prj CRS")
    func shapefileImport() throws {
        let ws = try CLIWorkspace()
        let gj = try ws.file("parks.geojson", Data("""
        {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "批准园区", "code": "P1"},
         "geometry": {"type": "Polygon", "coordinates": [[[120.70, 30.70], [120.72, 30.70], [120.72, 30.72], [120.70, 30.72], [120.70, 30.70]]]}}]}
        """.utf8))
        let shp = ws.dir.appendingPathComponent("parks.shp").path
        // The bureau's files are usually in CGCS2000 GK CM 120E.
        let conv = try CLI.runTool("ogr2ogr", ["-f", "ESRI Shapefile", "-t_srs", "EPSG:4549", "-lco", "ENCODING=UTF-8", shp, gj])
        #expect(conv.status == 0, "ogr2ogr: \(conv.err)")
        let imp = try ws.run(["import", "approved_parks", shp, "--kind", "platform", "--tier", "official", "--id-field", "code"])
        #expect(imp.status == 0, "\(imp.err)")
        let show = try ws.run(["show", "P1"])  // the --id-field value, kept exactly
        #expect(show.status == 0, "\(show.err)")
        #expect(show.out.contains("批准园区"))
        // 0.02° × 0.02° near 30.71N: about 1.91 km × 2.22 km ≈ 6,370 亩 (reprojected back from EPSG:4549).
        #expect(show.out.contains("official import"))
    }

    @Test("a damaged shapefile (truncated .shx) is refused whole: exit 2, nothing imported")
    func truncatedShapefileIsRefused() throws {
        let ws = try CLIWorkspace()
        let features = (0..<5).map { i in
            let x = 120.70 + Double(i) * 0.03
            return #"{"type":"Feature","properties":{"name":"园区\#(i)","code":"P\#(i)"},"geometry":{"type":"Polygon","coordinates":[[[\#(x),30.70],[\#(x + 0.02),30.70],[\#(x + 0.02),30.72],[\#(x),30.72],[\#(x),30.70]]]}}"#
        }
        let gj = try ws.file("five.geojson", Data((#"{"type":"FeatureCollection","features":["# + features.joined(separator: ",") + "]}").utf8))
        let shp = ws.dir.appendingPathComponent("five.shp").path
        let conv = try CLI.runTool("ogr2ogr", ["-f", "ESRI Shapefile", "-t_srs", "EPSG:4549", "-lco", "ENCODING=UTF-8", shp, gj])
        #expect(conv.status == 0, "ogr2ogr: \(conv.err)")
        let shx = ws.dir.appendingPathComponent("five.shx")
        let whole = try Data(contentsOf: shx)
        try whole.prefix(whole.count - 24).write(to: shx)  // the last three index records gone
        let imp = try ws.run(["import", "parks5", shp, "--kind", "platform", "--tier", "official", "--id-field", "code"])
        #expect(imp.status == 2, "\(imp.err)")
        #expect(imp.err.contains("five.shx") && imp.err.contains("truncated"), "\(imp.err)")
        #expect(imp.err.split(separator: "\n").filter { $0.contains("error") }.count == 1)
        let layers = try ws.run(["layers"])
        #expect(!layers.out.contains("parks5"))
        // A .dbf from another file (2 records for 5 shapes) is refused the same way.
        try whole.write(to: shx)
        let two = try ws.file("two.geojson", Data((#"{"type":"FeatureCollection","features":["# + features.prefix(2).joined(separator: ",") + "]}").utf8))
        let other = ws.dir.appendingPathComponent("two.shp").path
        #expect(try CLI.runTool("ogr2ogr", ["-f", "ESRI Shapefile", "-t_srs", "EPSG:4549", other, two]).status == 0)
        try FileManager.default.removeItem(at: ws.dir.appendingPathComponent("five.dbf"))
        try FileManager.default.copyItem(at: ws.dir.appendingPathComponent("two.dbf"), to: ws.dir.appendingPathComponent("five.dbf"))
        let mixed = try ws.run(["import", "parks5", shp, "--kind", "platform", "--tier", "official", "--id-field", "code"])
        #expect(mixed.status == 2 && mixed.err.contains("do not belong together"), "\(mixed.err)")
    }

    @Test("a 报部 TXT (GBK, CRLF, two parcels) imports as a parcels layer and exports back to the millimetre")
    func baobuImportExport() throws {
        let ws = try CLIWorkspace()
        let txt = CLI.repoRoot.appendingPathComponent("Tests/ZoneGeometryTests/Fixtures/baobu/two_parcels_gbk_crlf.txt").path
        let imp = try ws.run(["import", "parcels", txt])
        #expect(imp.status == 0, "\(imp.err)")
        #expect(imp.out.contains("layer parcels v1: 2 features"))
        #expect(imp.err.contains("declared"), "the 2 % area mismatch is reported: \(imp.err)")
        let out = ws.dir.appendingPathComponent("parcels.txt").path
        let exp = try ws.run(["export", "parcels", out, "--format", "baobu"])
        #expect(exp.status == 0, "\(exp.err)")
        // Re-import the export as another layer: same parcels, same coordinates to the millimetre.
        let again = try ws.run(["import", "parcels_again", out, "--kind", "parcel"])
        #expect(again.status == 0, "\(again.err)")
        func points(_ path: String) throws -> [[Double]] {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            return text.split(whereSeparator: \.isNewline).filter { $0.hasPrefix("J") }.map { line in
                line.split(separator: ",").suffix(2).compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            }
        }
        let second = ws.dir.appendingPathComponent("again.txt").path
        #expect(try ws.run(["export", "parcels_again", second, "--format", "baobu"]).status == 0)
        let a = try points(out), b = try points(second)
        #expect(a.count == b.count && !a.isEmpty)
        for (p, q) in zip(a, b) { #expect(abs(p[0] - q[0]) <= 0.001 && abs(p[1] - q[1]) <= 0.001, "\(p) vs \(q)") }
    }

    @Test("a bad import is refused whole and changes nothing")
    func badImport() throws {
        let ws = try CLIWorkspace()
        let before = try ws.run(["layers"]).out
        let bad = try ws.file("bad.geojson", Data("""
        {"type": "FeatureCollection", "features": [
         {"type": "Feature", "properties": {"name": "好", "category": "key"}, "geometry": {"type": "Polygon", "coordinates": [[[120.70, 30.70], [120.72, 30.70], [120.72, 30.72], [120.70, 30.70]]]}},
         {"type": "Feature", "properties": {"name": "坏", "category": "key"}, "geometry": {"type": "Polygon", "coordinates": [[[120.70, 30.70], [120.72, 30.72], [120.72, 30.70], [120.70, 30.72], [120.70, 30.70]]]}}]}
        """.utf8))
        let r = try ws.run(["import", "function_zones", bad])
        #expect(r.status == 2)
        #expect(r.errLines.count == 1, "\(r.errLines)")
        #expect(r.err.contains("function_zones-2") && r.err.contains("Self-intersection"), "\(r.err)")
        let empty = try ws.run(["import", "function_zones", try ws.file("empty.geojson", Data())])
        #expect(empty.status == 2 && empty.err.contains("empty"))
        let projected = try ws.file("gk.geojson", Data("""
        {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "x", "category": "key"}, "geometry": {"type": "Polygon", "coordinates": [[[512000, 3400000], [513000, 3400000], [513000, 3401000], [512000, 3400000]]]}}]}
        """.utf8))
        let crs = try ws.run(["import", "function_zones", projected])
        #expect(crs.status == 2 && crs.err.contains("wrong CRS"), "\(crs.err)")
        #expect(try ws.run(["layers"]).out == before)
    }

    @Test("two zoneplan processes racing for the last of a quota: exactly one draws it")
    func racingRecorders() throws {
        let ws = try CLIWorkspace()
        let area = try areaMu("jiaxipera-compressor")
        #expect(try ws.run(["quota", "set", "county:330402", "2026", String(area * 1.5)]).status == 0)
        let n = 4
        var procs: [(Process, URL)] = []
        for i in 0..<n {
            let errURL = ws.dir.appendingPathComponent("err\(i)")
            FileManager.default.createFile(atPath: errURL.path, contents: nil)
            let p = Process()
            p.executableURL = CLI.binary
            p.arguments = ["decide", CLI.example("jiaxipera-compressor"), "--year", "2026", "--db", ws.db, "--quiet", "--official", "官员\(i)"]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = try FileHandle(forWritingTo: errURL)
            procs.append((p, errURL))
        }
        for (p, _) in procs { try p.run() }
        for (p, _) in procs { p.waitUntilExit() }
        let errs = try procs.map { try String(contentsOf: $0.1, encoding: .utf8) }
        #expect(errs.filter { $0.contains(": approve;") }.count == 1, "\(errs)")
        #expect(errs.filter { $0.contains(": reject") }.count == n - 1, "\(errs)")
        let show = try ws.run(["quota", "show"])
        let balance = show.out.split(separator: "\n").first { $0.contains("county:330402") }?.split(separator: " ").last.flatMap { Double($0) }
        #expect(abs((balance ?? -1) - area * 0.5) < 0.01, "\(show.out)")
        #expect(try ws.run(["ledger", "verify"]).status == 0)
    }

    @Test("a recorder killed with SIGKILL at any moment leaves the workspace sound and keeps every reported decision")
    func killedWriters() throws {
        let ws = try CLIWorkspace()
        #expect(try ws.run(["quota", "set", "county:330402", "2026", "100000"]).status == 0)
        // Twenty applications in one file, so kills land before, during and between records.
        let one = try JSON.parse(Data(contentsOf: URL(fileURLWithPath: CLI.example("jiaxipera-compressor"))))
        var features: [String] = []
        for i in 0..<20 {
            guard case .object(var f) = one, case .object(var p)? = f["properties"] else { Issue.record("example shape"); return }
            p["name"] = .string("压力测试 \(i)")
            f["properties"] = .object(p)
            features.append(JSON.object(f).description)
        }
        let batch = try ws.file("batch.geojson", Data("{\"type\": \"FeatureCollection\", \"features\": [\(features.joined(separator: ","))]}".utf8))
        // One uninterrupted run tells how long a run takes on this machine (loaded or not), so the
        // kills can be spread over the whole run.
        let t0 = Date()
        let full = try ws.run(["decide", batch, "--year", "2026", "--format", "json"])
        let runTime = Date().timeIntervalSince(t0)
        #expect(full.err.components(separatedBy: "recorded as decision").count - 1 == 20, "\(full.err)")
        var reported = Set<Int>()
        var rng = SystemRandomNumberGenerator()
        for round in 0..<12 {
            let errURL = ws.dir.appendingPathComponent("kill\(round)")
            FileManager.default.createFile(atPath: errURL.path, contents: nil)
            let p = Process()
            p.executableURL = CLI.binary
            p.arguments = ["decide", batch, "--year", "2026", "--db", ws.db, "--quiet", "--format", "json"]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = try FileHandle(forWritingTo: errURL)
            try p.run()
            // Kill either at a random moment, or right after the k-th decision was reported (plus a
            // few milliseconds of jitter, so the kill also lands inside the next transaction).
            if round % 3 == 0 {
                usleep(UInt32(runTime * 1_000_000 * Double.random(in: 0.05...0.95, using: &rng)))
            } else {
                let k = Int.random(in: 1...19, using: &rng)
                let deadline = Date().addingTimeInterval(runTime * 3 + 5)
                while Date() < deadline, p.isRunning {
                    let seen = ((try? String(contentsOf: errURL, encoding: .utf8)) ?? "").components(separatedBy: "recorded as decision").count - 1
                    if seen >= k { break }
                    usleep(2_000)
                }
                usleep(UInt32.random(in: 0...8_000, using: &rng))
            }
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            let err = try String(contentsOf: errURL, encoding: .utf8)
            for line in err.split(separator: "\n") {
                if let r = line.range(of: "recorded as decision ") {
                    let digits = line[r.upperBound...].prefix { $0.isNumber }
                    if let id = Int(digits) { reported.insert(id) }
                }
            }
        }
        let verify = try ws.run(["ledger", "verify"])
        #expect(verify.status == 0, "\(verify.out) \(verify.err)")
        #expect(verify.out.hasPrefix("ok: integrity check passed"))
        let list = try ws.run(["ledger", "list"]).out
        let present = Set(list.split(separator: "\n").dropFirst(2).compactMap { Int($0.split(separator: " ").first ?? "") })
        #expect(reported.isSubset(of: present), "lost: \(reported.subtracting(present).sorted())")
        #expect(!reported.isEmpty, "no kill landed after a record; widen the delays")
    }

    @Test("a decision is superseded at most once: a second revision is refused, exit 6, and nothing is drawn")
    func supersedeOnce() throws {
        let ws = try CLIWorkspace()
        #expect(try ws.run(["quota", "set", "county:330402", "2026", "300"]).status == 0)
        let app = CLI.example("jiaxipera-compressor")
        #expect(try ws.run(["decide", app, "--year", "2026"]).status == 0)
        let revision = try ws.run(["decide", app, "--year", "2026", "--supersedes", "1"])
        #expect(revision.status == 0 && revision.err.contains("recorded as decision 2: approve"), "\(revision.err)")
        for _ in 0..<2 {
            let again = try ws.run(["decide", app, "--year", "2026", "--supersedes", "1"])
            #expect(again.status == 6, "\(again.err)")
            #expect(again.err.contains("decision 1 was already superseded by decision 2"), "\(again.err)")
        }
        let show = try ws.run(["quota", "show"])
        let balance = show.out.split(separator: "\n").first { $0.contains("county:330402") }?.split(separator: " ").last.flatMap { Double($0) }
        #expect(abs((balance ?? -1) - (300 - (try areaMu("jiaxipera-compressor")))) < 0.01, "\(show.out)")
        let verify = try ws.run(["ledger", "verify"])
        #expect(verify.status == 0 && verify.out.hasPrefix("ok:"), "\(verify.out)")
    }

    @Test("ledger export --id N --raw gives back the application byte for byte (GeoJSON, 报部 TXT and its sidecar)")
    func rawExport() throws {
        let ws = try CLIWorkspace()
        let fixture = CLI.repoRoot.appendingPathComponent("Tests/ZoneGeometryTests/Fixtures/baobu")
        let txt = ws.dir.appendingPathComponent("site.txt")
        try FileManager.default.copyItem(at: fixture.appendingPathComponent("two_parcels_gbk_crlf.txt"), to: txt)
        let sidecar = Data(#"{"name": "报部地块项目", "industry": "C3976", "investment_wan": 90000, "output_wan": 150000, "value_added_wan": 30000, "energy_tce": 900}"#.utf8)
        try sidecar.write(to: ws.dir.appendingPathComponent("site.json"))
        // Unusual spacing: a re-serialisation would not give these bytes back.
        let original = try Data(contentsOf: URL(fileURLWithPath: CLI.example("jiaxipera-compressor")))
        let geojson = try ws.file("app.geojson", Data("  \n".utf8) + original + Data("\n\n".utf8))
        let geoRun = try ws.run(["decide", geojson, "--year", "2026"])  // exit 1: no quota account, incomplete
        #expect(geoRun.err.contains("recorded as decision 1"), "\(geoRun.err)")
        let txtRun = try ws.run(["decide", txt.path, "--year", "2026"])
        #expect(txtRun.err.contains("recorded as decision 2"), "\(txtRun.err)")
        for (id, expected, flag) in [(1, try Data(contentsOf: URL(fileURLWithPath: geojson)), "--raw"),
                                     (2, try Data(contentsOf: txt), "--raw"), (2, sidecar, "--sidecar")] {
            let out = ws.dir.appendingPathComponent("raw-\(id)\(flag)").path
            let r = try ws.run(["ledger", "export", "--id", "\(id)", flag, out])
            #expect(r.status == 0, "\(r.err)")
            let bytes = try Data(contentsOf: URL(fileURLWithPath: out))
            #expect(bytes == expected, "decision \(id) \(flag)")
            if flag == "--raw" {
                let show = try ws.run(["ledger", "show", "\(id)"])
                let sum = try CLI.runTool("sha256sum", [out]).out.split(separator: " ").first.map(String.init) ?? "?"
                #expect(show.out.contains("input sha256 \(sum)"), "\(show.out)")
            }
        }
        // To standard output, as `--id N --raw > file`.
        let stdout = try ws.run(["ledger", "export", "--id", "2", "--raw"])
        #expect(stdout.stdout == (try Data(contentsOf: txt)))
        #expect(try ws.run(["ledger", "export", "--id", "1", "--sidecar"]).status != 0)
        #expect(try ws.run(["ledger", "export", "--raw"]).status == 64)
    }

    @Test("ledger export writes GeoJSON GDAL reads; quota history shows entries")
    func exportAndHistory() throws {
        let ws = try CLIWorkspace()
        #expect(try ws.run(["quota", "set", "330402", "2026", "500"]).status == 0)
        _ = try ws.run(["decide", CLI.example("jiaxipera-compressor"), "--year", "2026"])
        _ = try ws.run(["decide", CLI.example("outside-jiaxing"), "--year", "2026"])
        let out = ws.dir.appendingPathComponent("ledger.geojson").path
        #expect(try ws.run(["ledger", "export", out, "--format", "geojson"]).status == 0)
        let info = try CLI.runTool("ogrinfo", ["-ro", "-so", "-al", out])
        #expect(info.status == 0 && info.out.contains("Feature Count: 2"), "\(info.out) \(info.err)")
        let hist = try ws.run(["quota", "history", "county:330402", "2026"])
        #expect(hist.out.contains("allocate") && hist.out.contains("draw") && hist.out.contains("#1"))
        let ret = try ws.run(["quota", "return", "county:330402", "2026", "10", "--decision", "1", "--note", "腾笼换鸟 收回"])
        #expect(ret.status == 0, "\(ret.err)")
        #expect(try ws.run(["quota", "return", "county:330402", "2026", "-3", "--note", "x"]).status == 64)
    }
}

extension CLI {
    /// Runs another tool (GDAL's ogrinfo/ogr2ogr) from PATH.
    static func runTool(_ tool: String, _ args: [String]) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [tool] + args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: o, stderr: e)
    }
}

@Suite("check with a 报部 TXT site")
struct BaobuSiteTests {
    let fixture = CLI.repoRoot.appendingPathComponent("Tests/ZoneGeometryTests/Fixtures/baobu")

    @Test("attributes from a sidecar JSON, overridden by options; the TXT's declared area is compared")
    func sidecarAndOptions() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("zp-baobu-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let txt = dir.appendingPathComponent("site.txt")
        try FileManager.default.copyItem(at: fixture.appendingPathComponent("two_parcels_gbk_crlf.txt"), to: txt)
        try Data(#"{"name": "报部地块项目", "industry": "C3976", "investment_wan": 90000, "output_wan": 150000, "value_added_wan": 30000, "energy_tce": 900}"#.utf8)
            .write(to: dir.appendingPathComponent("site.json"))
        let r = try CLI.check(["--format", "json", txt.path])
        #expect(r.status == 0 || r.status == 1, "\(r.err)")
        let result = try JSON.parse(r.stdout)
        #expect(result["name"]?.string == "报部地块项目")
        #expect(result["application"]?["site_source"]?.string?.contains("报部 TXT") == true)
        // Both parcels make the site; the second declares 2 % too much, so the declared total is off.
        let declared = (result["findings"]?.array ?? []).first { $0["rule"]?.string == "declared-area" }
        #expect(declared?["outcome"]?.string == "pass" || declared?["outcome"]?.string == "warn")
        #expect((result["area_mu"]?.number ?? 0) > 1)
        let overridden = try CLI.check(["--format", "json", "--industry", "C1713", txt.path])
        #expect(try JSON.parse(overridden.stdout)["industry"]?.string == "C1713")
    }

    @Test("a bad TXT or missing figures: one line naming the line or field, exit 2")
    func badTXT() throws {
        let swapped = try CLI.check(["--name", "x", "--industry", "C39", fixture.appendingPathComponent("bad_swapped.txt").path])
        #expect(swapped.status == 2 && swapped.errLines.count == 1 && swapped.err.contains("line 14"), "\(swapped.err)")
        let noName = try CLI.check([fixture.appendingPathComponent("one_parcel_utf8_lf.txt").path])
        #expect(noName.status == 2 && noName.err.contains("properties.name"), "\(noName.err)")
    }
}
