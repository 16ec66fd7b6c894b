import Foundation
import Testing

@Suite("zoneplan grid")
struct GridCommandTests {
    @Test("grid --help names the options")
    func help() throws {
        let r = try CLI.run(["grid", "--help"])
        #expect(r.status == 0)
        for word in ["--industry", "--cell-mu", "--spacing-m", "--investment-per-mu", "--output-per-mu", "--value-added-per-mu",
                     "--energy-per-value-added", "--format", "markdown", "--out", "GeoJSON", "EPSG:4549",
                     "approve", "conditional", "reject", "incomplete"] {
            #expect(flat(r.out).contains(word), "grid --help lacks \(word)")
        }
    }

    @Test("a bad --industry is exit 2 with one line naming the option")
    func badIndustry() throws {
        for code in ["X999", "C9999", "bogus"] {
            let r = try CLI.run(["grid", "--quiet", "--geodata", CLI.geodata.path, "--industry", code, "--spacing-m", "20000"])
            #expect(r.status == 2, "\(code): exit \(r.status) \(r.err)")
            #expect(r.errLines.count == 1, "\(code): \(r.err)")
            #expect(r.err.contains("--industry"), "\(code): \(r.err)")
            #expect(r.out.isEmpty)
        }
    }

    @Test("a bad number option is a usage error naming the option")
    func badOption() throws {
        let r = try CLI.run(["grid", "--quiet", "--geodata", CLI.geodata.path, "--industry", "C3971", "--cell-mu", "-5"])
        #expect(r.status == 64, "\(r.err)")
        #expect(r.err.contains("--cell-mu"))
    }

    @Test("a coarse run writes GeoJSON that ogrinfo opens with one feature per vetted site")
    func coarseRun() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("zoneplan-grid-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("cells.geojson").path
        let r = try CLI.run(["grid", "--quiet", "--geodata", CLI.geodata.path, "--industry", "C1713", "--spacing-m", "5000",
                             "--format", "json", "--out", out])
        #expect(r.status == 0, "\(r.err)")
        let report = try JSON.parse(r.stdout)
        let vetted = try #require(report["vetted_cells"]?.number)
        #expect(vetted > 100)
        #expect(report["settings"]?["industry"]?.string == "C1713")
        #expect(report["rule_pack_version"]?.string?.isEmpty == false && report["geodata_version"]?.string?.isEmpty == false)
        let info = try CLI.runTool("ogrinfo", ["-ro", "-al", "-so", out])
        #expect(info.status == 0, "ogrinfo: \(info.out) \(info.err)")
        #expect(info.out.contains("Feature Count: \(Int(vetted))"), "\(info.out)")
        for field in ["verdict", "fail_rules", "warn_rules", "county", "land_mu", "industry"] {
            #expect(info.out.contains("\(field): "), "ogrinfo lacks field \(field)")
        }
        let geo = try JSON.parse(Data(contentsOf: URL(fileURLWithPath: out)))
        #expect(geo["crs"] == nil)
        #expect(geo["features"]?.array?.first?["properties"]?["industry"]?.string == "C1713")

        let text = try CLI.run(["grid", "--quiet", "--geodata", CLI.geodata.path, "--industry", "C1713", "--spacing-m", "10000"])
        #expect(text.status == 0)
        #expect(text.out.contains("rule pack") && text.out.contains("GeoData") && text.out.contains("嘉兴市"))
        let md = try CLI.run(["grid", "--quiet", "--geodata", CLI.geodata.path, "--industry", "C1713", "--spacing-m", "10000", "--format", "markdown"])
        #expect(md.status == 0 && md.out.hasPrefix("### C1713"))
        #expect(md.out.contains("| county |"))
    }
}
