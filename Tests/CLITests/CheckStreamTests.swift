import Foundation
import Testing

/// `zoneplan check` on GeoJSON text sequences: streamed jsonl / geojsonseq output, in input order,
/// whatever --jobs. Fixtures: Tests/CLITests/Fixtures/sequences (make_sequences.py writes them
/// from GeoData/examples).
@Suite("check streams text sequences")
struct CheckStreamTests {
    static let dir = CLI.repoRoot.appendingPathComponent("Tests/CLITests/Fixtures/sequences")
    static func fixture(_ name: String) -> String { dir.appendingPathComponent(name).path }
    /// The examples in the sequences, in order.
    static let names: [String] = (try? String(contentsOf: dir.appendingPathComponent("names.txt"), encoding: .utf8))
        .map { $0.split(separator: "\n").map(String.init) } ?? []

    static func lines(_ d: Data) -> [Data] { d.split(separator: 0x0A).map { Data($0) } }

    /// The RS-prefixed records of a GeoJSON text sequence.
    static func records(_ d: Data) -> [Data] {
        d.split(separator: 0x1E).map { Data($0) }.filter { !$0.allSatisfy { $0 == 0x0A || $0 == 0x20 } }
    }

    @Test("jsonl: one line per application, each the object --format json gives for it")
    func jsonlMatchesJSON() throws {
        #expect(Self.names.count == 13)
        let r = try CLI.check([Self.fixture("apps.geojsons"), "--format", "jsonl", "--jobs", "2"])
        #expect(r.status == 1, "some examples are not approved: \(r.err)")
        #expect(r.errLines.isEmpty, "\(r.err)")
        #expect(r.stdout.last == 0x0A)
        let lines = Self.lines(r.stdout)
        #expect(lines.count == Self.names.count)
        for (line, name) in zip(lines, Self.names) {
            let single = try CLI.check([CLI.example(name), "--format", "json"])
            let want = try JSON.parse(single.stdout), got = try JSON.parse(line)
            #expect(got == want, "\(name): \(JSON.differences(got, want))")
        }
    }

    @Test("the output is the same, byte for byte, with --jobs 1 and --jobs 2")
    func jobsDoNotChangeTheOutput() throws {
        for format in ["jsonl", "geojsonseq", "json", "text"] {
            let one = try CLI.check([Self.fixture("apps.geojsons"), "--format", format, "--jobs", "1"])
            let two = try CLI.check([Self.fixture("apps.geojsons"), "--format", format, "--jobs", "2"])
            #expect(one.status == 1 && two.status == 1)
            #expect(one.stdout == two.stdout, "\(format) differs between --jobs 1 and 2")
        }
    }

    @Test("geojsonseq: RS-prefixed features GDAL reads, each the feature of --format geojson")
    func geojsonseqForGDAL() throws {
        let r = try CLI.check([Self.fixture("apps.geojsons"), "--format", "geojsonseq"])
        #expect(r.status == 1, "\(r.err)")
        #expect(r.stdout.first == 0x1E)
        let records = Self.records(r.stdout)
        #expect(records.count == 13)
        let collection = try JSON.parse(try CLI.check([Self.fixture("apps.geojsons"), "--format", "geojson"]).stdout)
        let features = collection["features"]?.array ?? []
        #expect(features.count == 13)
        for (rec, feature) in zip(records, features) {
            let got = try JSON.parse(rec)
            #expect(got == feature, "\(JSON.differences(got, feature))")
        }

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("zp-seq-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("results.geojsons")
        try r.stdout.write(to: out)
        let info = try CLI.runTool("ogrinfo", ["-ro", "-al", "-so", "GeoJSONSeq:" + out.path])
        #expect(info.status == 0, "ogrinfo: \(info.out) \(info.err)")
        #expect(info.out.contains("Feature Count: 13"), "\(info.out)")
        for field in ["verdict", "area_mu", "fail_rules"] {
            #expect(info.out.contains("\(field): "), "ogrinfo lacks field \(field)")
        }
    }

    @Test("a bad record is one line on stderr with its record number, exit 2; the others are written in order")
    func badRecord() throws {
        let file = Self.fixture("apps-bad.geojsons")
        let r = try CLI.check([file, "--format", "jsonl", "--jobs", "2"])
        #expect(r.status == 2)
        #expect(r.errLines.count == 2, "\(r.err)")
        #expect(r.errLines.first?.hasPrefix("zoneplan: error: \(file)#3: record: not JSON") == true, "\(r.err)")
        #expect(r.errLines.last?.hasPrefix("zoneplan: error: \(file)#5 (示例：坏输入): properties.industry: unknown industry code 'C9999'") == true, "\(r.err)")
        let names = try Self.lines(r.stdout).map { try JSON.parse($0)["name"]?.string ?? "" }
        let want = try Self.names.prefix(4).map { try JSON.parse(try CLI.check([CLI.example($0), "--format", "json"]).stdout)["name"]?.string ?? "?" }
        #expect(names == want)
    }

    @Test("standard input: an RS sequence and a newline-delimited one are told from their first bytes")
    func standardInput() throws {
        let rs = try Data(contentsOf: Self.dir.appendingPathComponent("apps.geojsons"))
        let fromStdin = try CLI.check(["-", "--format", "jsonl"], stdin: rs)
        let fromFile = try CLI.check([Self.fixture("apps.geojsons"), "--format", "jsonl"])
        #expect(fromStdin.status == 1 && fromStdin.errLines.isEmpty, "\(fromStdin.err)")
        #expect(fromStdin.stdout == fromFile.stdout)

        let nd = try Data(contentsOf: Self.dir.appendingPathComponent("apps.geojsonl"))
        let lines = try CLI.check(["-", "--format", "jsonl", "--jobs", "2"], stdin: nd)
        #expect(lines.errLines.isEmpty, "\(lines.err)")
        #expect(Self.lines(lines.stdout) == Array(Self.lines(fromFile.stdout).prefix(6)))
        // Text output labels each application with its record number.
        let text = try CLI.check(["-", "--format", "text"], stdin: nd)
        #expect(text.out.contains("stdin#6"), "\(text.out.suffix(600))")
        // A file without a sequence extension is told from its first line too.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("zp-seq-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let plain = dir.appendingPathComponent("apps.json")
        try nd.write(to: plain)
        let r = try CLI.check([plain.path, "--format", "jsonl"])
        #expect(r.stdout == lines.stdout, "\(r.err)")
    }

    @Test("a plain Feature and a sequence mix in one call, output in argument order")
    func mixedFiles() throws {
        let r = try CLI.check([CLI.example("jiaxipera-compressor"), Self.fixture("apps.geojsonl"), "--format", "jsonl"])
        #expect(r.status == 1, "\(r.err)")
        let names = try Self.lines(r.stdout).map { try JSON.parse($0)["name"]?.string ?? "" }
        #expect(names.count == 7)
        let first = try JSON.parse(try CLI.check([CLI.example("jiaxipera-compressor"), "--format", "json"]).stdout)
        #expect(names.first == first["name"]?.string)
    }

    @Test("--record vets a sequence one by one, records each, and still writes jsonl in order")
    func recordASequence() throws {
        let ws = try CLIWorkspace()
        let r = try ws.run(["check", "--record", "--dry-run", Self.fixture("apps-bad.geojsons"), "--format", "jsonl", "--jobs", "2"])
        #expect(r.status == 2, "\(r.err)")
        let names = try Self.lines(r.stdout).map { try JSON.parse($0)["name"]?.string ?? "" }
        #expect(names.count == 4)
        let plain = try CLI.check([Self.fixture("apps-bad.geojsons"), "--format", "jsonl"])
        #expect(names == (try Self.lines(plain.stdout).map { try JSON.parse($0)["name"]?.string ?? "" }))
        #expect(r.errLines.filter { $0.contains("dry run") }.count == 4, "\(r.err)")
        #expect(r.errLines.filter { $0.contains("error:") && $0.contains("apps-bad.geojsons#") }.count == 2, "\(r.err)")
    }

    @Test("check --help names jsonl, geojsonseq and --jobs")
    func help() throws {
        let r = try CLI.run(["check", "--help"])
        #expect(r.status == 0)
        for word in ["jsonl", "geojsonseq", "--jobs", "text sequence", "RFC 8142"] {
            #expect(flat(r.out).contains(word), "check --help lacks \(word)")
        }
        #expect(try CLI.check([Self.fixture("apps.geojsons"), "--jobs", "0"]).status == 64)
    }
}
