import Foundation
import Testing

/// GDAL tools for the export checks; a missing tool fails the test with the package to install.
private enum OGR {
    static func tool(_ name: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for dir in path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin"] {
            let u = URL(fileURLWithPath: dir).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: u.path) { return u }
        }
        return nil
    }

    static func run(_ name: String, _ args: [String]) throws -> (status: Int32, out: String)? {
        guard let exe = tool(name) else {
            Issue.record("\(name) not found: install GDAL (Debian package gdal-bin) — the export tests need it")
            return nil
        }
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("ogr-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: tmp.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: tmp) }
        let h = try FileHandle(forWritingTo: tmp)
        let p = Process()
        p.executableURL = exe
        p.arguments = args
        p.standardOutput = h
        p.standardError = h
        try p.run()
        p.waitUntilExit()
        try h.close()
        return (p.terminationStatus, String(decoding: try Data(contentsOf: tmp), as: UTF8.self))
    }

    static func count(_ file: String) throws -> Int? {
        guard let r = try run("ogrinfo", ["-ro", "-al", "-so", file]) else { return nil }
        #expect(r.status == 0, "ogrinfo cannot open \(file): \(r.out.prefix(300))")
        return r.out.split(separator: "\n").filter { $0.hasPrefix("Feature Count: ") }
            .compactMap { Int($0.dropFirst("Feature Count: ".count)) }.reduce(0, +)
    }
}

private func tempDir() throws -> URL {
    let u = FileManager.default.temporaryDirectory.appendingPathComponent("zoneplan-query-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
    return u
}

private func zp(_ args: [String]) throws -> CLI.Result {
    try CLI.run([args[0], "--quiet", "--geodata", CLI.geodata.path] + args.dropFirst())
}

@Suite("zoneplan where, query, suggest, stats, export")
struct QueryCommandTests {
    @Test("help texts name the arguments, options, formats and exit codes", arguments: [
        ("where", ["--crs", "gcj02", "EPSG:4549", "guidance", "Exit 0", "2 for bad"]),
        ("query", ["--bbox", "--geometry", "--layer", "--buffer", "--within", "--covers", "亩", "2 for bad input", "5 for an unknown layer"]),
        ("suggest", ["approve or conditional", "guidance", "distance", "quota", "no workspace", "--top", "Exit 0"]),
        ("stats", ["--by", "county", "platform", "zone", "40 km²", "150 km²", "160 km²", "350 km²", "000:492–540", "schematic"]),
        ("export", ["--all", "results", "--from", "geojsonseq", "RS (0x1E)", "baobu", "报部 TXT", ".qml", "terminal", "5 for an unknown layer"]),
    ])
    func help(command: String, words: [String]) throws {
        let r = try CLI.run([command, "--help"])
        #expect(r.status == 0)
        let flat = r.out.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "  +", with: " ", options: .regularExpression)
        for w in words { #expect(flat.contains(w), "\(command) --help lacks \(w)") }
    }

    @Test("top-level help lists the new subcommands")
    func topHelp() throws {
        let r = try CLI.run(["--help"])
        for c in ["where", "query", "suggest", "stats", "export"] { #expect(r.out.contains(c)) }
    }

    @Test("where: lists the county and platform, in text and JSON; GCJ-02 and EPSG:4549 input")
    func whereCommand() throws {
        let r = try zp(["where", "120.755", "30.745"])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("county-330402"))
        #expect(r.out.contains("rules here"))
        #expect(r.err.isEmpty)
        let j = try zp(["where", "--format", "json", "120.755", "30.745"])
        let json = try JSON.parse(j.stdout)
        #expect(json["in_jiaxing"] == .bool(true))
        #expect(json["features"]?.array?.contains { $0["id"]?.string == "county-330402" } == true)
        let g = try zp(["where", "--crs", "gcj02", "--format", "json", "120.76", "30.74"])
        #expect(g.status == 0)
        let gj = try JSON.parse(g.stdout)
        #expect(gj["input_crs"]?.string == "GCJ-02")
        #expect(abs((gj["lon"]?.number ?? 0) - 120.76) > 0.002, "converted from GCJ-02")
        let p = try zp(["where", "--crs", "EPSG:4549", "572000", "3400000"])
        #expect(p.status == 0, "\(p.err)")
    }

    @Test("bad input: one line on stderr, exit 2 (bad input) or 5 (unknown layer)", arguments: [
        (["where", "30.745", "120.755"], 2, "swapped"),
        (["where", "200", "30"], 2, "out of range"),
        (["where", "--crs", "EPSG:3857", "1", "2"], 2, "unknown CRS"),
        (["where", "abc", "30"], 2, "not a number"),
        (["query", "--bbox", "120.8,30.7,120.7,30.8"], 2, "west 120.8 > east 120.7"),
        (["query", "--bbox", "120.7,30.7,120.7,30.8"], 2, "empty"),
        (["query", "--bbox", "120.7,30.7"], 2, "needs 4 numbers"),
        (["query", "--bbox", "30.7,120.7,30.8,120.8"], 2, "swapped"),
        (["query", "--bbox", "120.7,30.7,120.8,30.8", "--layer", "parcels"], 5, "unknown layer 'parcels'"),
        (["export", "parcels", "-"], 5, "unknown layer 'parcels'"),
    ])
    func badInput(args: [String], code: Int32, words: String) throws {
        let r = try zp(args)
        #expect(r.status == code, "\(args): \(r.err)")
        #expect(r.errLines.count == 1, "one line: \(r.err)")
        #expect(r.err.hasPrefix("zoneplan: error: "))
        #expect(r.err.contains(words), "\(r.err)")
        #expect(r.out.isEmpty)
    }

    @Test("usage errors (validate) exit 64")
    func usage() throws {
        #expect(try zp(["query"]).status == 64)
        #expect(try zp(["query", "--bbox", "120.7,30.7,120.8,30.8", "--within", "--covers"]).status == 64)
        #expect(try zp(["export", "results", "x.geojson"]).status == 64)
        #expect(try zp(["export", "--all", "a", "b"]).status == 64)
    }

    @Test("query: JSON hits with overlap areas and shares; --geometry and --buffer")
    func query() throws {
        let r = try zp(["query", "--bbox", "120.70,30.70,120.80,30.78", "--layer", "platforms", "--format", "json"])
        #expect(r.status == 0, "\(r.err)")
        let j = try JSON.parse(r.stdout)
        let hits = try #require(j["hits"]?.array)
        #expect(!hits.isEmpty)
        #expect(hits.allSatisfy { $0["overlap_mu"]?.number != nil && $0["share_of_query"]?.number != nil })
        let g = try zp(["query", "--geometry", CLI.example("outside-platforms"), "--buffer", "500", "--covers"])
        #expect(g.status == 0, "\(g.err)")
        #expect(g.out.contains("county-330421"))
    }

    @Test("suggest: ranked platforms with the score's parts; says quota is not checked")
    func suggest() throws {
        let r = try zp(["suggest", CLI.example("outside-platforms"), "--top", "3"])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("quota not checked: no workspace"))
        #expect(r.out.contains("why 理由"))
        #expect(!r.err.contains("\r"), "no progress bar when stderr is not a terminal")
        let j = try JSON.parse(try zp(["suggest", CLI.example("prohibited-zone"), "--format", "json"]).stdout)
        #expect(j["proposed_verdict"]?.string == "reject")
        let c = try #require(j["candidates"]?.array)
        #expect(!c.isEmpty)
        #expect(c[0]["score"]?["distance_km"]?.number != nil)
        #expect(c[0]["score"]?["guidance_match"] != nil)
    }

    @Test("stats: tier totals against the 2015 targets, with the caveat")
    func stats() throws {
        let r = try zp(["stats"])
        #expect(r.status == 0)
        for w in ["国家级", "合计", "350", "000:508", "schematic"] { #expect(r.out.contains(w), "\(w)") }
        let c = try JSON.parse(try zp(["stats", "--by", "county", "--format", "json"]).stdout)
        #expect(c["rows"]?.array?.count == 7)
    }

    @Test("export: layers and all layers, GeoJSON and sequence, opened and counted by GDAL; RFC7946 round trip")
    func exportLayers() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let layers = ["admin", "layout", "platforms", "function_zones", "clusters", "land"]
        var total = 0
        for layer in layers {
            let out = dir.appendingPathComponent("\(layer).geojson").path
            let r = try zp(["export", layer, out])
            #expect(r.status == 0, "\(r.err)")
            let n = try JSON.parse(Data(contentsOf: CLI.geodata.appendingPathComponent("layers/\(layer).geojson")))["features"]?.array?.count ?? -1
            #expect(try OGR.count(out) == n, "\(layer)")
            total += n
        }
        let all = dir.appendingPathComponent("all.geojson").path, seq = dir.appendingPathComponent("all.geojsons").path
        #expect(try zp(["export", "--all", all, "--format", "geojson"]).status == 0)
        let s = try zp(["export", "--all", seq])  // format from the .geojsons extension
        #expect(s.status == 0)
        #expect(!s.err.contains("\r"), "no progress bar when stderr is not a terminal")
        #expect(try Data(contentsOf: URL(fileURLWithPath: seq)).first == 0x1E)
        #expect(try OGR.count(all) == total)
        #expect(try OGR.count(seq) == total)
        #expect(try OGR.count("GeoJSONSeq:" + seq) == total)
        let rfc = dir.appendingPathComponent("rfc.geojson").path
        guard let t = try OGR.run("ogr2ogr", ["-f", "GeoJSON", "-lco", "RFC7946=YES", rfc, all]) else { return }
        #expect(t.status == 0, "\(t.out)")
        let a = try JSON.parse(Data(contentsOf: URL(fileURLWithPath: all))), b = try JSON.parse(Data(contentsOf: URL(fileURLWithPath: rfc)))
        func flat(_ j: JSON?, _ out: inout [Double]) {
            guard let arr = j?.array else { return }
            if let x = arr.first?.number { out.append(x); if arr.count > 1, let y = arr[1].number { out.append(y) }; return }
            for e in arr { flat(e, &out) }
        }
        let fa = a["features"]?.array ?? [], fb = b["features"]?.array ?? []
        #expect(fa.count == fb.count)
        var worst = 0.0
        for (x, y) in zip(fa, fb) {
            var p: [Double] = [], q: [Double] = []
            flat(x["geometry"]?["coordinates"], &p); flat(y["geometry"]?["coordinates"], &q)
            #expect(p.count == q.count)
            for (u, v) in zip(p, q) { worst = max(worst, abs(u - v)) }
        }
        // Within one unit of the 7th decimal (GDAL's own formatting rounds 120.6999999 to 120.7).
        // GDAL's number formatting (OGRFormatDouble) rounds a run of nines or zeros: 120.6999999 is written
        // 120.7 and 120.3999991 is written 120.4, so a difference up to 1e-6° (11 cm) is GDAL's, not ours.
        #expect(worst <= 1.0000001e-6, "largest difference \(worst)")
        // Chinese names and provenance survive.
        let first = try #require(fa.first?["properties"])
        #expect(first["name"]?.string?.isEmpty == false)
        #expect(first["source"] != nil && first["accuracy_m"] != nil && first["layer"] != nil)
    }

    @Test("export results: vetted sites with verdict properties, a QGIS style beside them, GDAL reads both formats")
    func exportResults() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let names = ["jinko-solar-cells", "prohibited-zone", "outside-platforms", "missing-energy"]
        let out = dir.appendingPathComponent("results.geojson").path
        let r = try zp(["export", "results", out, "--from"] + names.map(CLI.example))
        #expect(r.status == 0, "\(r.err)")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("results.qml").path))
        let j = try JSON.parse(Data(contentsOf: URL(fileURLWithPath: out)))
        let fs = try #require(j["features"]?.array)
        #expect(fs.count == names.count)
        #expect(fs.allSatisfy { $0["properties"]?["verdict"]?.string != nil && $0["properties"]?["fail_rules"] != nil })
        #expect(try OGR.count(out) == names.count)
        let seq = dir.appendingPathComponent("results.geojsons").path
        #expect(try zp(["export", "results", seq, "--format", "geojsonseq", "--from"] + names.map(CLI.example)).status == 0)
        #expect(try OGR.count(seq) == names.count)
        // ogr2ogr can filter by verdict, as a GIS would.
        if let f = try OGR.run("ogrinfo", ["-ro", "-al", "-q", "-where", "verdict = 'reject'", out]) {
            #expect(f.out.contains("prohibited") || f.out.contains("禁止"), "\(f.out.prefix(300))")
        }
        // A bad application: reported on one line, exit 2, the others still exported.
        let bad = dir.appendingPathComponent("bad.geojson")
        try Data("{".utf8).write(to: bad)
        let b = try zp(["export", "results", out, "--from", CLI.example("jinko-solar-cells"), bad.path])
        #expect(b.status == 2)
        #expect(b.errLines.count == 1)
        #expect(try JSON.parse(Data(contentsOf: URL(fileURLWithPath: out)))["features"]?.array?.count == 1)
    }
}
