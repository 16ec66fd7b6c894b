import Foundation
import Testing
import ZoneGeometry
import ZonePlan
@testable import ZoneVetting

/// GeoJSON text sequences read incrementally, and ordered parallel batch vetting with bounded memory.
@Suite enum BatchVettingTests {}

extension BatchVettingTests {
    @Suite struct TextSequenceReaderTests {
        static func feature(_ i: Int, industry: String = "C3976") -> String {
            let lon = 120.705 + Double(i % 9) * 0.01, lat = 30.705 + Double((i / 9) % 7) * 0.01
            let h = 0.0015 + Double(i % 4) * 0.0005
            let ring = [(lon - h, lat - h), (lon + h, lat - h), (lon + h, lat + h), (lon - h, lat + h), (lon - h, lat - h)]
                .map { "[\($0.0), \($0.1)]" }.joined(separator: ", ")
            return #"{"type": "Feature", "properties": {"name": "项目\#(i)", "industry": "\#(industry)", "investment_wan": \#(20_000 + i * 3_000), "output_wan": \#(30_000 + i * 1_000), "value_added_wan": 9000, "energy_tce": \#(300 + 50 * i)}, "geometry": {"type": "Polygon", "coordinates": [[\#(ring)]]}}"#
        }

        static func rs(_ records: [String]) -> Data { Data(records.map { "\u{1E}" + $0 + "\n" }.joined().utf8) }

        func records(_ data: Data, chunk: Int) throws -> [TextSequenceRecord] {
            try TextSequenceReader(data: data, label: "apps.geojsons", chunkSize: chunk).readAll().map { try $0.get() }
        }

        @Test func rsRecordsParseWhateverTheChunkSize() throws {
            // The second record is pretty-printed over several lines: RS, not LF, separates records.
            let pretty = "{\n  \"type\": \"Feature\",\n  \"properties\": {},\n  \"geometry\": null\n}"
            let data = Self.rs([Self.feature(1), pretty, Self.feature(2)])
            let whole = try records(data, chunk: 1 << 20)
            #expect(whole.map(\.number) == [1, 2, 3])
            #expect(whole.map(\.label) == ["apps.geojsons#1", "apps.geojsons#2", "apps.geojsons#3"])
            #expect(whole[0].bytes == Data(Self.feature(1).utf8))
            #expect(whole[1].bytes == Data(pretty.utf8))
            for chunk in [1, 2, 7, 64, 333] {
                #expect(try records(data, chunk: chunk) == whole, "chunk \(chunk)")
            }
        }

        @Test func plainLinesWithBlankLinesCRLFAndBOM() throws {
            let text = "\u{FEFF}" + Self.feature(1) + "\n\n  \n" + Self.feature(2) + "\r\n" + Self.feature(3)  // no final LF
            for chunk in [3, 50, 1 << 16] {
                let r = try records(Data(text.utf8), chunk: chunk)
                #expect(r.map(\.number) == [1, 2, 3])
                #expect(r.map { String(decoding: $0.bytes, as: UTF8.self) } == [Self.feature(1), Self.feature(2), Self.feature(3)])
            }
            #expect(try records(Data("\n \n".utf8), chunk: 4).isEmpty)
            #expect(try records(Data(), chunk: 4).isEmpty)
        }

        @Test func blankRSRecordsAreSkipped() throws {
            let text = "\u{1E}\n\u{1E}" + Self.feature(1) + "\n\u{1E}\u{1E}  \n\u{1E}" + Self.feature(2) + "\n"
            let r = try records(Data(text.utf8), chunk: 5)
            #expect(r.map(\.number) == [1, 2])
        }

        @Test func aBadRecordInTheMiddleIsOneErrorTheOthersAreRead() throws {
            let data = Self.rs([Self.feature(1), #"{"type": "Feature", "properties": {"#, Self.feature(2),
                                Self.feature(3, industry: "C9999"), #"{"type": "FeatureCollection", "features": []}"#, Self.feature(4)])
            let reader = ApplicationSequenceReader(records: TextSequenceReader(data: data, label: "apps.geojsons", chunkSize: 16),
                                                   catalog: Mini.plan.industries, engine: GeometryEngine())
            var out: [(label: String, application: Result<Application, ApplicationError>)] = []
            while let r = try reader.next() { out.append(r) }
            #expect(out.map(\.label) == (1...6).map { "apps.geojsons#\($0)" })
            let errors = out.compactMap { if case .failure(let e) = $0.application { return e } else { return nil } }
            #expect(errors.count == 3)
            #expect(errors[0].application == "apps.geojsons#2" && errors[0].field == "record" && errors[0].message.contains("not JSON"))
            #expect(errors[1].application == "apps.geojsons#4 (项目3)" && errors[1].field == "properties.industry")
            #expect(errors[2].application == "apps.geojsons#5" && errors[2].message.contains("FeatureCollection"))
            let names = out.compactMap { try? $0.application.get().name }
            #expect(names == ["项目1", "项目2", "项目4"])
        }

        @Test func anOversizedRecordIsSkippedNotHeld() throws {
            let big = "{\"type\": \"Feature\", \"properties\": {\"pad\": \"" + String(repeating: "x", count: 5_000) + "\"}, \"geometry\": null}"
            let data = Data(([Self.feature(1), big, Self.feature(2)].joined(separator: "\n") + "\n").utf8)
            var offset = 0
            let reader = TextSequenceReader(label: "big.geojsonl", chunkSize: 100, maxRecordBytes: 1_000) { n in
                defer { offset = min(offset + n, data.count) }
                return data[offset..<min(offset + n, data.count)]
            }
            let r = try reader.readAll()
            #expect(r.count == 3)
            #expect((try? r[0].get())?.number == 1)
            if case .failure(let e) = r[1] { #expect(e.application == "big.geojsonl#2" && e.message.contains("longer than")) } else { Issue.record("expected an error") }
            #expect((try? r[2].get())?.bytes == Data(Self.feature(2).utf8))
        }

        @Test func layoutIsDetectedFromTheFirstBytes() {
            func kind(_ s: String, complete: Bool = true) -> ApplicationInputKind? { ApplicationInputKind.detect(head: Data(s.utf8), complete: complete) }
            let f = Self.feature(1)
            #expect(kind("\u{1E}" + f + "\n") == .textSequence)
            #expect(kind("\n \u{1E}{") == .textSequence)
            #expect(kind(f + "\n" + f + "\n") == .textSequence)
            #expect(kind(f + "\n" + f, complete: false) == .textSequence)
            #expect(kind(f + "\n") == .whole)                 // one Feature alone: the plain file
            #expect(kind(f + "\n  ", complete: false) == nil)  // may be either: read on
            #expect(kind(String(f.prefix(40)), complete: false) == nil)
            #expect(kind("{\n  \"type\": \"Feature\",\n") == .whole)
            #expect(kind(#"{"type": "FeatureCollection", "features": []}"# + "\n") == .whole)
            #expect(kind("[地块坐标]\n") == .whole)
            #expect(ApplicationInputKind.isSequenceName("a/b/apps.GeoJSONSeq"))
            #expect(ApplicationInputKind.isSequenceName("apps.geojsonl") && ApplicationInputKind.isSequenceName("apps.geojsons"))
            #expect(!ApplicationInputKind.isSequenceName("apps.geojson"))
        }
    }

    @Suite struct BatchVetterTests {
        /// A mixed stream: records to read on the workers, applications read already, bad input.
        static func items(_ n: Int) -> [BatchItem] {
            let engine = GeometryEngine()
            return (0..<n).map { i -> BatchItem in
                let f = TextSequenceReaderTests.feature(i, industry: i % 5 == 0 ? "C17" : "C3976")
                switch i % 7 {
                case 3:
                    let r = TextSequenceRecord(number: i + 1, label: "apps#\(i + 1)", bytes: Data(f.utf8))
                    let app = try! ApplicationFile.read(record: r, catalog: Mini.plan.industries, engine: engine).get()
                    return .application(label: "apps#\(i + 1)", app)
                case 5:
                    return .record(TextSequenceRecord(number: i + 1, label: "apps#\(i + 1)", bytes: Data(#"{"type": "Feature""#.utf8)))
                case 6:
                    return .invalid(ApplicationError(application: "apps#\(i + 1)", field: "file", message: "bad"))
                default:
                    return .record(TextSequenceRecord(number: i + 1, label: "apps#\(i + 1)", bytes: Data(f.utf8)))
                }
            }
        }

        /// Each outcome as a comparable line: label, kind and the result's JSON Lines record.
        static func lines(_ outcomes: [BatchOutcome]) throws -> [String] {
            try outcomes.map { o in
                switch o {
                case .vetted(let label, _, let r): return label + " " + String(decoding: try Report.jsonLine(r), as: UTF8.self)
                case .badInput(let e): return "bad \(e)"
                case .failed(let label, let m): return "failed \(label) \(m)"
                case .encoded(let label, _, let bytes): return label + " " + String(decoding: bytes, as: UTF8.self)
                }
            }
        }

        func run(jobs: Int, batchSize: Int, items: [BatchItem]) throws -> (lines: [String], vetter: BatchVetter) {
            let vetter = BatchVetter(plan: Mini.plan, jobs: jobs, batchSize: batchSize)
            var out: [BatchOutcome] = []
            try vetter.run(items) { out.append($0) }
            return (try Self.lines(out), vetter)
        }

        @Test func outputKeepsInputOrderAndMatchesVettingOneByOne() throws {
            let items = Self.items(40)
            // One by one on this thread, the way `check` vetted before.
            let engine = try VettingEngine(plan: Mini.plan)
            var expected: [BatchOutcome] = []
            for item in items {
                let (label, read) = item.read(catalog: Mini.plan.industries, engine: engine.engine)
                switch read {
                case .failure(let e): expected.append(.badInput(e))
                case .success(let app): expected.append(.vetted(label: label, application: app, result: try engine.vet(app)))
                }
            }
            let reference = try Self.lines(expected)
            #expect(reference.count == 40)
            #expect(reference.filter { $0.hasPrefix("bad ") }.count == 10)

            let one = try run(jobs: 1, batchSize: 256, items: items)
            #expect(one.lines == reference)
            #expect(one.vetter.enginesBuilt == 1)
            for (jobs, batch) in [(4, 3), (4, 1), (2, 256), (3, 7)] {
                let many = try run(jobs: jobs, batchSize: batch, items: items)
                #expect(many.lines == reference, "jobs \(jobs) batch \(batch)")
                #expect(many.vetter.enginesBuilt >= 1 && many.vetter.enginesBuilt <= jobs)
            }
            // A handful of applications in one batch builds one engine, not one per job.
            #expect(try run(jobs: 4, batchSize: 256, items: Array(items.prefix(5))).vetter.enginesBuilt == 1)
        }

        @Test func applicationsInFlightNeverExceedTheBound() throws {
            let items = Self.items(120)
            let vetter = BatchVetter(plan: Mini.plan, jobs: 4, batchSize: 4, maxBatchesInFlight: 3)
            #expect(vetter.maxApplicationsInFlight == 12)
            var read = 0, sunk = 0, worst = 0
            var it = items.makeIterator()
            try vetter.run({
                guard let item = it.next() else { return nil }
                read += 1
                worst = max(worst, read - sunk)
                return item
            }, sink: { _ in
                sunk += 1
                // A slow consumer: the workers would run ahead if nothing held them back.
                if sunk % 10 == 0 { Thread.sleep(forTimeInterval: 0.005) }
            })
            #expect(sunk == 120)
            #expect(worst <= 12, "read ahead of the sink by \(worst)")
            #expect(vetter.peakApplicationsInFlight <= vetter.maxApplicationsInFlight)
            #expect(vetter.peakApplicationsInFlight >= 4)
            #expect(vetter.enginesBuilt <= 4)
            // Default bound: 2 × jobs batches.
            #expect(BatchVetter(plan: Mini.plan, jobs: 3, batchSize: 256).maxApplicationsInFlight == 256 * 6)
        }

        @Test func anEngineThatCannotBeBuiltStopsTheRun() {
            struct Broken: Error {}
            let vetter = BatchVetter(plan: Mini.plan, jobs: 2, batchSize: 2, makeEngine: { throw Broken() })
            #expect(throws: Broken.self) { try vetter.run(Self.items(10)) { _ in } }
        }

        @Test func streamRecordsMatchTheCollectedFormats() throws {
            let engine = try VettingEngine(plan: Mini.plan)
            let app = try ApplicationFile.read(record: TextSequenceRecord(number: 1, label: "a#1", bytes: Data(TextSequenceReaderTests.feature(2).utf8)),
                                               catalog: Mini.plan.industries, engine: engine.engine).get()
            let result = try engine.vet(app)
            // jsonl: the object `json` writes for one application, compact, one line.
            let line = try Report.jsonLine(result)
            #expect(line.last == 0x0A && !line.dropLast().contains(0x0A))
            #expect(try JSONValue.parse(line) == JSONValue.parse(Report.json([result])))
            // geojsonseq: RS, the feature of `geojson`, LF.
            let rec = try Report.geojsonSeqRecord(app: app, result: result)
            #expect(rec.first == 0x1E && rec.last == 0x0A)
            let collection = try JSONValue.parse(Report.geojson([(app, result)]))
            #expect(try JSONValue.parse(rec.dropFirst()) == collection["features"]?[0])
        }
    }
}

@Suite struct EncodedOnWorkersTests {
    @Test func encodingOnTheWorkersGivesTheSameBytesInTheSameOrder() throws {
        let sites = (0..<40).map { i in Mini.site(120.705 + Double(i % 8) * 0.01, 30.705 + Double(i / 8) * 0.015, half: 0.001) }
        let apps = try sites.map { try Mini.app($0) }
        func run(_ encodeOnWorkers: Bool) throws -> [String] {
            let v = BatchVetter(plan: Mini.plan, jobs: 2, batchSize: 4)
            if encodeOnWorkers { v.encode = { _, r in try Report.jsonLine(r) } }
            var i = 0
            var out: [String] = []
            try v.run({ () -> BatchItem? in
                defer { i += 1 }
                return i < apps.count ? .application(label: "a\(i)", apps[i]) : nil
            }) { o in
                switch o {
                case .vetted(let l, _, let r): out.append(l + " " + String(decoding: try Report.jsonLine(r), as: UTF8.self))
                case .encoded(let l, _, let b): out.append(l + " " + String(decoding: b, as: UTF8.self))
                case .badInput(let e): out.append("bad \(e)")
                case .failed(let l, let m): out.append("failed \(l) \(m)")
                }
            }
            return out
        }
        let a = try run(false), b = try run(true)
        #expect(a.count == 40 && a == b)
    }
}
