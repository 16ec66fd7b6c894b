import Foundation
import Testing
import ZoneGeometry
import ZonePlan
import ZoneVetting
@testable import ZoneQuery
#if canImport(FoundationXML)
import FoundationXML
#endif

@Suite("exports: GeoJSON, GeoJSON Text Sequences, results, QGIS style")
struct ExportTests {
    let plan = Fixture.plan

    @Test("layer features keep every property (Chinese names, provenance) and add layer and area_mu")
    func layerFeatures() throws {
        let fs = try LayerExport.features(plan: plan, layers: ["platforms"])
        #expect(fs.count == plan.layer(named: "platforms")!.features.count)
        let f = try #require(fs.first { $0.id == .string("platform-nat-jxetdz") })
        #expect(f.properties["name"] == .string("嘉兴经济技术开发区"))
        for key in ["source", "geometry_method", "schematic", "accuracy_m", "tier"] { #expect(f.properties[key] != nil, "\(key)") }
        #expect(f.properties["layer"] == .string("platforms"))
        #expect((f.properties["area_mu"]?.doubleValue ?? 0) > 0)
        #expect(throws: QueryError.notFound("unknown layer 'nope' (layers: admin, layout, platforms, function_zones, clusters, land)")) {
            try LayerExport.features(plan: plan, layers: ["nope"])
        }
    }

    @Test("GeoJSON: RFC 7946 — CCW outer rings, CW holes, ≤ 7 decimals, bbox, no crs, same count")
    func geojson() throws {
        let fs = try LayerExport.features(plan: plan)
        let data = try GeoJSONWriter.data(fs, format: .geojson)
        let text = String(decoding: data, as: UTF8.self)
        #expect(!text.contains("\"crs\""))
        let back = try GeoJSON.parseFeatures(data)
        #expect(back.count == fs.count)
        let root = try JSONValue.parse(data)
        #expect(root["bbox"]?.arrayValue?.count == 4)
        for f in back {
            for p in f.geometry!.polygons {
                #expect(Winding.isCounterClockwise(p.exterior))
                #expect(p.holes.allSatisfy { !Winding.isCounterClockwise($0) })
            }
        }
        // At most 7 decimals in every number of the coordinates.
        let re = try NSRegularExpression(pattern: "[0-9]\\.[0-9]{8,}")
        let coords = text.components(separatedBy: "\"geometry\":").dropFirst().map { String($0.prefix(while: { $0 != "}" })) }.joined()
        #expect(re.numberOfMatches(in: coords, range: NSRange(coords.startIndex..., in: coords)) == 0)
        #expect(back.first?.properties["name"]?.stringValue?.isEmpty == false)
    }

    @Test("GeoJSON Text Sequence: each record is RS + one Feature + LF (RFC 8142)")
    func sequence() throws {
        let fs = try LayerExport.features(plan: plan, layers: ["clusters"])
        let data = try GeoJSONWriter.data(fs, format: .geojsonseq)
        let records = data.split(separator: 0x1E, omittingEmptySubsequences: false)
        #expect(records.first?.isEmpty == true, "starts with RS")
        #expect(records.count - 1 == fs.count)
        for r in records.dropFirst() {
            #expect(r.last == 0x0A)
            #expect(r.filter { $0 == 0x0A }.count == 1, "one LF per record, at its end")
            let f = try GeoJSON.parseFeatures(Data(r))
            #expect(f.count == 1)
        }
        #expect(String(decoding: records[1].prefix(17), as: UTF8.self) == "{\"type\":\"Feature\"")
        #expect(ExportFormat.geojsonseq.mediaType == "application/geo+json-seq")
        #expect(ExportFormat.guess(fromPath: "x.geojsons") == .geojsonseq)
        #expect(ExportFormat.guess(fromPath: "x.geojson") == .geojson)
    }

    @Test("baobu writes the layer as 报部 TXT parcels that read back")
    func baobu() throws {
        let features = try LayerExport.features(plan: Fixture.plan, layers: ["platforms"], progress: nil)
        let txt = try GeoJSONWriter.data(features, format: .baobu)
        let file = try BaobuTXT.read(txt, fileName: "platforms.txt")
        #expect(file.parcels.count == features.count)
        #expect(ExportFormat.baobu.mediaType == "text/plain")
    }

    @Test("results: verdict and findings flattened into properties (Report.geojson); bad applications listed")
    func results() throws {
        let engine = try VettingEngine(plan: plan)
        let names = ["jinko-solar-cells", "prohibited-zone", "outside-platforms", "missing-energy"]
        var files = try names.map { (label: $0, data: try Data(contentsOf: Fixture.examples.appendingPathComponent($0 + ".geojson"))) }
        files.append((label: "broken", data: Data("{".utf8)))
        let batch = try ResultsExport.vet(files: files, engine: engine)
        #expect(batch.pairs.count == 4)
        #expect(batch.errors.count == 1)
        let fs = try ResultsExport.features(batch.pairs)
        #expect(fs.count == 4)
        for f in fs {
            for key in ["verdict", "verdict_zh", "fail_rules", "warn_rules", "area_mu", "findings"] { #expect(f.properties[key] != nil, "\(key)") }
        }
        let verdicts = Set(fs.compactMap { $0.properties["verdict"]?.stringValue })
        #expect(verdicts.contains("reject"))
        #expect(ResultsExport.stylePath(for: "/tmp/out/results.geojson") == "/tmp/out/results.qml")
    }

    @Test("QGIS style: categorized renderer on verdict with the four colours")
    func qml() throws {
        let doc = try XMLDocument(data: Data(ResultsExport.qml().utf8))
        let renderer = try #require(try doc.nodes(forXPath: "//renderer-v2").first as? XMLElement)
        #expect(renderer.attribute(forName: "type")?.stringValue == "categorizedSymbol")
        #expect(renderer.attribute(forName: "attr")?.stringValue == "verdict")
        let cats = try doc.nodes(forXPath: "//categories/category").compactMap { $0 as? XMLElement }
        #expect(cats.compactMap { $0.attribute(forName: "value")?.stringValue } == ["approve", "conditional", "reject", "incomplete"])
        var colour: [String: String] = [:]
        for c in cats {
            let sym = c.attribute(forName: "symbol")!.stringValue!
            let v = try doc.nodes(forXPath: "//symbols/symbol[@name='\(sym)']/layer/prop[@k='color']/@v").first?.stringValue
            colour[c.attribute(forName: "value")!.stringValue!] = v
        }
        #expect(colour["approve"] == "51,160,44,255")      // green
        #expect(colour["conditional"] == "255,210,0,255")  // yellow
        #expect(colour["reject"] == "227,26,28,255")       // red
        #expect(colour["incomplete"] == "153,153,153,255") // grey
    }

    @Test("GDAL: ogrinfo counts the features; ogr2ogr -lco RFC7946=YES gives the same coordinates to 1e-7; GeoJSONSeq reads the sequence")
    func gdal() throws {
        let dir = try Fixture.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fs = try LayerExport.features(plan: plan)
        let fc = dir.appendingPathComponent("all.geojson"), seq = dir.appendingPathComponent("all.geojsons")
        try GeoJSONWriter.data(fs, format: .geojson).write(to: fc)
        try GeoJSONWriter.data(fs, format: .geojsonseq).write(to: seq)
        #expect(try GDAL.featureCount(fc.path) == fs.count)
        #expect(try GDAL.featureCount(seq.path) == fs.count)
        let rfc = dir.appendingPathComponent("rfc.geojson")
        guard let r = try GDAL.run("ogr2ogr", ["-f", "GeoJSON", "-lco", "RFC7946=YES", rfc.path, fc.path]) else { return }
        #expect(r.status == 0, "\(r.out)")
        let ours = try GDAL.positions(Data(contentsOf: fc)), theirs = try GDAL.positions(Data(contentsOf: rfc))
        #expect(ours.count == theirs.count)
        // Same positions in the same order (so GDAL did not rewind any ring), within one unit of the
        // 7th decimal: GDAL's number formatting rounds e.g. 120.6999999 to 120.7.
        var worst = 0.0
        for (a, b) in zip(ours, theirs) {
            #expect(a.count == b.count)
            for (p, q) in zip(a, b) { worst = max(worst, abs(p[0] - q[0]), abs(p[1] - q[1])) }
        }
        // GDAL's number formatting (OGRFormatDouble) rounds a run of nines or zeros: 120.6999999 is written
        // 120.7 and 120.3999991 is written 120.4, so a difference up to 1e-6° (11 cm) is GDAL's, not ours.
        #expect(worst <= 1.0000001e-6, "largest difference \(worst)")
    }
}

@Suite("progress bar")
struct ProgressTests {
    final class Sink: @unchecked Sendable { var text = "" }

    @Test("draws on a terminal only: disabled writes nothing")
    func quietWhenNotATerminal() {
        let sink = Sink()
        let p = TerminalProgress(enabled: false) { sink.text += $0 }
        p.start(total: 10, label: "export")
        for _ in 0..<10 { p.advance() }
        p.finish()
        #expect(sink.text.isEmpty)
    }

    @Test("enabled: redraws in place with CR and ends the line")
    func bar() {
        let sink = Sink()
        let p = TerminalProgress(enabled: true) { sink.text += $0 }
        p.start(total: 4, label: "export")
        for _ in 0..<4 { p.advance() }
        p.finish()
        #expect(sink.text.hasPrefix("\rexport ["))
        #expect(sink.text.hasSuffix("100% 4/4\n"))
        #expect(TerminalProgress.bar(label: "x", done: 1, total: 2, width: 10) == "x [#####.....]  50% 1/2")
    }
}
