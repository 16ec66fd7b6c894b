import Foundation
import Yams

/// A YAML document read into a tree that remembers line numbers, so a mistake in a file an official
/// edits (rule pack, industry vocabulary) can be reported as `FILE:LINE: field …: what is wrong`.
public struct ConfigNode: Sendable {
    public enum Kind: Sendable {
        case scalar(String, quoted: Bool)
        case sequence([ConfigNode])
        case mapping([(key: String, value: ConfigNode)])
    }
    public var kind: Kind
    public var line: Int

    public subscript(key: String) -> ConfigNode? {
        guard case .mapping(let pairs) = kind else { return nil }
        return pairs.first(where: { $0.key == key })?.value
    }
    public var keys: [String] {
        guard case .mapping(let pairs) = kind else { return [] }
        return pairs.map(\.key)
    }
    public var string: String? {
        if case .scalar(let s, _) = kind { return s }
        return nil
    }
    public var number: Double? {
        guard case .scalar(let s, let quoted) = kind, !quoted else { return nil }
        return Double(s.replacingOccurrences(of: "_", with: ""))
    }
    public var bool: Bool? {
        guard case .scalar(let s, let quoted) = kind, !quoted else { return nil }
        switch s.lowercased() {
        case "true", "yes": return true
        case "false", "no": return false
        default: return nil
        }
    }
    public var items: [ConfigNode]? {
        if case .sequence(let xs) = kind { return xs }
        return nil
    }
    public var isMapping: Bool { if case .mapping = kind { return true } else { return false } }
}

/// The file an error is about, plus a path of fields inside it.
public struct ConfigDocument: Sendable {
    public let file: String
    public let root: ConfigNode
    public let text: String

    public init(file: String, text: String) throws {
        self.file = file
        self.text = text
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let e as YamlError {
            throw PlanDataError(file: file, message: "not valid YAML: \(Self.oneLine(e))")
        }
        guard let node else { throw PlanDataError(file: file, message: "the file is empty") }
        root = Self.convert(node)
    }

    public init(contentsOf url: URL, displayName: String? = nil) throws {
        let name = displayName ?? url.path
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw PlanDataError(file: name, message: "cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw PlanDataError(file: name, message: "not UTF-8 text")
        }
        try self.init(file: name, text: text)
    }

    static func oneLine(_ e: YamlError) -> String {
        switch e {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _):
            return "line \(mark.line) column \(mark.column): \(problem)"
        default:
            return String(describing: e).split(separator: "\n").first.map(String.init) ?? "\(e)"
        }
    }

    static func convert(_ node: Node) -> ConfigNode {
        let line = node.mark?.line ?? 0
        switch node {
        case .scalar(let s):
            let quoted = s.style == .singleQuoted || s.style == .doubleQuoted
            return ConfigNode(kind: .scalar(s.string, quoted: quoted), line: line)
        case .sequence(let seq):
            return ConfigNode(kind: .sequence(seq.map(convert)), line: line)
        case .mapping(let map):
            let pairs = map.map { (key: $0.key.string ?? "\($0.key)", value: convert($0.value)) }
            return ConfigNode(kind: .mapping(pairs), line: line)
        @unknown default:
            return ConfigNode(kind: .scalar("", quoted: true), line: line)
        }
    }

    // MARK: typed access that fails with the file, line and field named

    public func error(_ node: ConfigNode?, _ field: String, _ message: String, id: String? = nil) -> PlanDataError {
        PlanDataError(file: file, line: node?.line, featureId: id, field: field, message: message)
    }

    public func required(_ parent: ConfigNode, _ key: String, path: String, id: String? = nil) throws -> ConfigNode {
        guard let v = parent[key] else {
            throw error(parent, path.isEmpty ? key : "\(path).\(key)", "missing", id: id)
        }
        return v
    }

    public func string(_ parent: ConfigNode, _ key: String, path: String = "", id: String? = nil) throws -> String {
        let field = path.isEmpty ? key : "\(path).\(key)"
        let v = try required(parent, key, path: path, id: id)
        guard let s = v.string, !s.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw error(v, field, "expected a non-empty text", id: id)
        }
        return s
    }

    public func stringList(_ parent: ConfigNode, _ key: String, path: String = "", id: String? = nil) throws -> [String] {
        let field = path.isEmpty ? key : "\(path).\(key)"
        let v = try required(parent, key, path: path, id: id)
        guard let items = v.items else { throw error(v, field, "expected a list", id: id) }
        return try items.enumerated().map { i, item in
            guard let s = item.string, !s.isEmpty else { throw error(item, "\(field)[\(i)]", "expected a text", id: id) }
            return s
        }
    }
}
