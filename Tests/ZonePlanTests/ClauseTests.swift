import Foundation
import Testing
@testable import ZonePlan

/// The repository root, `…/main` (this file is `Tests/ZonePlanTests/ClauseTests.swift`).
private let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
/// The seed plans live beside the repository: `<repo>/../shared/seeds`.
private let seedsDir = repoRoot.deletingLastPathComponent().appendingPathComponent("shared/seeds")
private let clauseFixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

private func shippedBook() throws -> ClauseBook {
    let book = try ClauseBook.loadIfPresent(in: repoGeoData, displayName: "GeoData/clauses.yaml")
    #expect(!book.isEmpty, "GeoData/clauses.yaml is missing or empty")
    return book
}

private func fixtureBook(_ name: String) throws -> ClauseBook {
    try ClauseBook.load(ConfigDocument(contentsOf: clauseFixtures.appendingPathComponent(name), displayName: name))
}

/// `seed 000:286; 000:295–298` → ["000:286", "000:295–298"] (the same reading as the layout-fit rule;
/// a `sha256:…` digest is not a citation).
private func seedRefs(_ source: String) -> [String] {
    let re = try! NSRegularExpression(pattern: "(?<![0-9A-Za-z:])[0-9]{3}:[0-9]+(?:[–-][0-9]+)?(?![0-9A-Za-z])")
    let ns = source as NSString
    return re.matches(in: source, range: NSRange(location: 0, length: ns.length)).map { ns.substring(with: $0.range) }
}

/// Citations with no clause, as "where: ref" lines.
private func uncovered(_ cites: [(where: String, ref: String)], in book: ClauseBook) -> [String] {
    cites.filter { book.clause(for: $0.ref) == nil }.map { "\($0.where): \($0.ref)" }
}

@Suite struct ClauseTests {
    @Test func shippedClauseBookLoadsAndEveryQuoteIsVerbatim() throws {
        let book = try shippedBook()
        #expect(!book.version.isEmpty)
        #expect(Set(book.documents.map(\.code)) == ["000", "001", "002", "003", "004"])
        #expect(FileManager.default.fileExists(atPath: seedsDir.path), "seeds not found at \(seedsDir.path)")
        let problems = book.problems(seedsDirectory: seedsDir)
        #expect(problems.isEmpty, "\(problems.map(\.description).joined(separator: "\n"))")
        try book.verify(seedsDirectory: seedsDir)
        for c in book.all {
            #expect(!c.section.isEmpty && !c.quote.isEmpty && c.title.hasPrefix("《"), "\(c.ref)")
        }
    }

    @Test func clauseLookupNormalisesDashesAndFallsBackToTheFirstLine() throws {
        let book = try shippedBook()
        let c = try #require(book.clause(for: "000:308"))
        #expect(c.document == "000")
        #expect(c.title == "《嘉兴市工业“十二五”发展规划》")
        #expect(c.section.hasSuffix("5.工业布局的主体功能区导向"))
        #expect(c.quote.contains("不准再新上此外工业项目"))
        // A range written with a hyphen finds the en-dash entry, and vice versa.
        #expect(book.clause(for: "000:295-298")?.ref == "000:295–298")
        #expect(book.clause(for: "003:152–160")?.ref == "003:152-160")
        // A range with no entry of its own falls back to the entry of its first line.
        #expect(book.clause(for: "000:308–310")?.ref == "000:308")
        #expect(book.clause(for: "000:9999") == nil)
        #expect(book.clause(for: "not a ref") == nil)
        #expect(ClauseBook.empty.clause(for: "000:308") == nil)
    }

    @Test func planDataCarriesTheClauseBook() throws {
        let book = try shippedBook()
        #expect(realPlan.clauses.all.count == book.all.count)
        #expect(realPlan.clauses.clause(for: "000:314") != nil)
    }

    @Test func everyRulePackCitationHasAClause() throws {
        let book = try shippedBook()
        let doc = try ConfigDocument(contentsOf: repoGeoData.appendingPathComponent("rulepack.yaml"), displayName: "rulepack.yaml")
        var cites: [(where: String, ref: String)] = []
        for rule in doc.root["rules"]?.items ?? [] {
            let id = rule["id"]?.string ?? "?"
            for c in rule["citation"]?.items ?? [] { cites.append(("rulepack.yaml rule \(id)", c.string ?? "")) }
        }
        #expect(!cites.isEmpty)
        let missing = uncovered(cites, in: book)
        #expect(missing.isEmpty, "citations with no entry in GeoData/clauses.yaml:\n\(missing.joined(separator: "\n"))")
    }

    @Test func everyLayerSourceCitationHasAClause() throws {
        let book = try shippedBook()
        var cites: [(where: String, ref: String)] = []
        for layer in ["layout", "clusters", "platforms"] {
            let url = repoGeoData.appendingPathComponent("layers/\(layer).geojson")
            let data = try #require(FileManager.default.contents(atPath: url.path), "cannot read \(url.path)")
            let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            for f in json["features"] as? [[String: Any]] ?? [] {
                let p = f["properties"] as? [String: Any] ?? [:]
                let id = p["id"] as? String ?? "?"
                for r in seedRefs(p["source"] as? String ?? "") { cites.append(("\(layer).geojson \(id)", r)) }
            }
        }
        #expect(cites.count > 50)
        let missing = uncovered(cites, in: book)
        #expect(missing.isEmpty, "layer source citations with no entry in GeoData/clauses.yaml:\n\(missing.joined(separator: "\n"))")
    }

    /// Catches citations newly written into the code: every `"NNN:LINE` string literal in Sources/.
    @Test func everyCitationLiteralInSourcesHasAClause() throws {
        let book = try shippedBook()
        let sources = repoRoot.appendingPathComponent("Sources")
        let re = try NSRegularExpression(pattern: "\"([0-9]{3}:[0-9]+(?:[–-][0-9]+)?)")
        var cites: [(where: String, ref: String)] = []
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)
        while let url = files?.nextObject() as? URL {
            guard url.pathExtension == "swift", let text = try? String(contentsOf: url, encoding: .utf8) else { continue }
            for (n, line) in text.components(separatedBy: "\n").enumerated() {
                let ns = line as NSString
                for m in re.matches(in: line, range: NSRange(location: 0, length: ns.length)) {
                    let rel = url.path.replacingOccurrences(of: repoRoot.path + "/", with: "")
                    cites.append(("\(rel):\(n + 1)", ns.substring(with: m.range(at: 1))))
                }
            }
        }
        #expect(!cites.isEmpty)
        let missing = uncovered(cites, in: book)
        #expect(missing.isEmpty, "citation literals in Sources/ with no entry in GeoData/clauses.yaml:\n\(missing.joined(separator: "\n"))")
    }

    @Test func aWrongQuoteIsRefusedNamingTheRef() throws {
        let book = try fixtureBook("clauses-wrong-quote.yaml")
        let problems = book.problems(seedsDirectory: seedsDir)
        #expect(problems.count == 1)
        let p = try #require(problems.first)
        #expect(p.featureId == "000:308")
        #expect(p.field == "quote")
        #expect(p.file == "clauses-wrong-quote.yaml")
        #expect(p.line == 10)
        #expect(p.description.contains("000_34ff37564698688d.txt line 308"))
        #expect(p.description.contains("低污染产业"), "says what the quote has: \(p)")
        #expect(p.description.contains("无污染产业"), "says what the seed has: \(p)")
        do {
            try book.verify(seedsDirectory: seedsDir)
            Issue.record("a wrong quote was accepted")
        } catch let e as ClauseCheckFailure {
            #expect(e.description.contains("000:308"))
            #expect(!e.description.contains("000:314"))
        }
    }

    @Test func aMalformedEntryIsRefusedNamingFileEntryAndField() throws {
        let e1 = #expect(throws: PlanDataError.self) { _ = try fixtureBook("clauses-missing-section.yaml") }
        #expect(e1?.file == "clauses-missing-section.yaml")
        #expect(e1?.featureId == "000:310")
        #expect(e1?.field == "clauses[1].section")
        #expect(e1?.message == "missing")
        let e2 = #expect(throws: PlanDataError.self) { _ = try fixtureBook("clauses-unknown-document.yaml") }
        #expect(e2?.featureId == "009:12")
        #expect(e2?.field == "clauses[0].ref")
        #expect(e2?.message.contains("009") == true)
        let bad = try ConfigDocument(file: "inline.yaml", text: """
            version: "x"
            documents:
              "000": {title: t, file: 000_x.txt, year: 2011}
            clauses:
              - ref: "000-12"
                section: s
                quote: q
            """)
        #expect(throws: PlanDataError.self) { _ = try ClauseBook.load(bad) }
    }

    @Test func aMissingSeedFileAndABlankLineAreReported() throws {
        let book = try fixtureBook("clauses-missing-seed.yaml")
        let problems = book.problems(seedsDirectory: seedsDir)
        #expect(problems.contains { $0.field == "documents.001.file" && $0.message.contains("001_no_such_file.txt") })
        #expect(problems.contains { $0.featureId == "000:12" && $0.message.contains("blank") })
    }

    @Test func anAbsentClauseFileIsEmpty() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("clauses-absent-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try ClauseBook.loadIfPresent(in: dir).isEmpty)
        try "clauses: [".write(to: dir.appendingPathComponent("clauses.yaml"), atomically: true, encoding: .utf8)
        #expect(throws: PlanDataError.self) { _ = try ClauseBook.loadIfPresent(in: dir) }
    }
}
