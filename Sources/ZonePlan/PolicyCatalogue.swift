import Foundation

/// An industry-policy catalogue as data (`GeoData/policy-catalogue.yaml`): the national
/// 产业结构调整指导目录, or a province's stricter list in the same format. Its items name products,
/// processes, equipment and capacities, not industry codes; each item says which GB/T 4754 classes
/// it falls under where that is clear, and the capacity or process condition it turns on.
public struct PolicyCatalogue: Sendable {
    public enum Category: String, Sendable, CaseIterable {
        case encouraged, restricted, eliminated

        public var chinese: String {
            switch self {
            case .encouraged: return "鼓励类"
            case .restricted: return "限制类"
            case .eliminated: return "淘汰类"
            }
        }
    }

    /// When the item applies, as a figure of the project: e.g. a board line *below* 50000 立方米/年.
    public struct Condition: Sendable, Equatable {
        public enum Comparison: String, Sendable, CaseIterable {
            case below, atMost = "at-most", above, atLeast = "at-least"

            public func holds(_ value: Double, _ limit: Double) -> Bool {
                switch self {
                case .below: return value < limit
                case .atMost: return value <= limit
                case .above: return value > limit
                case .atLeast: return value >= limit
                }
            }
            public var symbol: String {
                switch self {
                case .below: return "<"
                case .atMost: return "≤"
                case .above: return ">"
                case .atLeast: return "≥"
                }
            }
        }
        /// What is measured, in the catalogue's words (单线产能, 年加工生皮能力 …).
        public var measure: String
        public var comparison: Comparison
        public var value: Double
        public var unit: String
    }

    public struct Item: Sendable {
        /// The catalogue's own numbering, e.g. `限制类 一、2`; what an application declares.
        public var number: String
        public var category: Category
        /// The catalogue's chapter (行业), e.g. 农林牧渔业, 纺织.
        public var section: String
        /// A short description in our words (not the catalogue's text).
        public var description: String
        /// GB/T 4754 classes the item falls under, where that is clear; may be empty.
        public var classes: [String]
        /// The capacity condition, when the item has one that can be stated as a number.
        public var condition: Condition?
        /// A process or equipment condition that is not a number (text for the official).
        public var process: String?
        /// Whether number and wording were checked against a copy of the published text.
        public var verified: Bool
        public var note: String?
        /// The catalogue the item belongs to (its `name` and `version`), for reports.
        public var catalogue: String
    }

    /// Short key naming the catalogue (`national-2024`); two loaded catalogues differ in it.
    public var id: String
    public var version: String
    public var name: String
    public var issuer: String
    public var effective: String
    public var source: String
    /// The plain statement of what the file holds (a subset, and of what).
    public var scope: String
    public var items: [Item]
    public var file: String
    /// The text it was read from (so a workspace could keep it, as it keeps the clause book).
    public var text: String

    /// `产业结构调整指导目录（2024年本） subset-2026.11.1`: what a result records.
    public var label: String { "\(name) \(version)" }

    /// Reads and validates a catalogue; classes must be codes the vocabulary knows.
    public static func load(_ doc: ConfigDocument, vocabulary: IndustryCatalog) throws -> PolicyCatalogue {
        let root = doc.root
        guard root.isMapping else {
            throw doc.error(root, "(top)", "expected a mapping with id, version, name, issuer, effective, source, scope, items")
        }
        let id = try doc.string(root, "id")
        guard id.range(of: #"^[a-z][a-z0-9-]{0,40}$"#, options: .regularExpression) != nil else {
            throw doc.error(root["id"], "id", "'\(id)' must be lower-case letters, digits and - (e.g. national-2024)")
        }
        let version = try doc.string(root, "version")
        let name = try doc.string(root, "name")
        let issuer = try doc.string(root, "issuer")
        let effective = try doc.string(root, "effective")
        guard effective.range(of: #"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"#, options: .regularExpression) != nil else {
            throw doc.error(root["effective"], "effective", "expected a date YYYY-MM-DD, got '\(effective)'")
        }
        let source = try doc.string(root, "source")
        let scope = try doc.string(root, "scope")
        let itemsNode = try doc.required(root, "items", path: "")
        guard let nodes = itemsNode.items, !nodes.isEmpty else { throw doc.error(itemsNode, "items", "expected a non-empty list") }
        var items: [Item] = []
        for (i, node) in nodes.enumerated() {
            let path = "items[\(i)]"
            let number = try doc.string(node, "number", path: path)
            guard !items.contains(where: { $0.number == number }) else {
                throw doc.error(node["number"], "\(path).number", "'\(number)' is listed twice", id: number)
            }
            let catRaw = try doc.string(node, "category", path: path, id: number)
            guard let category = Category(rawValue: catRaw) else {
                throw doc.error(node["category"], "\(path).category",
                                "unknown category '\(catRaw)' (known: \(Category.allCases.map(\.rawValue).joined(separator: ", ")))", id: number)
            }
            // The number opens with the category's own word, so a declaration reads as the catalogue does.
            guard number.hasPrefix(category.chinese) else {
                throw doc.error(node["number"], "\(path).number", "'\(number)' must begin with \(category.chinese) (category \(category.rawValue))", id: number)
            }
            let section = try doc.string(node, "section", path: path, id: number)
            let description = try doc.string(node, "description", path: path, id: number)
            var classes: [String] = []
            if node["classes"] != nil {
                classes = try doc.stringList(node, "classes", path: path, id: number)
                for (j, c) in classes.enumerated() where !vocabulary.isKnown(c) {
                    throw doc.error(node["classes"], "\(path).classes[\(j)]", "unknown industry code '\(c)' (not in the vocabulary, \(vocabulary.standard))", id: number)
                }
            }
            var condition: Condition?
            if let c = node["condition"] {
                let cpath = "\(path).condition"
                guard c.isMapping else { throw doc.error(c, cpath, "expected {measure, comparison, value, unit}", id: number) }
                let measure = try doc.string(c, "measure", path: cpath, id: number)
                let cmpRaw = try doc.string(c, "comparison", path: cpath, id: number)
                guard let cmp = Condition.Comparison(rawValue: cmpRaw) else {
                    throw doc.error(c["comparison"], "\(cpath).comparison",
                                    "expected one of \(Condition.Comparison.allCases.map(\.rawValue).joined(separator: ", ")), got '\(cmpRaw)'", id: number)
                }
                let vNode = try doc.required(c, "value", path: cpath, id: number)
                guard let v = vNode.number, v.isFinite, v > 0 else {
                    throw doc.error(vNode, "\(cpath).value", "expected a positive number, got '\(vNode.string ?? "?")'", id: number)
                }
                let unit = try doc.string(c, "unit", path: cpath, id: number)
                condition = Condition(measure: measure, comparison: cmp, value: v, unit: unit)
            }
            let vNode = try doc.required(node, "verified", path: path, id: number)
            guard let verified = vNode.bool else { throw doc.error(vNode, "\(path).verified", "expected true or false", id: number) }
            let note = node["note"]?.string
            // An item we could not check against the published text must say why, so nobody quotes it as checked.
            if !verified, (note ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
                throw doc.error(node, "\(path).note", "missing: an unverified item must say what was not checked", id: number)
            }
            items.append(Item(number: number, category: category, section: section, description: description, classes: classes,
                              condition: condition, process: node["process"]?.string, verified: verified, note: note,
                              catalogue: "\(name) \(version)"))
        }
        return PolicyCatalogue(id: id, version: version, name: name, issuer: issuer, effective: effective, source: source,
                               scope: scope, items: items, file: doc.file, text: doc.text)
    }
}

/// The catalogues a plan vets against: the national one from GeoData and any added (a province's
/// stricter lists). Item numbers are unique across them, so a declaration names one item.
public struct PolicyCatalogues: Sendable {
    public private(set) var catalogues: [PolicyCatalogue] = []
    private var index: [String: Int] = [:]

    public static let empty = PolicyCatalogues()
    public init() {}

    public var isEmpty: Bool { catalogues.isEmpty }

    /// Adds a catalogue; one whose id or an item number is already loaded is refused (naming it).
    public mutating func add(_ c: PolicyCatalogue) throws {
        if let other = catalogues.first(where: { $0.id == c.id }) {
            throw PlanDataError(file: c.file, field: "id", message: "catalogue '\(c.id)' is already loaded (from \(other.file))")
        }
        for item in c.items {
            if let (other, _) = self.item(item.number) {
                throw PlanDataError(file: c.file, featureId: item.number, field: "number",
                                    message: "item '\(item.number)' is also in \(other.file): numbers must be unique across loaded catalogues")
            }
        }
        catalogues.append(c)
        rebuildIndex()
    }

    private mutating func rebuildIndex() {
        index = [:]
        for (ci, c) in catalogues.enumerated() { for (ii, item) in c.items.enumerated() { index[item.number] = ci << 20 | ii } }
    }

    public func item(_ number: String) -> (catalogue: PolicyCatalogue, item: PolicyCatalogue.Item)? {
        guard let k = index[number] else { return nil }
        let c = catalogues[k >> 20]
        return (c, c.items[k & 0xFFFFF])
    }

    public var allItems: [PolicyCatalogue.Item] { catalogues.flatMap(\.items) }

    /// Restricted or eliminated items whose classes hold (or may hold) this industry code.
    public func barredItems(for code: String) -> [PolicyCatalogue.Item] {
        allItems.filter { $0.category != .encouraged && IndustryCatalog.membership(code, in: $0.classes) != .no }
    }

    /// Encouraged items whose classes hold (or may hold) this industry code.
    public func encouragedItems(for code: String) -> [PolicyCatalogue.Item] {
        allItems.filter { $0.category == .encouraged && IndustryCatalog.membership(code, in: $0.classes) != .no }
    }

    /// Each catalogue's label, for a result and the plan's version string.
    public var labels: [String] { catalogues.map(\.label) }

    /// Reads a catalogue file (for `--policy-catalogue FILE` and GeoData's own).
    public static func read(_ url: URL, displayName: String? = nil, vocabulary: IndustryCatalog) throws -> PolicyCatalogue {
        try PolicyCatalogue.load(ConfigDocument(contentsOf: url, displayName: displayName), vocabulary: vocabulary)
    }
}
