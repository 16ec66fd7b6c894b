import Foundation

/// Whether an industry code belongs to a class of codes. An application may give only a division
/// (`C38`) while a class lists finer codes (`C3825`): then membership is `possible`, and rules
/// treat it the safe way (a restriction applies, a permission does not).
public enum Membership: Sendable, Equatable {
    case yes, possible, no
}

/// The industry vocabulary: GB/T 4754-2017 codes, the plans' industry terms mapped to codes, and
/// the classes (pollution-intensive, energy-intensive, high-tech, ecological) rules refer to.
public struct IndustryCatalog: Sendable {
    public struct Code: Sendable, Hashable { public var code: String; public var name: String }
    public struct Term: Sendable, Hashable { public var term: String; public var codes: [String]; public var source: String? }
    public struct IndustryClass: Sendable {
        public var name: String
        public var codes: [String]
        public var basis: String
    }

    public var standard: String
    public var version: String
    public var codes: [String: Code]
    public var terms: [String: Term]
    public var classes: [String: IndustryClass]
    /// The industry-policy catalogues read over this vocabulary (`policy-catalogue.yaml`). They
    /// travel with the vocabulary because whoever reads an application with it (CLI, server,
    /// workspace, batch) must check the catalogue items the application declares.
    public var policy: PolicyCatalogues = .empty

    /// `C3825`, `C38`, `C`, `D44`: a section letter then 2–4 digits.
    public static func isWellFormed(_ code: String) -> Bool {
        // `^[A-T]([0-9]{2}([0-9]{1,2})?)?$` matched by hand: compiling the regex for every
        // application was a visible part of batch vetting. `$` as the regex engine (ICU) reads it:
        // the end of the text, or just before one line terminator that ends it.
        var s = Array(code.unicodeScalars)
        if s.count >= 2, s[s.count - 2] == "\r", s[s.count - 1] == "\n" {
            s.removeLast(2)
        } else if let last = s.last, ["\n", "\u{0B}", "\u{0C}", "\r", "\u{85}", "\u{2028}", "\u{2029}"].contains(last) {
            s.removeLast()
        }
        guard let section = s.first, ("A"..."T").contains(section), [1, 3, 4, 5].contains(s.count) else { return false }
        return s.dropFirst().allSatisfy { ("0"..."9").contains($0) }
    }

    /// The name of a code, or of the nearest listed ancestor (C3825 → C382 → C38).
    public func name(of code: String) -> String? {
        var c = code
        while !c.isEmpty {
            if let n = codes[c] { return n.name }
            c.removeLast()
        }
        return nil
    }

    /// A code is known when it, or one of its ancestors down to the division, is listed.
    public func isKnown(_ code: String) -> Bool {
        guard Self.isWellFormed(code) else { return false }
        if codes[code] != nil { return true }
        // A finer class under a listed division is accepted: the vocabulary lists divisions fully
        // and finer classes only where the plans need them.
        var c = code
        while c.count > 3 { c.removeLast(); if codes[c] != nil { return true } }
        return false
    }

    static func membership(_ code: String, in list: [String]) -> Membership {
        var result = Membership.no
        let plainCode = isPlainASCII(code)
        for c in list {
            if plainCode && isPlainASCII(c) {
                // Bytes compare as `hasPrefix` does here (see `isPlainASCII`), without its
                // Character-by-Character walk, which was a visible part of vetting.
                if code.utf8.starts(with: c.utf8) { return .yes }
                if c.utf8.starts(with: code.utf8) { result = .possible }
                continue
            }
            if code.hasPrefix(c) { return .yes }          // code is inside the listed class
            if c.hasPrefix(code) { result = .possible }   // code is coarser than the listed class
        }
        return result
    }

    /// ASCII without CR: each byte is then a Character of its own (CR LF is the only ASCII pair
    /// that joins), so a byte prefix is a Character prefix. A well-formed code may end in a line
    /// terminator (see `isWellFormed`), hence the CR test.
    private static func isPlainASCII(_ s: String) -> Bool {
        s.utf8.allSatisfy { $0 < 0x80 && $0 != 0x0D }
    }

    public func membership(_ code: String, inClass name: String) -> Membership {
        guard let cls = classes[name] else { return .no }
        return Self.membership(code, in: cls.codes)
    }

    /// The plan terms whose codes cover this industry code (yes) or might (possible).
    public func terms(matching code: String) -> [(term: String, membership: Membership)] {
        terms.values.compactMap { t in
            let m = Self.membership(code, in: t.codes)
            return m == .no ? nil : (t.term, m)
        }.sorted { $0.term < $1.term }
    }

    public func membership(_ code: String, inTerm term: String) -> Membership {
        guard let t = terms[term] else { return .no }
        return Self.membership(code, in: t.codes)
    }
}

extension IndustryCatalog {
    /// Reads and validates `industries.yaml`.
    public static func load(_ doc: ConfigDocument) throws -> IndustryCatalog {
        let root = doc.root
        guard root.isMapping else { throw doc.error(root, "(top)", "expected a mapping with standard, version, codes, terms, classes") }
        let standard = try doc.string(root, "standard")
        let version = try doc.string(root, "version")
        guard let codeItems = try doc.required(root, "codes", path: "").items else {
            throw doc.error(root["codes"], "codes", "expected a list")
        }
        var codes: [String: Code] = [:]
        for (i, item) in codeItems.enumerated() {
            let code = try doc.string(item, "code", path: "codes[\(i)]")
            guard isWellFormed(code) else {
                throw doc.error(item["code"], "codes[\(i)].code", "'\(code)' is not a GB/T 4754 code (a section letter and 2–4 digits, e.g. C3825)")
            }
            guard codes[code] == nil else { throw doc.error(item, "codes[\(i)].code", "'\(code)' is listed twice") }
            codes[code] = Code(code: code, name: try doc.string(item, "name", path: "codes[\(i)]", id: code))
        }
        var catalog = IndustryCatalog(standard: standard, version: version, codes: codes, terms: [:], classes: [:])
        guard let termItems = try doc.required(root, "terms", path: "").items else {
            throw doc.error(root["terms"], "terms", "expected a list")
        }
        for (i, item) in termItems.enumerated() {
            let term = try doc.string(item, "term", path: "terms[\(i)]")
            let list = try doc.stringList(item, "codes", path: "terms[\(i)]", id: term)
            for (j, c) in list.enumerated() where !catalog.isKnown(c) {
                throw doc.error(item["codes"], "terms[\(i)].codes[\(j)]", "unknown industry code '\(c)'", id: term)
            }
            guard catalog.terms[term] == nil else { throw doc.error(item, "terms[\(i)].term", "'\(term)' is listed twice") }
            catalog.terms[term] = Term(term: term, codes: list, source: item["source"]?.string)
        }
        let classesNode = try doc.required(root, "classes", path: "")
        guard case .mapping(let pairs) = classesNode.kind else { throw doc.error(classesNode, "classes", "expected a mapping of class name → codes") }
        for (name, node) in pairs {
            let list = try doc.stringList(node, "codes", path: "classes.\(name)")
            for (j, c) in list.enumerated() where !catalog.isKnown(c) {
                throw doc.error(node["codes"], "classes.\(name).codes[\(j)]", "unknown industry code '\(c)'")
            }
            let basis = node["basis"]?.string ?? node["source"]?.string
            guard let basis, !basis.isEmpty else {
                throw doc.error(node, "classes.\(name).basis", "missing: say where the class comes from (seed FILE:LINE or the external classification)")
            }
            catalog.classes[name] = IndustryClass(name: name, codes: list, basis: basis)
        }
        for required in ["pollution_intensive", "energy_intensive", "high_tech", "ecological"] where catalog.classes[required] == nil {
            throw doc.error(classesNode, "classes.\(required)", "missing")
        }
        return catalog
    }
}
