import Foundation

/// What a rule expects of one of its parameters; the rules declare these (in the vetting layer) and
/// the rule pack is checked against them when it is loaded.
public struct ParameterSpec: Sendable {
    public enum Kind: Sendable {
        /// `{value: N, unit: U}` with exactly this unit and N in the range.
        case quantity(unit: String, range: ClosedRange<Double>)
        /// One of these words.
        case choice([String])
        /// A list of industry class names from `industries.yaml`.
        case industryClasses
    }
    public var name: String
    public var kind: Kind
    /// A quantity that may be left unset (`value: ~`): the rule then reports itself not applied.
    public var optional: Bool
    public init(_ name: String, _ kind: Kind, optional: Bool = false) { self.name = name; self.kind = kind; self.optional = optional }

    public static func outcome(_ name: String) -> ParameterSpec { .init(name, .choice(["pass", "warn", "fail"])) }
}

public enum ParameterValue: Sendable, Equatable {
    case quantity(Double, unit: String)
    case word(String)
    case list([String])
}

/// One rule of the pack as data: id, description, citations, parameters.
public struct RuleSpec: Sendable {
    public var id: String
    public var description: String
    public var citations: [String]
    public var enabled: Bool
    public var params: [String: ParameterValue]
    public var line: Int

    public func quantity(_ name: String) -> Double? {
        if case .quantity(let v, _)? = params[name] { return v }
        return nil
    }
    public func unit(_ name: String) -> String? {
        if case .quantity(_, let u)? = params[name] { return u }
        return nil
    }
    public func word(_ name: String) -> String? {
        if case .word(let w)? = params[name] { return w }
        return nil
    }
    public func list(_ name: String) -> [String]? {
        if case .list(let l)? = params[name] { return l }
        return nil
    }
}

/// The versioned rule pack (`GeoData/rulepack.yaml`).
public struct RulePack: Sendable {
    public var version: String
    public var effective: String
    public var title: String
    public var rules: [RuleSpec]
    public var file: String

    public func rule(_ id: String) -> RuleSpec? { rules.first { $0.id == id } }

    /// `000:116` — a seed file number and a line.
    public static func isCitation(_ s: String) -> Bool {
        s.range(of: #"^[0-9]{3}:[0-9]+(–[0-9]+)?$"#, options: .regularExpression) != nil
    }

    /// Reads and validates the pack against the rules' parameter specs and the industry catalog.
    /// Every rule the engine implements must be present; an unknown rule id is refused.
    public static func load(_ doc: ConfigDocument, schemas: [String: [ParameterSpec]], catalog: IndustryCatalog) throws -> RulePack {
        let root = doc.root
        guard root.isMapping else { throw doc.error(root, "(top)", "expected a mapping with version, effective, title, rules") }
        let version = try doc.string(root, "version")
        let effective = try doc.string(root, "effective")
        guard effective.range(of: #"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"#, options: .regularExpression) != nil else {
            throw doc.error(root["effective"], "effective", "expected a date YYYY-MM-DD, got '\(effective)'")
        }
        let title = try doc.string(root, "title")
        let rulesNode = try doc.required(root, "rules", path: "")
        guard let items = rulesNode.items else { throw doc.error(rulesNode, "rules", "expected a list") }
        var rules: [RuleSpec] = []
        for (i, item) in items.enumerated() {
            let path = "rules[\(i)]"
            let id = try doc.string(item, "id", path: path)
            guard let specs = schemas[id] else {
                throw doc.error(item["id"], "\(path).id", "unknown rule id '\(id)' (known: \(schemas.keys.sorted().joined(separator: ", ")))", id: id)
            }
            guard !rules.contains(where: { $0.id == id }) else { throw doc.error(item, "\(path).id", "rule '\(id)' is listed twice", id: id) }
            let description = try doc.string(item, "description", path: path, id: id)
            // An empty list is allowed for a data check with no clause behind it (e.g. declared-area).
            let citations = try doc.stringList(item, "citation", path: path, id: id)
            for c in citations where !isCitation(c) {
                throw doc.error(item["citation"], "citation", "'\(c)' is not a seed FILE:LINE such as 000:116", id: id)
            }
            let enabledNode = try doc.required(item, "enabled", path: path, id: id)
            guard let enabled = enabledNode.bool else { throw doc.error(enabledNode, "enabled", "expected true or false", id: id) }
            var paramsNode = item["params"] ?? ConfigNode(kind: .mapping([]), line: item.line)
            if let s = paramsNode.string, ["", "~", "null"].contains(s) { paramsNode = ConfigNode(kind: .mapping([]), line: paramsNode.line) }
            guard paramsNode.isMapping else { throw doc.error(paramsNode, "params", "expected a mapping", id: id) }
            for key in paramsNode.keys where !specs.contains(where: { $0.name == key }) {
                throw doc.error(paramsNode[key], "params.\(key)", "unknown parameter (this rule takes: \(specs.map(\.name).joined(separator: ", ")))", id: id)
            }
            var params: [String: ParameterValue] = [:]
            for spec in specs {
                let field = "params.\(spec.name)"
                guard let node = paramsNode[spec.name] else { throw doc.error(paramsNode, field, "missing", id: id) }
                switch spec.kind {
                case .quantity(let unit, let range):
                    guard node.isMapping, let vNode = node["value"], let uNode = node["unit"] else {
                        throw doc.error(node, field, "expected {value: N, unit: \(unit)}", id: id)
                    }
                    if spec.optional, let s = vNode.string, ["", "~", "null", "Null", "NULL"].contains(s) {
                        guard (uNode.string ?? "") == unit else {
                            throw doc.error(uNode, "\(field).unit", "wrong unit '\(uNode.string ?? "")': this parameter is in \(unit)", id: id)
                        }
                        continue  // not set
                    }
                    guard let v = vNode.number, v.isFinite else { throw doc.error(vNode, "\(field).value", "expected a number, got '\(vNode.string ?? "?")'", id: id) }
                    let u = uNode.string ?? ""
                    guard u == unit else { throw doc.error(uNode, "\(field).unit", "wrong unit '\(u)': this parameter is in \(unit)", id: id) }
                    guard range.contains(v) else {
                        throw doc.error(vNode, "\(field).value", "\(v) is outside \(range.lowerBound)…\(range.upperBound) \(unit)", id: id)
                    }
                    params[spec.name] = .quantity(v, unit: u)
                case .choice(let words):
                    guard let w = node.string, words.contains(w) else {
                        throw doc.error(node, field, "expected one of \(words.joined(separator: ", ")), got '\(node.string ?? "?")'", id: id)
                    }
                    params[spec.name] = .word(w)
                case .industryClasses:
                    guard let xs = node.items?.compactMap(\.string), xs.count == node.items?.count else {
                        throw doc.error(node, field, "expected a list of industry class names", id: id)
                    }
                    for x in xs where catalog.classes[x] == nil {
                        throw doc.error(node, field, "unknown industry class '\(x)' (industries.yaml has: \(catalog.classes.keys.sorted().joined(separator: ", ")))", id: id)
                    }
                    params[spec.name] = .list(xs)
                }
            }
            rules.append(RuleSpec(id: id, description: description, citations: citations, enabled: enabled, params: params, line: item.line))
        }
        for id in schemas.keys.sorted() where !rules.contains(where: { $0.id == id }) {
            throw doc.error(rulesNode, "rules", "rule '\(id)' is missing (set enabled: false to switch a rule off)", id: id)
        }
        return RulePack(version: version, effective: effective, title: title, rules: rules, file: doc.file)
    }
}
