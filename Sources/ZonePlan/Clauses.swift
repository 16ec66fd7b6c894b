import Foundation

/// One seed plan the clause book quotes from (`documents:` in `GeoData/clauses.yaml`).
public struct ClauseDocument: Codable, Sendable, Equatable {
    /// The seed file number, "000".
    public var code: String
    /// The plan's title as printed, with 《》.
    public var title: String
    /// The seed file name, e.g. `000_34ff37564698688d.txt`.
    public var file: String
    public var year: Int

    public init(code: String, title: String, file: String, year: Int) {
        self.code = code; self.title = title; self.file = file; self.year = year
    }
}

/// What a citation such as `000:308` says: the plan, the heading it sits under and the words the
/// rule rests on. `ref` stays the machine anchor.
public struct Clause: Codable, Sendable, Equatable {
    /// `000:308` or a range `003:152–160` (as written in clauses.yaml).
    public var ref: String
    /// The seed file number, "000".
    public var document: String
    /// The plan's title, 《嘉兴市工业“十二五”发展规划》.
    public var title: String
    /// The enclosing headings as printed, e.g. `第四章 区域经济 第一节 优化工业布局 二、工业布局架构 5.工业布局的主体功能区导向`.
    public var section: String
    /// Copied exactly from the seed line(s).
    public var quote: String
    /// A caution for the reader (e.g. "a target, not an admission rule"), if any.
    public var note: String?

    public init(ref: String, document: String, title: String, section: String, quote: String, note: String? = nil) {
        self.ref = ref; self.document = document; self.title = title; self.section = section; self.quote = quote; self.note = note
    }

    /// `《title》 section：“quote”（000:308）` — one line for people.
    public var citationText: String { "\(title) \(section)：“\(quote)”（\(ref)）" }
}

/// A citation taken apart: seed file number and first/last line (equal for a single line).
public struct ClauseRef: Sendable, Equatable, Hashable {
    public var document: String
    public var first: Int
    public var last: Int

    /// `000:308`, `000:295–298`, `003:152-160` (hyphen accepted). Nil if not a citation.
    public init?(_ s: String) {
        let t = s.trimmingCharacters(in: .whitespaces)
        guard t.range(of: #"^[0-9]{3}:[0-9]+([–-][0-9]+)?$"#, options: .regularExpression) != nil else { return nil }
        let parts = t.split(separator: ":", maxSplits: 1)
        let lines = parts[1].split(whereSeparator: { $0 == "-" || $0 == "–" })
        guard let a = Int(lines[0]), a > 0 else { return nil }
        let b = lines.count > 1 ? Int(lines[1]) : a
        guard let b, b >= a else { return nil }
        document = String(parts[0]); first = a; last = b
    }

    public var isRange: Bool { last != first }
    /// Canonical spelling: en dash for a range.
    public var canonical: String { isRange ? "\(document):\(first)–\(last)" : "\(document):\(first)" }
    /// The single-line ref of the first line.
    public var firstLine: String { "\(document):\(first)" }
}

/// The clause book (`GeoData/clauses.yaml`): one entry per seed citation used by the rule pack, the
/// code and the layers. Loaded like the rule pack (a malformed entry is refused with the file, the
/// entry and the field named); `verify(seedsDirectory:)` checks every quote against the seeds.
public struct ClauseBook: Sendable {
    public var version: String
    public var documents: [ClauseDocument]
    public var all: [Clause]
    /// The file the book was read from (for messages).
    public var file: String
    /// Line of each entry in the file, by canonical ref.
    var entryLines: [String: Int] = [:]
    var index: [String: Int] = [:]

    public init(version: String, documents: [ClauseDocument], clauses: [Clause], file: String = "clauses.yaml") {
        self.version = version; self.documents = documents; self.all = clauses; self.file = file
        for (i, c) in clauses.enumerated() {
            let key = ClauseRef(c.ref)?.canonical ?? c.ref
            if index[key] == nil { index[key] = i }
        }
    }

    public static let empty = ClauseBook(version: "", documents: [], clauses: [], file: "")

    public var isEmpty: Bool { all.isEmpty }

    public func document(_ code: String) -> ClauseDocument? { documents.first { $0.code == code } }

    /// The entry for `ref`: exact (a hyphen and an en dash are the same), else, for a range, the
    /// entry for the range's first line.
    public func clause(for ref: String) -> Clause? {
        if let i = index[ref] { return all[i] }  // the common case, without parsing the ref
        guard let r = ClauseRef(ref) else { return index[ref].map { all[$0] } }
        if let i = index[r.canonical] { return all[i] }
        if r.isRange, let i = index[r.firstLine] { return all[i] }
        return nil
    }

    // MARK: loading

    public static func load(_ doc: ConfigDocument) throws -> ClauseBook {
        let root = doc.root
        guard root.isMapping else { throw doc.error(root, "(top)", "expected a mapping with version, documents, clauses") }
        for key in root.keys where !["version", "documents", "clauses"].contains(key) {
            throw doc.error(root[key], key, "unknown field (expected version, documents, clauses)")
        }
        let version = try doc.string(root, "version")
        let docsNode = try doc.required(root, "documents", path: "")
        guard case .mapping(let docPairs) = docsNode.kind, !docPairs.isEmpty else {
            throw doc.error(docsNode, "documents", "expected a mapping of seed file numbers (\"000\") to {title, file, year}")
        }
        var documents: [ClauseDocument] = []
        for (code, node) in docPairs {
            let path = "documents.\(code)"
            guard code.range(of: #"^[0-9]{3}$"#, options: .regularExpression) != nil else {
                throw doc.error(node, path, "'\(code)' is not a seed file number such as \"000\"", id: code)
            }
            guard node.isMapping else { throw doc.error(node, path, "expected {title, file, year}", id: code) }
            for key in node.keys where !["title", "file", "year"].contains(key) {
                throw doc.error(node[key], "\(path).\(key)", "unknown field (expected title, file, year)", id: code)
            }
            let title = try doc.string(node, "title", path: path, id: code)
            let file = try doc.string(node, "file", path: path, id: code)
            guard file.hasPrefix(code) else {
                throw doc.error(node["file"], "\(path).file", "'\(file)' does not start with the document number \(code)", id: code)
            }
            let yearNode = try doc.required(node, "year", path: path, id: code)
            guard let y = yearNode.number, y == y.rounded(), (1949...2100).contains(y) else {
                throw doc.error(yearNode, "\(path).year", "expected a year such as 2011, got '\(yearNode.string ?? "?")'", id: code)
            }
            guard !documents.contains(where: { $0.code == code }) else {
                throw doc.error(node, path, "document \(code) is listed twice", id: code)
            }
            documents.append(ClauseDocument(code: code, title: title, file: file, year: Int(y)))
        }
        let listNode = try doc.required(root, "clauses", path: "")
        guard let items = listNode.items else { throw doc.error(listNode, "clauses", "expected a list") }
        var clauses: [Clause] = []
        var lines: [String: Int] = [:]
        for (i, item) in items.enumerated() {
            let path = "clauses[\(i)]"
            guard item.isMapping else { throw doc.error(item, path, "expected {ref, section, quote}") }
            let refText = try doc.string(item, "ref", path: path)
            guard let ref = ClauseRef(refText) else {
                throw doc.error(item["ref"], "\(path).ref", "'\(refText)' is not a seed FILE:LINE such as 000:308 or 003:152–160", id: refText)
            }
            for key in item.keys where !["ref", "section", "quote", "note"].contains(key) {
                throw doc.error(item[key], "\(path).\(key)", "unknown field (expected ref, section, quote, note)", id: refText)
            }
            guard let d = documents.first(where: { $0.code == ref.document }) else {
                throw doc.error(item["ref"], "\(path).ref", "document \(ref.document) is not listed under documents", id: refText)
            }
            if let other = lines[ref.canonical] {
                throw doc.error(item["ref"], "\(path).ref", "\(refText) is listed twice (also at line \(other))", id: refText)
            }
            let section = try doc.string(item, "section", path: path, id: refText)
            let quote = try doc.string(item, "quote", path: path, id: refText)
            guard quote == quote.trimmingCharacters(in: .whitespacesAndNewlines) else {
                throw doc.error(item["quote"], "\(path).quote", "has leading or trailing blanks; copy the words only", id: refText)
            }
            var note: String?
            if let n = item["note"] {
                guard let s = n.string, !s.trimmingCharacters(in: .whitespaces).isEmpty else {
                    throw doc.error(n, "\(path).note", "expected a non-empty text", id: refText)
                }
                note = s
            }
            lines[ref.canonical] = item.line
            clauses.append(Clause(ref: refText, document: ref.document, title: d.title, section: section, quote: quote, note: note))
        }
        var book = ClauseBook(version: version, documents: documents, clauses: clauses, file: doc.file)
        book.entryLines = lines
        return book
    }

    /// Reads `clauses.yaml` in `root` if it is there; `.empty` if not. A malformed file is an error.
    public static func loadIfPresent(in root: URL, displayName: String? = nil) throws -> ClauseBook {
        let url = root.appendingPathComponent("clauses.yaml")
        guard FileManager.default.fileExists(atPath: url.path) else { return .empty }
        return try load(ConfigDocument(contentsOf: url, displayName: displayName ?? url.path))
    }

    // MARK: checking against the seeds

    /// The text a quote must be found in: the cited line, or the non-blank lines of a range, each
    /// trimmed of surrounding blanks (including full-width spaces) and joined with one space.
    public static func seedText(_ lines: [String], first: Int, last: Int) -> String? {
        guard first >= 1, last <= lines.count, first <= last else { return nil }
        return lines[(first - 1)...(last - 1)]
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .filter { !$0.isEmpty }
            .joined(separator: " ")
    }

    /// The seed file split into lines (1-based as `lines[n - 1]`), a trailing `\r` removed.
    public static func seedLines(_ url: URL) -> [String]? {
        guard let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8) else { return nil }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
        }
    }

    /// Every mismatch between the book and the seed files in `seedsDirectory` (empty when all is well):
    /// a document file that is missing, a cited line past the end or blank, a quote that is not
    /// copied exactly from its line(s). Each problem names the file, the entry line and the ref.
    public func problems(seedsDirectory: URL) -> [PlanDataError] {
        var out: [PlanDataError] = []
        var seeds: [String: [String]] = [:]
        for d in documents {
            let url = seedsDirectory.appendingPathComponent(d.file)
            if let lines = Self.seedLines(url) { seeds[d.code] = lines } else {
                out.append(PlanDataError(file: file, featureId: d.code, field: "documents.\(d.code).file",
                                         message: "seed file \(url.path) is missing or not UTF-8 text"))
            }
        }
        for c in all {
            guard let ref = ClauseRef(c.ref) else { continue }
            let line = entryLines[ref.canonical]
            func fail(_ field: String, _ m: String) { out.append(PlanDataError(file: file, line: line, featureId: c.ref, field: field, message: m)) }
            guard let d = document(ref.document) else { fail("ref", "document \(ref.document) is not listed"); continue }
            guard let lines = seeds[ref.document] else { continue }
            guard let hay = Self.seedText(lines, first: ref.first, last: ref.last) else {
                fail("ref", "\(d.file) has \(lines.count) lines; \(c.ref) is past the end"); continue
            }
            guard !hay.isEmpty else { fail("ref", "\(d.file) line \(ref.first)\(ref.isRange ? "–\(ref.last)" : "") is blank: nothing there to cite"); continue }
            if !hay.contains(c.quote) {
                fail("quote", "not found verbatim in \(d.file) \(ref.isRange ? "lines \(ref.first)–\(ref.last)" : "line \(ref.first)"): \(Self.difference(quote: c.quote, in: hay))")
            }
        }
        return out
    }

    /// Throws a `ClauseCheckFailure` listing every problem `problems(seedsDirectory:)` finds.
    public func verify(seedsDirectory: URL) throws {
        let p = problems(seedsDirectory: seedsDirectory)
        if !p.isEmpty { throw ClauseCheckFailure(problems: p) }
    }

    /// Where a quote parts from the seed text: the longest prefix that is in the text, then what the
    /// quote has next and what the seed has there.
    static func difference(quote: String, in hay: String) -> String {
        let q = Array(quote)
        var lo = 0, hi = q.count
        while lo < hi {   // longest k such that q[0..<k] occurs in hay (monotone: a prefix of a match matches)
            let mid = (lo + hi + 1) / 2
            if hay.contains(String(q[0..<mid])) { lo = mid } else { hi = mid - 1 }
        }
        let k = lo
        func clip(_ s: Substring) -> String { s.count > 16 ? String(s.prefix(16)) + "…" : String(s) }
        if k == 0 {
            return "no part of it appears; the line reads “\(clip(Substring(hay)))”"
        }
        let matched = String(q[0..<k])
        let after = hay.range(of: matched).map { hay[$0.upperBound...] } ?? ""
        let quoteNext = String(q[k...])
        return "agrees up to “\(String(matched.suffix(12)))”, then the quote has “\(clip(Substring(quoteNext)))” where the seed has “\(after.isEmpty ? "(end of line)" : clip(after))”"
    }
}

/// Quotes in the clause book that do not match the seeds.
public struct ClauseCheckFailure: Error, CustomStringConvertible, Sendable {
    public var problems: [PlanDataError]
    public var description: String {
        "\(problems.count) clause problem\(problems.count == 1 ? "" : "s"):\n" + problems.map { "  " + $0.description }.joined(separator: "\n")
    }
}
